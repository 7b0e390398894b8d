"""Paging through large ordered tables (100,000 results) without reading the rows skipped.

``OFFSET 75000`` over the full rows (joins, JSON columns) makes the database build every
skipped row; finding the page's keys first walks only a narrow index, and the 50 rows of the
page are then read with their joins by key.
"""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from ninja import Field, Schema
from ninja.pagination import PageNumberPagination

# Far beyond any table's pages, and far below an offset the database cannot hold (2**63).
MAX_PAGE = 10_000_000


class KeyFirstPaginator(Paginator):
    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        keys = list(self.object_list.values_list("pk", flat=True)[bottom:top])
        rows = self.object_list.order_by().in_bulk(keys)
        return self._get_page([rows[key] for key in keys], number, self)


class BoundedPageNumberPagination(PageNumberPagination):
    """The API's page numbers; one beyond MAX_PAGE is refused like any invalid parameter
    (422) instead of reaching the database as an offset it cannot hold."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE)
        page_size: int | None = Field(None, ge=1)
