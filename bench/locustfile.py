"""Users of the enterprise list: log in once, then filter and page through 100,000 firms."""

import random
import re

from locust import HttpUser, between, task

DISTRICTS = ["370202", "370203", "370211", "370212", "370213", "370214", "370215", "370281",
             "370283", "370285"]
INDUSTRIES = ["C36", "C39", "26", "3612", "C"]


class Analyst(HttpUser):
    """A person at a desk: reads a page for one to three seconds before the next click."""

    wait_time = between(1, 3)

    def on_start(self) -> None:
        page = self.client.get("/accounts/login/", name="login")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        self.client.post("/accounts/login/", name="login", data={
            "username": "bench", "password": "bench-load-2026",
            "csrfmiddlewaretoken": token}, headers={"Referer": self.host + "/accounts/login/"})

    @task(4)
    def filtered_page(self) -> None:
        params = {"district": random.choice(DISTRICTS), "page": random.randint(1, 40)}
        if random.random() < 0.5:
            params["size"] = random.choice(["above", "below"])
        if random.random() < 0.4:
            params["industry"] = random.choice(INDUSTRIES)
        self.client.get("/registry/enterprises/", params=params, name="enterprise list")

    @task(1)
    def search(self) -> None:
        self.client.get("/registry/enterprises/", params={"q": random.choice(
            ["汽车", "海瑞", "科技", "9137021"])}, name="enterprise list")

    @task(1)
    def unfiltered_deep_page(self) -> None:
        self.client.get("/registry/enterprises/", params={"page": random.randint(1, 2000)},
                        name="enterprise list")

    @task(1)
    def stack_floor(self) -> None:
        self.client.get("/registry/districts/", name="floor: district list")
