"""Read endpoints of the registry, scoped exactly like the pages."""

from __future__ import annotations

import datetime as dt

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema
from ninja.pagination import paginate
from ninja.security import django_auth

from acupoint.registry import selectors
from acupoint.site.api import Anonymous, TokenAuth
from acupoint.site.paging import BoundedPageNumberPagination

router = Router(tags=["registry"])
PUBLIC = [TokenAuth(), django_auth, Anonymous()]


class DistrictOut(Schema):
    code: str
    name: str
    name_en: str


class ClusterOut(Schema):
    code: str
    name: str
    district: str
    field: str
    leading_industries: list[str]
    area_km2: float | None
    management_body: str
    has_creation_plan: bool
    has_development_plan: bool
    boundary: dict | None

    @staticmethod
    def resolve_district(obj) -> str:
        return obj.district.name


class EnterpriseOut(Schema):
    credit_code: str
    name: str
    district: str
    cluster: str | None
    industry_code: str
    industry_name: str
    above_scale: bool
    above_scale_since: int | None = None
    founded: dt.date | None
    land_mu: float | None
    lon: float | None
    lat: float | None

    @staticmethod
    def resolve_district(obj) -> str:
        return obj.district.name

    @staticmethod
    def resolve_cluster(obj) -> str | None:
        return obj.cluster.code if obj.cluster_id else None


class AnnualOut(Schema):
    credit_code: str
    year: int
    revenue: float | None = None
    tax: float | None = None
    value_added: float | None = None
    energy_tce: float | None = None
    emissions: float | None = None
    rd_spend: float | None = None
    employees: int | None = None
    fixed_asset_investment: float | None = None
    equipment_investment: float | None = None
    exports: float | None = None

    @staticmethod
    def resolve_credit_code(obj) -> str:
        return obj.enterprise.credit_code


@router.get("/districts", response=list[DistrictOut], auth=PUBLIC)
def list_districts(request: HttpRequest):
    return selectors.districts(request.user)


@router.get("/clusters", response=list[ClusterOut], auth=PUBLIC)
def list_clusters(request: HttpRequest):
    return selectors.clusters(request.user)


@router.get("/clusters/{code}", response=ClusterOut, auth=PUBLIC)
def get_cluster(request: HttpRequest, code: str):
    return get_object_or_404(selectors.clusters(request.user), code=code)


@router.get("/enterprises", response=list[EnterpriseOut])
@paginate(BoundedPageNumberPagination, page_size=50)
def list_enterprises(request: HttpRequest, district: str | None = None,
                     cluster: str | None = None, industry: str | None = None,
                     size: str | None = None, q: str | None = None):
    return selectors.enterprises(request.user, district=district, cluster=cluster,
                                 industry_prefix=industry, size=size, search=q)


@router.get("/enterprises/{credit_code}", response=EnterpriseOut)
def get_enterprise(request: HttpRequest, credit_code: str):
    return get_object_or_404(selectors.enterprises(request.user), credit_code=credit_code)


@router.get("/enterprises/{credit_code}/annual", response=list[AnnualOut])
def enterprise_annual(request: HttpRequest, credit_code: str):
    enterprise = get_object_or_404(selectors.enterprises(request.user), credit_code=credit_code)
    return selectors.annual_data(request.user, enterprise).select_related("enterprise")


@router.get("/annual", response=list[AnnualOut])
@paginate(BoundedPageNumberPagination, page_size=500)
def list_annual(request: HttpRequest, year: int | None = None, district: str | None = None):
    queryset = selectors.annual_data(request.user).select_related("enterprise")
    if year is not None:
        queryset = queryset.filter(year=year)
    if district:
        queryset = queryset.filter(enterprise__district__code=district)
    return queryset

