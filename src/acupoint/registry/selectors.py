"""Role-scoped reads of the registry for pages, exports and the API."""

from __future__ import annotations

from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from acupoint.accounts.scoping import visible
from acupoint.registry import industry
from acupoint.registry.importing.validate import Lookups
from acupoint.registry.models import AnnualData, Cluster, District, Enterprise, Park

SIZE_CHOICES = [("", _("All")), ("above", _("Above designated size")),
                ("below", _("Below designated size"))]


def enterprises(user, *, district: str | None = None, cluster: str | None = None,
                industry_prefix: str | None = None, size: str | None = None,
                search: str | None = None) -> QuerySet[Enterprise]:
    queryset = (visible(user, Enterprise).select_related("district", "cluster")
                .defer("cluster__boundary", "district__aliases"))
    # Filter on the foreign key itself so the (district, credit_code) index orders the page.
    if district:
        queryset = queryset.filter(district_id=pk_of(District, district))
    if cluster:
        queryset = queryset.filter(cluster_id=pk_of(Cluster, cluster))
    if industry_prefix:
        queryset = queryset.filter(industry_filter(industry_prefix))
    if size == "above":
        queryset = queryset.filter(above_scale=True)
    elif size == "below":
        queryset = queryset.filter(above_scale=False)
    if search:
        term = search.strip()
        queryset = queryset.filter(Q(name__contains=term) | Q(credit_code__startswith=term.upper()))
    return queryset.order_by("credit_code")


def pk_of(model, code: str) -> int | None:
    return model.objects.filter(code=code).values_list("pk", flat=True).first()


def industry_filter(prefix: str) -> Q:
    """`C` (a section), `C36`/`36` (a division) or any leading digits of the 4-digit class."""
    code = prefix.strip().upper()
    if code[:1].isalpha():
        if len(code) > 1:
            return Q(industry_code__startswith=code[1:])
        divisions = [d.code for d in industry.divisions() if d.parent == code]
        return reduce(or_, (Q(industry_code__startswith=d) for d in divisions), Q(pk__in=[]))
    return Q(industry_code__startswith=code)


def annual_data(user, enterprise: Enterprise | None = None) -> QuerySet[AnnualData]:
    queryset = visible(user, AnnualData)
    if enterprise is not None:
        queryset = queryset.filter(enterprise=enterprise)
    return queryset.order_by("enterprise_id", "year")


def latest_year() -> int | None:
    """The latest year with annual figures: the year an evaluation or assessment usually
    covers (last year's figures are judged this year)."""
    return AnnualData.objects.order_by("-year").values_list("year", flat=True).first()


def districts(user) -> QuerySet[District]:
    return visible(user, District)


def clusters(user) -> QuerySet[Cluster]:
    return visible(user, Cluster).select_related("district")


def spelling_keys(*spellings: str) -> list[str]:
    """How a file's spelling of a name is compared: without spaces, in lower case."""
    return [spelling.replace(" ", "").lower() for spelling in spellings if spelling]


def district_keys() -> dict[str, int]:
    """Every spelling of every district (name, code, English name, with 区 or 市, aliases)."""
    return {key: district.pk for district in District.objects.all()
            for key in spelling_keys(district.name, district.code, district.name_en,
                                     district.name + "区", district.name + "市",
                                     *district.aliases)}


def import_lookups(allowed_districts: frozenset[int] | None) -> Lookups:
    """Every spelling a file may use for a district, cluster or park, and the known firms."""
    names = dict(District.objects.values_list("pk", "name"))
    cluster_keys = {key: cluster.pk for cluster in Cluster.objects.all()
                    for key in spelling_keys(cluster.name, cluster.code)}
    park_keys = {key: park.pk for park in Park.objects.all() for key in spelling_keys(park.name)}
    existing = dict(Enterprise.objects.values_list("credit_code", "district_id"))
    return Lookups(districts=district_keys(), clusters=cluster_keys, parks=park_keys,
                   existing=existing, allowed_districts=allowed_districts,
                   district_names=names)
