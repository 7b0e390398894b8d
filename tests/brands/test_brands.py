"""Brand selections as the bureau, the districts, the firms and the public take part: floors
checked on entry, the district's recommendation, the experts' score, a public vote with one
vote per account, and the award; and what the public sees."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from acupoint.brands import actions
from acupoint.brands.models import BrandTitle, Entry, Programme, Selection
from acupoint.cultivation.actions import do_set_data
from acupoint.registry.models import AnnualData
from tests.cultivation.test_actions import officer_of

pytestmark = pytest.mark.django_db
D = dt.date


def revenue(enterprise, amount: float) -> None:
    AnnualData.objects.update_or_create(enterprise=enterprise, year=2024,
                                        defaults={"revenue": amount})
    AnnualData.objects.filter(enterprise=enterprise, year__gt=2024).delete()


def test_famous_brand_floors_and_certification_are_checked_on_entry(users):
    enterprise = users["enterprise"].enterprise
    brand = actions.do_register_brand(users["enterprise"], enterprise, "示例家电", "consumer")
    famous = actions.do_open_selection(users["admin"], Programme.FAMOUS, 2025)
    revenue(enterprise, 1_999)
    with translation.override("en"), pytest.raises(ValidationError) as low:
        actions.do_enter(users["enterprise"], famous, brand, D(2025, 5, 1))
    assert "2,000" in str(low.value) and "1,999" in str(low.value)
    revenue(enterprise, 2_000)
    with pytest.raises(ValidationError):  # no ISO 9001 on record
        actions.do_enter(users["enterprise"], famous, brand, D(2025, 5, 1))
    do_set_data(users["admin"], enterprise, {"quality_certified": True})
    entry = actions.do_enter(users["enterprise"], famous, brand, D(2025, 5, 1))
    assert entry.revenue == 2_000
    with pytest.raises(ValidationError):
        actions.do_enter(users["enterprise"], famous, brand, D(2025, 5, 1))
    flowers = actions.do_open_selection(users["admin"], Programme.GOLDEN_FLOWER, 2025)
    revenue(enterprise, 10)
    assert actions.do_enter(users["enterprise"], flowers, brand, D(2025, 5, 1)).pk  # no floor
    with pytest.raises(PermissionDenied):
        actions.do_open_selection(users["enterprise"], Programme.PREMIUM, 2025)


def _shortlisted(users):
    enterprise = users["enterprise"].enterprise
    selection = actions.do_open_selection(users["admin"], Programme.PREMIUM, 2025)
    entries = []
    for name in ("示例优品甲", "示例优品乙"):
        brand = actions.do_register_brand(users["admin"], enterprise, name, "production")
        entry = actions.do_enter(users["enterprise"], selection, brand, D(2025, 5, 1))
        actions.do_recommend_entry(officer_of(enterprise), entry, "推荐")
        actions.do_review_entry(users["admin"], entry, 80)
        entries.append(entry)
    actions.do_open_vote(users["admin"], selection, entries, D(2025, 6, 1), D(2025, 6, 10))
    return selection, entries


def test_one_vote_per_account_while_the_vote_is_open_then_the_award(users):
    selection, (first, second) = _shortlisted(users)
    actions.do_vote(users["enterprise"], first, D(2025, 6, 2))
    actions.do_vote(users["association"], second, D(2025, 6, 2))
    with translation.override("en"), pytest.raises(ValidationError) as twice:
        actions.do_vote(users["enterprise"], second, D(2025, 6, 3))
    assert "already voted" in str(twice.value)
    with pytest.raises(ValidationError):
        actions.do_vote(users["analyst"], first, D(2025, 6, 11))  # closed
    assert first.votes.count() == 1 and second.votes.count() == 1
    with pytest.raises(ValidationError):
        actions.do_award(users["admin"], selection, [first], D(2025, 6, 10))
    titles = actions.do_award(users["admin"], selection, [first], D(2025, 6, 11),
                              valid_until=D(2028, 6, 30), document="青岛优品公告（示例）")
    assert [title.brand for title in titles] == [first.brand]
    second.refresh_from_db()
    selection.refresh_from_db()
    assert second.status == Entry.Status.NOT_AWARDED
    assert selection.status == Selection.Status.CLOSED
    assert BrandTitle.objects.get().programme == Programme.PREMIUM


def test_the_public_sees_the_shortlist_and_an_account_votes_on_the_page(users):
    selection, (first, _second) = _shortlisted(users)
    hidden = actions.do_register_brand(users["admin"], users["enterprise"].enterprise,
                                       "示例未入围", "service")
    Entry.objects.create(selection=selection, brand=hidden)
    page = Client().get(reverse("brands:selection", args=[selection.pk])).content.decode()
    assert "示例优品甲" in page and "示例未入围" not in page
    Selection.objects.filter(pk=selection.pk).update(vote_opens=dt.date.today(),
                                                     vote_closes=dt.date.today())
    voter = Client()
    voter.force_login(users["analyst"])
    voter.post(reverse("brands:vote", args=[first.pk]))
    again = voter.post(reverse("brands:vote", args=[first.pk]), follow=True)
    assert any("已" in str(message) or "already" in str(message)
               for message in again.context["messages"])
    assert first.votes.count() == 1
