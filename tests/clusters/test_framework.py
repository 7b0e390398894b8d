"""The race framework through labelled fields: weights in per cent that must add up within
each pillar, class thresholds in order, parameters and caps; the assessment computed from
what was typed, with the YAML still there for an analyst."""

from __future__ import annotations

import pytest
import yaml
from django.urls import reverse

from acupoint.clusters import actions
from acupoint.clusters.framework import FrameworkForm
from acupoint.clusters.models import Assessment
from tests.conftest import CITY_YEARS

pytestmark = pytest.mark.django_db
YEAR = CITY_YEARS[1]


def _default() -> dict:
    return yaml.safe_load(actions.default_framework())


def _typed(form: FrameworkForm, **changes) -> dict[str, object]:
    values = {f"framework-{name}": field.initial for name, field in form.fields.items()}
    values.update({f"framework-{name}": value for name, value in changes.items()})
    return values


def test_unchanged_fields_give_back_the_framework():
    form = FrameworkForm(_typed(FrameworkForm(framework=_default())), framework=_default())
    assert form.is_valid(), form.errors
    assert form.framework() == _default()
    assert all("_" not in str(field.label) for field in form.fields.values())


def test_weights_must_add_up_within_their_pillar():
    blank = FrameworkForm(framework=_default())
    form = FrameworkForm(_typed(blank, **{"weight:tax_per_mu": 40}), framework=_default())
    assert not form.is_valid()
    assert any("整体规划" in error and "115" in error
               for errors in form.errors.values() for error in errors)


def test_class_thresholds_must_fall():
    blank = FrameworkForm(framework=_default())
    form = FrameworkForm(_typed(blank, **{"class:良好": 80}), framework=_default())
    assert not form.is_valid()


def test_the_bureau_assesses_through_the_fields(client, users):
    client.force_login(users["analyst"])
    blank = FrameworkForm(framework=_default())
    typed = _typed(blank, **{"weight:planning": 30, "weight:level": 20, "param:yellow_bottom": 1})
    response = client.post(reverse("clusters:overview"), {
        "year": YEAR, "quarter": "", "fund": "3000", **typed})
    assessment = Assessment.objects.get(period=str(YEAR))
    assert response.url == reverse("clusters:assessment", args=[assessment.pk])
    weights = {item["code"]: item["weight"] for item in assessment.spec_data["aggregates"]
               if item.get("weight") is not None}
    assert weights["planning"] == pytest.approx(0.3) and weights["level"] == pytest.approx(0.2)
    assert assessment.spec_data["params"]["yellow_bottom"] == 1
