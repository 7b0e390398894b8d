"""Evaluation runs on the demo city: the rules of the shipped Shandong spec hold in the stored
results, a published run is frozen, and recomputing it gives the same result."""

from __future__ import annotations

import math

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from acupoint.accounts import scoping
from acupoint.accounts.models import AuditEntry
from acupoint.registry.models import AnnualData, District, Enterprise
from acupoint.triage import history
from acupoint.triage.actions import (
    do_publish_run,
    do_start_run,
    execute_run,
    recompute,
    shipped_specs,
)
from acupoint.triage.models import EvaluationResult, EvaluationRun
from tests.conftest import CITY_YEARS

pytestmark = pytest.mark.django_db
YEAR = CITY_YEARS[1]


@pytest.fixture
def run(users):
    run = do_start_run(users["analyst"], spec_name="shandong_2019.yaml", year=YEAR)
    execute_run(run)
    run.refresh_from_db()
    return run


@pytest.fixture(params=["draft", "published by the demo set-up"])
def evaluated(request, users):
    """A draft an analyst computed, and the run `acupoint demo` publishes."""
    if request.param == "draft":
        return request.getfixturevalue("run")
    from acupoint.cli import _publish_demo_evaluations

    _publish_demo_evaluations([YEAR])
    run = EvaluationRun.objects.get(year=YEAR, status=EvaluationRun.Status.PUBLISHED)
    assert run.published_at is not None
    return run


def test_a_run_is_a_draft_with_one_result_per_firm(run):
    assert run.status == EvaluationRun.Status.DRAFT, run.error
    assert run.progress == 100 and len(run.inputs_sha256) == 64
    firms = AnnualData.objects.filter(year=YEAR).count()
    assert run.results.count() == firms
    assert run.meta["counts"]["entities"] >= firms
    # Every division of the spec is watched for nulls (x / 0), read from the stored flags.
    assert any("tax / land_mu" in label for label in run.meta["counts"]["nulls_from_formulas"])
    assert AuditEntry.objects.filter(action="triage.start").exists()


def test_quotas_hold_in_every_evaluation_unit(evaluated):
    run = evaluated
    units: dict[tuple, list[str]] = {}
    for district, above, grade in run.results.exclude(grade="T").exclude(score=None).values_list(
            "enterprise__district_id", "enterprise__above_scale", "grade"):
        units.setdefault((district, above), []).append(grade)
    assert len(units) > 5
    for grades in units.values():
        assert grades.count("A") <= math.floor(0.2 * len(grades) + 1e-9)
        assert grades.count("D") >= math.ceil(0.05 * len(grades) - 1e-9)
    # Function zones are units of their own: their firms are ranked in the zone, and the
    # district around a zone ranks only its own firms.
    zones = set(District.objects.filter(kind=District.Kind.ZONE).values_list("pk", flat=True))
    assert zones and zones <= {district for district, _above in units}
    ranked_in = dict(run.results.values_list("enterprise_id", "district_id"))
    for firm, unit in Enterprise.objects.values_list("pk", "district_id"):
        assert firm not in ranked_in or ranked_in[firm] == unit


def test_vetoed_firms_are_never_a_or_b_and_t_firms_are_the_flagged_ones(evaluated):
    run = evaluated
    year_rows = AnnualData.objects.filter(year=YEAR)
    vetoed = {firm for flag in ("major_accident", "energy_target_missed")
              for firm in year_rows.filter(**{flag: True}).values_list("enterprise_id",
                                                                     flat=True)}
    grades = dict(run.results.values_list("enterprise_id", "grade"))
    assert vetoed and all(grades[firm] not in ("A", "B") for firm in vetoed)
    flagged = {firm for flag in ("under_construction", "land_unused")
               for firm in year_rows.filter(**{flag: True}).values_list("enterprise_id",
                                                                      flat=True)}
    assert flagged == {firm for firm, grade in grades.items() if grade == "T"}
    gates = run.spec_data["gates"]
    for details in run.results.filter(grade="T").values_list("details", flat=True):
        reasons = [gates[index]["reason"] for index in details["gates"]
                   if gates[index]["then"].get("exclude")]
        assert reasons and all(reason.endswith("（T 类）") for reason in reasons)


def test_protected_new_firms_are_never_d(evaluated):
    """Founded, or newly above designated size (新升规), within two years: never D."""
    run = evaluated
    results = list(run.results.exclude(grade="T").select_related("enterprise"))
    founded = [r for r in results
               if r.enterprise.founded and YEAR - r.enterprise.founded.year < 2]
    promoted = [r for r in results if r.enterprise.above_scale_since
                and YEAR - r.enterprise.above_scale_since < 2]
    assert founded and len(promoted) >= 5
    assert all(result.grade != "D" for result in founded + promoted)
    # The registry's year of entering the statistics reaches the spec's protection gate.
    gate = [gate["name"] for gate in run.spec_data["gates"]].index("new_firm")
    assert all(gate in result.details["gates"] for result in promoted)


def test_publishing_freezes_and_recomputing_gives_the_same_result(run, users):
    published = do_publish_run(users["analyst"], run)
    assert published.status == EvaluationRun.Status.PUBLISHED and published.published_at
    with pytest.raises(ValidationError):
        do_publish_run(users["analyst"], published)
    stored = list(published.results.order_by("pk").values_list("score", "grade", "details"))
    with pytest.raises(ValidationError):
        execute_run(published)
    assert list(published.results.order_by("pk").values_list(
        "score", "grade", "details")) == stored
    again = recompute(published)
    assert again.same_inputs and again.differing == []


def test_recompute_notices_changed_inputs(run):
    row = AnnualData.objects.filter(year=YEAR, tax__gt=0).first()
    row.tax *= 100
    row.save()
    again = recompute(run)
    assert not again.same_inputs and row.enterprise.credit_code in again.differing


def test_only_the_bureau_starts_and_publishes(users, run):
    with pytest.raises(PermissionDenied):
        do_start_run(users["huangdao"], spec_name="shandong_2019.yaml", year=YEAR)
    with pytest.raises(PermissionDenied):
        do_publish_run(users["huangdao"], run)
    with pytest.raises(ValidationError):
        do_start_run(users["analyst"], spec_name="nowhere.yaml", year=YEAR)
    assert "overrides/huangdao_example.yaml" in shipped_specs()


def test_results_are_scoped(users, run):
    officer = users["huangdao"]
    other = do_start_run(users["analyst"], spec_name="shandong_2019.yaml", year=YEAR,
                         district=District.objects.exclude(pk=officer.district_id).first())
    own = do_start_run(users["analyst"], spec_name="shandong_2019.yaml", year=YEAR,
                       district=officer.district)
    runs = set(scoping.visible(officer, EvaluationRun))
    assert run in runs and own in runs and other not in runs  # city-wide runs too
    assert not scoping.visible(users["enterprise"], EvaluationRun).exists()
    visible = scoping.visible(officer, EvaluationResult).filter(run=run)
    assert visible.exists()
    assert set(visible.values_list("enterprise__district_id", flat=True)) == {officer.district_id}
    firm = users["enterprise"]
    assert not scoping.visible(firm, EvaluationResult).filter(run=run).exists()  # a draft
    do_publish_run(users["analyst"], run)
    assert list(scoping.visible(firm, EvaluationResult).filter(run=run).values_list(
        "enterprise_id", flat=True)) == [firm.enterprise_id]


def test_a_result_stays_in_the_unit_it_was_evaluated_in(users, run):
    officer = users["huangdao"]
    result = run.results.filter(district=officer.district).select_related("enterprise").first()
    assert result.above_scale == result.enterprise.above_scale
    firm = result.enterprise
    firm.district = District.objects.exclude(pk=officer.district_id).first()
    firm.save()
    result.refresh_from_db()
    assert result.district_id == officer.district_id
    assert scoping.visible(officer, EvaluationResult).filter(pk=result.pk).exists()


def test_stored_surcharges_follow_the_published_consecutive_d_years():
    """Each D firm pays its year's rate on its own consumption: 0.05, 0.10, then 0.15 元/kWh
    from the third consecutive year in D, counting the classes published for the years
    before (the demo city has all three once three years are published)."""
    from acupoint.cli import _publish_demo_evaluations

    _publish_demo_evaluations([YEAR - 2, YEAR - 1, YEAR])
    run = EvaluationRun.objects.get(year=YEAR, status=EvaluationRun.Status.PUBLISHED)
    published = history.published_classes(years=range(YEAR - 2, YEAR))
    rates = {1: 0.05, 2: 0.10, 3: 0.15}
    seen = set()
    for firm, grade, amounts, details in run.results.values_list(
            "enterprise_id", "grade", "amounts", "details"):
        kwh, level = details["basis"]["electricity_surcharge"]
        charged = amounts.get("electricity_surcharge") or 0.0
        if grade != "D" or not kwh:
            assert charged == 0.0
            continue
        before = history.consecutive(published.get(firm, {}), YEAR - 1)
        assert level == 1 + before
        # The card's trace: the published class (and its run) of each year before.
        for year, entry in details["published_before"].items():
            assert entry is None or tuple(entry) == published[firm][int(year)]
        seen.add(min(level, 3))
        assert math.isclose(charged, kwh * rates[min(level, 3)], rel_tol=1e-9)
    assert seen == {1, 2, 3}


def test_years_never_published_are_not_counted(run):
    """Nothing was published before: every D firm is in its first year, whatever a
    recomputation of the earlier years would say, and its card says nothing was published."""
    d_firms = run.results.filter(grade="D")
    assert d_firms.exists()
    for details in d_firms.values_list("details", flat=True):
        assert details["basis"]["electricity_surcharge"][1] == 1
        assert all(entry is None for entry in details["published_before"].values())


def test_gas_is_charged_only_to_first_year_d_firms_in_three_districts(evaluated):
    charged = evaluated.results.filter(amounts__gas_surcharge__gt=0).select_related(
        "enterprise__district")
    assert charged.exists()
    for result in charged:
        assert result.enterprise.district.location.name in ("市南", "市北", "李沧")
        assert result.grade == "D" and result.details["basis"]["gas_surcharge"][1] == 1
    others = evaluated.results.filter(grade="D").exclude(
        enterprise__district__name__in=("市南", "市北", "李沧"))
    assert others.exists()
    assert all(not (amounts.get("gas_surcharge") or 0)
               for amounts in others.values_list("amounts", flat=True))
