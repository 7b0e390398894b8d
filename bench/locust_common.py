"""What both load tests share: the user they simulate (logs in once as the benchmark analyst,
then reads each page for one to three seconds before the next click) and the filter values
the demo city has."""

import re

from locust import HttpUser, between

DISTRICTS = ["370202", "370203", "370211", "370212", "370213", "370214", "370215", "370281",
             "370283", "370285"]
INDUSTRIES = ["C36", "C39", "26", "3612", "C"]


class Analyst(HttpUser):
    abstract = True
    wait_time = between(1, 3)

    def on_start(self) -> None:
        page = self.client.get("/accounts/login/", name="login")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        self.client.post("/accounts/login/", name="login", data={
            "username": "bench", "password": "bench-load-2026",
            "csrfmiddlewaretoken": token}, headers={"Referer": self.host + "/accounts/login/"})
