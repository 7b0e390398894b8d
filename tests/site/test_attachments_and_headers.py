"""Attachments are judged by their content and served only as downloads; every page carries a
Content-Security-Policy that allows the platform's own scripts and nothing else."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from acupoint.cocreation.models import Demand

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<<>>\n%%EOF\n"
PNG = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06"
       b"\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xff\xff?\x00\x05\xfe\x02"
       b"\xfe\xa7V\xbd\xfa\x00\x00\x00\x00IEND\xaeB`\x82")
HTML = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"></svg>'


def _submit(users, name: str, content: bytes):
    client = Client()
    client.force_login(users["enterprise"])
    return client.post(reverse("cocreation:new-demand"), {
        "title": f"附件 {name}", "text": "见附件", "category": "other",
        "attachment": SimpleUploadedFile(name, content)})


@pytest.mark.parametrize(("name", "content"), [
    ("测算表.pdf", HTML), ("说明.txt", HTML), ("图.png", SVG), ("表.xlsx", b"PK\x03\x04junk"),
    ("程序.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + bytes(range(256)))])
def test_content_that_is_none_of_the_accepted_kinds_is_refused_whatever_its_name(
        users, name, content):
    response = _submit(users, name, content)
    assert response.status_code == 200 and response.context["form"].errors["attachment"]
    assert not Demand.objects.filter(title=f"附件 {name}").exists()


@pytest.mark.parametrize(("name", "content", "stored"), [
    ("申请.txt", PDF, ".pdf"), ("照片", PNG, ".png"), ("测算表.csv", "企业,营收\n甲,1\n".encode(),
                                                       ".txt")])
def test_an_accepted_file_takes_the_name_its_content_warrants_and_downloads(
        users, name, content, stored):
    assert _submit(users, name, content).status_code == 302
    demand = Demand.objects.get(title=f"附件 {name}")
    assert demand.attachment.name.endswith(stored)
    client = Client()
    client.force_login(users["enterprise"])
    response = client.get(reverse("cocreation:attachment", args=[demand.pk]))
    assert response["Content-Disposition"].startswith("attachment;")
    assert "sandbox" in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize("path", ["/", "/accounts/login/", "/registry/districts/",
                                  "/policies/", "/brands/"])
def test_every_page_carries_a_content_security_policy(path):
    policy = Client().get(path)["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "object-src 'none'" in policy
    assert "unsafe-eval" not in policy and "frame-ancestors 'none'" in policy
    assert "script-src 'self' 'unsafe-inline'" not in policy
