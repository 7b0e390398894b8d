"""A policy amendment through labelled figures: every threshold, rate, amount, cap and
parameter of a file in a field with its meaning, written back into the file that the
simulation reads, with nothing else changed."""

from __future__ import annotations

import ast

import pytest
import yaml
from django.test import Client
from django.urls import reverse

from acupoint.policies.amendment import AmendmentForm, figures
from acupoint.policies.models import PolicyDocument

pytestmark = pytest.mark.django_db


def _document() -> PolicyDocument:
    return PolicyDocument.objects.get(policy_id="demo-manufacturing")


def _figure(form: AmendmentForm, value: float, words: str):
    return next(item for item in form.figures if item.value == value and words in item.label)


def test_every_figure_is_labelled_in_words_and_units():
    found = figures(yaml.safe_load(_document().yaml_text))
    threshold = next(item for item in found if item.value == 100 and "≥" in item.label)
    assert "万元" in threshold.label and "digital_investment" not in threshold.label
    rate = next(item for item in found if item.value == 0.2)
    assert "×" in rate.label and "digital_investment" not in rate.label


def test_unchanged_figures_give_back_the_same_clauses():
    document = _document()
    form = AmendmentForm({f"amend-{item.key}": item.value for item in figures(
        yaml.safe_load(document.yaml_text))}, text=document.yaml_text)
    assert form.is_valid(), form.errors
    before, after = yaml.safe_load(document.yaml_text), yaml.safe_load(form.amended_text())
    for old, new in zip(before["clauses"], after["clauses"], strict=True):
        for first, second in zip(old.get("conditions", []), new.get("conditions", []),
                                 strict=True):
            if isinstance(first, dict):
                assert ast.dump(ast.parse(first["when"], mode="eval")) == ast.dump(
                    ast.parse(second["when"], mode="eval"))
        assert old.get("benefit") == new.get("benefit") or ast.dump(ast.parse(
            str(old["benefit"]["formula"]), mode="eval")) == ast.dump(ast.parse(
                str(new["benefit"]["formula"]), mode="eval"))


def test_the_bureau_simulates_an_amendment_through_the_figures(users):
    document = _document()
    form = AmendmentForm(text=document.yaml_text)
    rate = _figure(form, 0.2, "×")
    threshold = next(item for item in form.figures
                     if item.value == 100 and "≥" in item.label and item.place[1] == rate.place[1])
    values = {f"amend-{item.key}": item.value for item in form.figures}
    values[f"amend-{rate.key}"], values[f"amend-{threshold.key}"] = 0.3, 50
    client = Client()
    client.force_login(users["admin"])
    response = client.post(reverse("policies:simulate", args=["demo-manufacturing"]),
                           {"mode": "figures", **values})
    assert response.status_code == 200
    result = response.context["result"]
    assert result.changed == ["digital-transformation"]
    totals = result.simulation.totals
    assert totals["draft"]["eligible"] > totals["baseline"]["eligible"]
    assert totals["draft"]["cost"] > totals["baseline"]["cost"]
    unchanged = client.post(reverse("policies:simulate", args=["demo-manufacturing"]), {
        "mode": "figures", **{f"amend-{item.key}": item.value for item in form.figures}})
    assert unchanged.context["result"] is None
    assert "修订稿未改动任何条款" in unchanged.content.decode()
