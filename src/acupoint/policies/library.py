"""The published policies as one engine library, read from the database and kept in memory
until a policy is published, amended or withdrawn."""

from __future__ import annotations

import datetime as dt
import threading
from functools import lru_cache

from django.db.models import Count, Max
from django.utils.translation import get_language

from acupoint.engine.policy import (
    Catalogue,
    Library,
    clause_placeholders,
    load_catalogue,
    parse_policy,
)
from acupoint.engine.policy_explain import Explainer
from acupoint.engine.provenance import described
from acupoint.engine.rules import Matcher
from acupoint.engine.wording import CHINESE, ENGLISH
from acupoint.policies.models import PolicyDocument

_lock = threading.Lock()
_cache: dict[tuple, Library] = {}
_explainers: dict[tuple, Explainer] = {}


@lru_cache(maxsize=1)
def catalogue() -> Catalogue:
    return load_catalogue()


def _signature() -> tuple:
    published = PolicyDocument.objects.filter(status=PolicyDocument.Status.PUBLISHED)
    summary = published.aggregate(count=Count("pk"), latest=Max("updated_at"))
    return summary["count"], summary["latest"]


def published_library() -> Library:
    signature = _signature()
    with _lock:
        if signature not in _cache:
            _cache.clear()
            _explainers.clear()
            documents = PolicyDocument.objects.filter(
                status=PolicyDocument.Status.PUBLISHED).order_by("policy_id")
            # Stored files were checked whole when published; their marks are not asked again
            # (a file published before marks were required still reads).
            _cache[signature] = Library(
                [parse_policy(document.yaml_text, f"{document.policy_id}.yaml", catalogue(),
                              check_marks=False)
                 for document in documents], catalogue())
        return _cache[signature]


def placeholders(policy_id: str) -> dict[str, list[str]]:
    """Per clause of a published policy, the placeholders (待定参数) it rests on, in words."""
    policy = next((item for item in published_library().policies
                   if item.policy.id == policy_id), None)
    if policy is None:
        return {}
    return {clause: described(marks) for clause, marks in clause_placeholders(policy).items()}


def explainer(day: dt.date, tolerance: float = 0.10) -> Explainer:
    """The published clauses in force on ``day``, compiled once for one-enterprise answers,
    explained in the active language's words."""
    library = published_library()
    english = (get_language() or "").startswith("en")
    key = (id(library), day, tolerance, english)
    with _lock:
        if key not in _explainers:
            _explainers[key] = Explainer(Matcher(library, day, tolerance),
                                         ENGLISH if english else CHINESE)
        return _explainers[key]
