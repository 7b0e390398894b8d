"""Users of the triage ranking: log in once, then filter, sort, search and page through the
100,000 results of a published run (its id comes in ACUPOINT_BENCH_RUN)."""

import os
import random

from locust import task

from locust_common import DISTRICTS, INDUSTRIES, Analyst

RUN = os.environ.get("ACUPOINT_BENCH_RUN", "1")
SORTS = ["rank", "-rank", "position", "robustness", "district"]


class RankingAnalyst(Analyst):
    """Filters, sorts, searches and pages through a published run's ranking."""

    def ranking(self, params: dict) -> None:
        self.client.get(f"/triage/{RUN}/ranking/", params=params, name="ranking")

    @task(4)
    def filtered_page(self) -> None:
        params = {"district": random.choice(DISTRICTS), "page": random.randint(1, 20)}
        if random.random() < 0.5:
            params["grade"] = random.choice(["A", "B", "C", "D"])
        if random.random() < 0.3:
            params["size"] = random.choice(["above", "below"])
        if random.random() < 0.3:
            params["industry"] = random.choice(INDUSTRIES)
        if random.random() < 0.3:
            params["sort"] = random.choice(SORTS)
        self.ranking(params)

    @task(1)
    def search(self) -> None:
        self.ranking({"q": random.choice(["汽车", "海瑞", "科技", "9137021"])})

    @task(2)
    def unfiltered_deep_page(self) -> None:
        self.ranking({"page": random.randint(1, 2000), "sort": random.choice(SORTS)})

    @task(1)
    def stack_floor(self) -> None:
        self.client.get("/registry/districts/", name="floor: district list")
