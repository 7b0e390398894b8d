"""Triage pages on the demo city: starting a run through the worker, the ranking's filters,
the evaluation card and who may see it, what-if, exports, transitions and appeals."""

from __future__ import annotations

import io
import math

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from acupoint.accounts.models import AuditEntry
from acupoint.registry.models import AnnualData, Enterprise
from acupoint.triage.actions import do_publish_run, do_start_run
from acupoint.triage.models import Appeal, EvaluationResult, EvaluationRun
from tests.conftest import CITY_YEARS, computed_run

pytestmark = pytest.mark.django_db
YEAR = CITY_YEARS[1]


@pytest.fixture
def run(users):
    return computed_run(users)


@pytest.fixture
def published(users):
    return computed_run(users, publish=True)


def _client(client, user):
    client.force_login(user)
    return client


def test_starting_a_run_queues_it_for_the_worker_and_shows_progress(
        client, users, django_capture_on_commit_callbacks):
    browser = _client(client, users["analyst"])
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        response = browser.post(reverse("triage:runs"), {
            "spec": "shandong_2019.yaml", "year": YEAR, "district": ""})
    assert len(callbacks) == 1  # the task is handed over only once the run is committed
    run = EvaluationRun.objects.get()
    assert response.status_code == 302 and response.url == reverse("triage:run", args=[run.pk])
    assert run.status == EvaluationRun.Status.DRAFT and run.progress == 100
    page = browser.get(response.url).content.decode()
    assert 'data-status="draft"' in page and 'id="by-district"' in page


def test_a_running_run_refreshes_itself_and_shows_its_progress(client, users):
    run = do_start_run(users["analyst"], spec_name="shandong_2019.yaml", year=YEAR)
    EvaluationRun.objects.filter(pk=run.pk).update(progress=40)
    page = _client(client, users["analyst"]).get(reverse("triage:run", args=[run.pk]))
    text = page.content.decode()
    assert 'hx-trigger="every 2s"' in text and 'value="40"' in text  # polls in place
    EvaluationRun.objects.filter(pk=run.pk).update(status=EvaluationRun.Status.DRAFT)
    done = _client(client, users["analyst"]).get(reverse("triage:run", args=[run.pk]))
    assert 'hx-trigger="every 2s"' not in done.content.decode()  # and stops when done


def test_ranking_filters_sorts_and_pages(client, users, run):
    browser = _client(client, users["analyst"])
    url = reverse("triage:ranking", args=[run.pk])
    everyone = browser.get(url)
    total = run.results.count()
    assert everyone.context["page"].paginator.count == total
    # The first page holds ranks 1 to 50 in order; firms winsorised to the same top score
    # share a rank (competition ranking: 1, 1, 3, …).
    ranks = [r.rank for r in everyone.context["page"]]
    assert ranks == sorted(run.results.exclude(rank=None).values_list("rank", flat=True))[:50]
    assert ranks[0] == 1 and ranks[-1] <= 50 and len(ranks) == 50
    only_d = browser.get(url, {"grade": "D", "size": "above"}).context["page"]
    assert only_d.paginator.count == run.results.filter(
        grade="D", enterprise__above_scale=True).count() > 0
    assert {r.grade for r in only_d} == {"D"}
    district = run.results.first().enterprise.district
    in_district = browser.get(url, {"district": district.code}).context["page"]
    assert {r.enterprise.district_id for r in in_district} == {district.pk}
    firm = run.results.select_related("enterprise").first().enterprise
    found = browser.get(url, {"q": firm.name}).context["page"]
    assert firm.pk in {r.enterprise_id for r in found}
    fragile_first = browser.get(url, {"sort": "robustness"}).context["page"]
    values = [r.robustness for r in fragile_first if r.robustness is not None]
    assert values == sorted(values)
    second = browser.get(url, {"page": 2}).context["page"]
    assert second.number == 2 and second[0].rank > everyone.context["page"][0].rank
    credit = browser.get(url, {"priority": "credit_priority"}).context["page"]
    assert {r.grade for r in credit} <= {"A", "B"} and credit.paginator.count == \
        run.results.filter(grade__in=["A", "B"]).count()


def test_card_explains_the_score_for_the_bureau(client, users, run):
    result = run.results.exclude(score=None).filter(grade="B").select_related(
        "enterprise").first()
    page = _client(client, users["analyst"]).get(
        reverse("triage:card", args=[run.pk, result.enterprise.credit_code]))
    card = page.context["card"]
    points = sum(row.contribution for row in card.indicators if row.contribution is not None)
    assert math.isclose(points, result.score, rel_tol=1e-6, abs_tol=1e-6)
    assert any(row.benchmark_kind for row in card.indicators)  # the unit average
    assert 0 < card.placing.share <= 1 and card.chart is not None
    assert result.robustness is not None and 0 <= result.robustness <= 1


def test_vetoed_firms_show_the_rule_that_capped_them(client, users, run):
    vetoed = AnnualData.objects.filter(year=YEAR, major_accident=True).first()
    result = run.results.get(enterprise=vetoed.enterprise)
    card = _client(client, users["analyst"]).get(reverse(
        "triage:card", args=[run.pk, vetoed.enterprise.credit_code])).context["card"]
    assert result.grade not in ("A", "B")
    assert any("重大安全" in veto["reason"] for veto in card.vetoes)


def test_enterprise_users_see_only_their_own_published_card(client, users, run):
    firm_user = users["enterprise"]
    own = firm_user.enterprise
    browser = _client(client, firm_user)
    assert browser.get(reverse("triage:card", args=[run.pk, own.credit_code])).status_code == 404
    do_publish_run(users["analyst"], run)
    mine = browser.get(reverse("triage:mine"))
    assert mine.url == reverse("triage:card", args=[run.pk, own.credit_code])
    card = browser.get(mine.url)
    assert card.status_code == 200
    assert all(row.benchmark_kind != "unit average" and row.benchmark_kind != "所在单元平均"
               for row in card.context["card"].indicators)
    assert card.context["card"].rules["levels"]
    other = run.results.exclude(enterprise=own).select_related("enterprise").first()
    assert browser.get(reverse("triage:card", args=[run.pk, other.enterprise.credit_code])
                       ).status_code == 404
    for name in ("triage:ranking", "triage:run", "triage:fragile"):
        assert browser.get(reverse(name, args=[run.pk])).status_code == 404
    assert browser.get(reverse("triage:export", args=[run.pk, "xlsx"])).status_code == 404


def test_district_officers_export_only_their_district(client, users, published):
    officer = users["huangdao"]
    response = _client(client, officer).get(reverse("triage:export",
                                                    args=[published.pk, "xlsx"]))
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    assert workbook.sheetnames[0] == "分区汇总"
    district_sheets = [name for name in workbook.sheetnames[1:]
                       if not name.endswith("名单") and name != "待定参数"]
    assert district_sheets == [officer.district.name]
    # Every placeholder the classes rest on is listed, with what it affects.
    listed = list(workbook["待定参数"].iter_rows(min_row=2, values_only=True))
    assert any("权重由县级政府确定" in text for _affects, text in listed)
    assert any(affects.startswith("差别化水价加价") for affects, _text in listed)
    rows = list(workbook[officer.district.name].iter_rows(min_row=2, values_only=True))
    assert len(rows) == published.results.filter(
        enterprise__district=officer.district).count()
    summary = list(workbook["分区汇总"].iter_rows(min_row=2, values_only=True))
    assert [row[0] for row in summary] == [officer.district.name]


def test_workbook_has_every_district_and_the_priority_lists(client, users, published):
    response = _client(client, users["analyst"]).get(reverse(
        "triage:export", args=[published.pk, "xlsx"]))
    workbook = openpyxl.load_workbook(io.BytesIO(b"".join(response.streaming_content)))
    districts = set(published.results.values_list("enterprise__district__name", flat=True))
    assert districts <= set(workbook.sheetnames)
    credit = list(workbook["信贷优先支持名单"].iter_rows(min_row=2, values_only=True))
    assert len(credit) == published.results.filter(grade__in=["A", "B"]).count()
    rows = list(workbook["分区汇总"].iter_rows(values_only=True))
    firms = rows[0].index("企业数")
    assert sum(row[firms] for row in rows[1:]) == published.results.count()


def test_word_report_has_the_chart_and_class_lists(client, users, published):
    from docx import Document

    response = _client(client, users["analyst"]).get(reverse(
        "triage:export", args=[published.pk, "docx"]))
    document = Document(io.BytesIO(b"".join(response.streaming_content)))
    assert len(document.inline_shapes) == 1
    picture = document.inline_shapes[0]
    assert picture.width > 0
    text = "\n".join(paragraph.text for paragraph in document.paragraphs)
    some_a = published.results.filter(grade="A").select_related("enterprise").first()
    assert some_a.enterprise.name in text and some_a.enterprise.district.name in text


def test_what_if_counts_class_changes_and_their_cost(client, users, run):
    browser = _client(client, users["analyst"])
    stored = list(run.results.order_by("pk").values_list("grade", "amounts"))
    url = reverse("triage:what-if", args=[run.pk])
    form = browser.get(url).context["form"]
    data = {name: field.initial for name, field in form.fields.items()}
    same = browser.post(url, data).context["outcome"]
    assert same.changes == [] and same.firms == run.results.count() and same.same_inputs
    data["quotas:A"] = 10  # per cent
    response = browser.post(url, data)
    fewer_a = response.context["outcome"]
    # A share the analyst typed is nobody's published figure: it is listed as a placeholder.
    assert any("试算值" in text for text in response.context["placeholders"])
    assert fewer_a.changes and all(change.before == "A" and change.after == "B"
                                   for change in fewer_a.changes)
    data["quotas:A"], data["quotas:D"] = 20, 10
    more_d = browser.post(url, data).context["outcome"]
    assert more_d.moves and all(after == "D" for _before, after, _n in more_d.moves)
    electricity = more_d.amounts["electricity_surcharge"]
    assert electricity["after"] > electricity["before"]
    assert list(run.results.order_by("pk").values_list("grade", "amounts")) == stored
    AnnualData.objects.filter(year=YEAR, tax__gt=0).update(tax=1)
    changed = browser.post(url, data)
    assert not changed.context["outcome"].same_inputs
    assert 'id="inputs-changed"' in changed.content.decode()


def test_transition_matrix_between_two_years(client, users, published):
    earlier = computed_run(users, year=YEAR - 1, publish=True)
    page = _client(client, users["analyst"]).get(
        reverse("triage:transitions", args=[published.pk]), {"from": earlier.pk})
    matrix = page.context["matrix"]
    both = set(earlier.results.values_list("enterprise_id", flat=True)) & set(
        published.results.values_list("enterprise_id", flat=True))
    assert sum(sum(row.values()) for row in matrix.counts.values()) == len(both)
    stayed_a = sum(1 for firm, grade in published.results.values_list("enterprise_id", "grade")
                   if grade == "A" and earlier.results.filter(enterprise_id=firm,
                                                              grade="A").exists())
    assert matrix.counts.get("A", {}).get("A", 0) == stayed_a


def test_fragile_list_holds_only_firms_below_the_threshold(client, users, run, settings):
    page = _client(client, users["analyst"]).get(reverse("triage:fragile", args=[run.pk]))
    listed = list(page.context["page"])
    below = settings.ACUPOINT_FRAGILE_BELOW
    assert all(result.robustness < below for result in listed)
    assert page.context["page"].paginator.count == run.results.filter(
        robustness__lt=below).count()


def test_appeal_accepted_corrects_the_figure_and_publishes_a_new_version(
        client, users, published, django_capture_on_commit_callbacks):
    firm_user = users["enterprise"]
    own = firm_user.enterprise
    card_url = reverse("triage:card", args=[published.pk, own.credit_code])
    browser = _client(client, firm_user)
    old_tax = AnnualData.objects.get(enterprise=own, year=YEAR).tax
    response = browser.post(card_url, {
        "field": "tax", "claimed_value": old_tax * 10, "reason": "税务局数据漏报了第四季度",
        "attachment": SimpleUploadedFile("完税证明.pdf", b"%PDF-1.4 demo", "application/pdf")})
    assert response.status_code == 302
    appeal = Appeal.objects.get()
    assert appeal.recorded_value == old_tax and appeal.attachment.name.endswith(".pdf")

    analyst = _client(client, users["analyst"])
    decision = {"decision": "accept", "answer": "经核实，采纳更正。"}
    preview = analyst.post(reverse("triage:appeal", args=[appeal.pk]), decision)
    assert preview.status_code == 200 and 'id="confirm-form"' in preview.content.decode()
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.OPEN  # nothing is done before the confirmation
    assert AnnualData.objects.get(enterprise=own, year=YEAR).tax == old_tax
    foreseen = {(change.credit_code, change.before, change.after)
                for change in preview.context["preview"].changes}
    with django_capture_on_commit_callbacks(execute=True):
        analyst.post(reverse("triage:appeal", args=[appeal.pk]), {**decision, "confirmed": "True"})
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.ACCEPTED
    corrected = appeal.corrected_run
    published_classes = dict(published.results.values_list("enterprise__credit_code", "grade"))
    happened = {(code, published_classes[code], grade) for code, grade
                in corrected.results.values_list("enterprise__credit_code", "grade")
                if published_classes.get(code) != grade}
    assert foreseen and happened == foreseen  # the preview named exactly the firms that moved
    assert corrected.status == EvaluationRun.Status.PUBLISHED
    assert corrected.supersedes_id == published.pk
    assert AnnualData.objects.get(enterprise=own, year=YEAR).tax == old_tax * 10
    new_result = corrected.results.get(enterprise=own)
    assert new_result.details["indicators"]["tax_per_mu"][0] > \
        published.results.get(enterprise=own).details["indicators"]["tax_per_mu"][0]
    assert published.results.get(enterprise=own).score is not None  # the old run is untouched
    assert AuditEntry.objects.filter(action="registry.correct").exists()
    assert AuditEntry.objects.filter(action="triage.resolve_appeal").exists()

    browser = _client(client, firm_user)
    assert browser.get(reverse("triage:mine")).url == reverse(
        "triage:card", args=[corrected.pk, own.credit_code])
    page = browser.get(card_url).content.decode()
    assert "经核实，采纳更正。" in page


def test_appeal_rejected_keeps_the_figure(client, users, published):
    firm_user = users["enterprise"]
    own = firm_user.enterprise
    result = EvaluationResult.objects.get(run=published, enterprise=own)
    _client(client, firm_user).post(
        reverse("triage:card", args=[published.pk, own.credit_code]),
        {"field": "land_mu", "claimed_value": 1.0, "reason": "面积有误"})
    appeal = Appeal.objects.get()
    before = Enterprise.objects.get(pk=own.pk).land_mu
    _client(client, users["analyst"]).post(reverse("triage:appeal", args=[appeal.pk]), {
        "decision": "reject", "answer": "以不动产登记证为准。"})
    appeal.refresh_from_db()
    assert appeal.status == Appeal.Status.REJECTED and appeal.corrected_run is None
    assert Enterprise.objects.get(pk=own.pk).land_mu == before
    assert result.run.superseded_by.count() == 0


def test_appeals_are_refused_on_drafts_and_to_other_roles(client, users, run):
    own = users["enterprise"].enterprise
    response = _client(client, users["enterprise"]).post(
        reverse("triage:card", args=[run.pk, own.credit_code]),
        {"field": "tax", "claimed_value": 1, "reason": "x"})
    assert response.status_code == 404 and not Appeal.objects.exists()
    page = _client(client, users["huangdao"]).get(reverse("triage:what-if", args=[run.pk]))
    assert page.status_code == 403



def test_placing_says_ties_and_counts_from_the_nearer_end(run):
    from acupoint.triage.cards import placing

    results = list(run.results.exclude(score=None).order_by("-score"))
    unit = max({r.details["unit"] for r in results},
               key=lambda key: sum(r.details["unit"] == key for r in results))
    mine = [r for r in results if r.details["unit"] == unit]
    # Two firms on the same score, as equal figures give.
    run.results.filter(pk=mine[4].pk).update(score=mine[3].score)
    mine[4].score = mine[3].score
    scores = [r.score for r in mine]
    saw_tie = False
    for result in mine:
        found = placing(result)
        higher = sum(score > result.score for score in scores)
        assert found.rank == higher + 1 and found.size == result.unit_size == len(mine)
        assert found.tied == scores.count(result.score) - 1
        saw_tie |= found.tied > 0
        expected = (found.rank if found.top else found.size - found.rank + 1) / found.size
        assert found.share == expected and found.share <= 0.5 + 1 / found.size
        assert found.top == (higher < len(mine) / 2)
    assert saw_tie
