"""Paging by keys first gives exactly the pages Django's paginator gives."""

from __future__ import annotations

import pytest
from django.core.paginator import Paginator
from hypothesis import given, settings
from hypothesis import strategies as st

from acupoint.registry.models import Enterprise
from acupoint.site.paging import KeyFirstPaginator

pytestmark = pytest.mark.django_db


@settings(max_examples=25, deadline=None)
@given(per_page=st.integers(1, 120), orphans=st.integers(0, 5), number=st.integers(1, 60),
       ordering=st.sampled_from([("credit_code",), ("-land_mu", "pk"), ("district", "-pk")]))
def test_same_pages_as_django(per_page, orphans, number, ordering):
    queryset = Enterprise.objects.select_related("district").order_by(*ordering)
    plain = Paginator(queryset, per_page, orphans=orphans).get_page(number)
    keyed = KeyFirstPaginator(queryset, per_page, orphans=orphans).get_page(number)
    assert [firm.pk for firm in keyed] == [firm.pk for firm in plain]
    assert keyed.number == plain.number and keyed.has_next() == plain.has_next()
    assert all(firm.district.name for firm in keyed)
