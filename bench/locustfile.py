"""Users of the enterprise list: log in once, then filter and page through 100,000 firms."""

import random

from locust import task

from locust_common import DISTRICTS, INDUSTRIES, Analyst


class EnterpriseAnalyst(Analyst):
    """Filters and pages through the enterprise list."""

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
