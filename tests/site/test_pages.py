"""Pages render with their charts' specs and the vendored Vega bundle."""

from __future__ import annotations

import json

import pytest
from django.test import Client
from django.urls import reverse

from acupoint.registry.models import Cluster

pytestmark = pytest.mark.django_db


def test_vega_bundle_is_served_locally_and_cached():
    client = Client()
    response = client.get(reverse("vega-bundle"))
    assert response.status_code == 200
    body = response.content
    assert b"vegaEmbed" in body and len(body) > 500_000
    again = client.get(reverse("vega-bundle"), headers={"If-None-Match": response["ETag"]})
    assert again.status_code == 304


def test_cluster_page_draws_its_polygon(users):
    cluster = Cluster.objects.order_by("code").first()
    client = Client()
    client.force_login(users["analyst"])
    response = client.get(reverse("registry:cluster-detail", args=[cluster.code]))
    spec = response.context["chart"]
    shape = spec["layer"][0]["data"]["values"][0]["geometry"]
    assert shape["type"] == "Polygon"
    ring = shape["coordinates"][0]
    signed = sum(x1 * y2 - x2 * y1 for (x1, y1), (x2, y2) in zip(ring, ring[1:], strict=False))
    assert signed < 0, "d3-geo needs clockwise rings"
    assert json.dumps(spec)[:1] == "{"
    assert 'data-chart="chart-boundary"' in response.content.decode()


def test_enterprise_filters(users):
    client = Client()
    client.force_login(users["analyst"])
    cluster = Cluster.objects.order_by("code").first()
    response = client.get(reverse("registry:enterprise-list"),
                          {"cluster": cluster.code, "size": "above"})
    page = response.context["page"]
    assert page.paginator.count == cluster.enterprises.filter(above_scale=True).count()
    section = client.get(reverse("registry:enterprise-list"), {"industry": "36"})
    assert all(e.industry_code.startswith("36") for e in section.context["page"])


def test_import_page_shows_every_error_in_the_users_language(
        users, tmp_path, django_capture_on_commit_callbacks):
    client = Client()
    client.force_login(users["analyst"])
    bad = ("统一社会信用代码,企业名称,区市,行业代码\n123,甲,黄岛,3612\n"
           "91350100M000100Y43,乙,火星,3612\n")
    upload = tmp_path / "bad.csv"
    upload.write_text(bad, encoding="gbk")
    with upload.open("rb") as handle, django_capture_on_commit_callbacks(execute=True):
        queued = client.post(reverse("registry:import"), {"file": handle})
    response = client.get(queued.url)
    html = response.content.decode()
    assert "未保存任何数据" in html
    assert "第 2 行" in html and "第 3 行" in html and "未知区市“火星”" in html
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get(response.request["PATH_INFO"]).content.decode()
    assert "Unknown district “火星”" in english and "row 3" in english


def test_pages_open_in_chinese_whatever_the_browser_asks_until_switched():
    client = Client()
    page = client.get(reverse("dashboard:overview"), headers={"Accept-Language": "en-US,en"})
    assert "全市概览" in page.content.decode()
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert "City overview" in client.get(reverse("dashboard:overview")).content.decode()
