"""Site-wide views: the Vega bundle served from the platform itself (no CDN), and the health
answer for a load balancer."""

from __future__ import annotations

import hashlib
from functools import cache

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET


@cache
def _bundle() -> tuple[bytes, str]:
    import vl_convert

    body = vl_convert.javascript_bundle().encode()
    return body, hashlib.sha256(body).hexdigest()[:16]


@require_GET
def vega_bundle(request: HttpRequest) -> HttpResponse:
    body, etag = _bundle()
    if request.headers.get("If-None-Match") == f'"{etag}"':
        return HttpResponseNotModified()
    response = HttpResponse(body, content_type="text/javascript; charset=utf-8")
    response["ETag"] = f'"{etag}"'
    response["Cache-Control"] = "public, max-age=86400"
    return response


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """200 when the database answers, a worker beat in the last two minutes and the media
    disk has room; 503 otherwise. The details say which."""
    from acupoint.site import health

    state = health.check()
    return JsonResponse(state.as_dict(), status=200 if state.ok else 503)


@login_required
def operations(request: HttpRequest) -> HttpResponse:
    """The operator's view for bureau administrators: health, queue, recent work, size."""
    from acupoint.accounts import scoping
    from acupoint.registry.models import ImportBatch
    from acupoint.site import health
    from acupoint.site import operations as reading
    from acupoint.triage.models import EvaluationRun

    if not scoping.may_administer(request.user):
        raise PermissionDenied(_("Only a bureau administrator sees the operations page."))
    return render(request, "operations.html", {
        "health": health.check(), "queue": reading.queue(),
        "heartbeats": reading.heartbeats(), "database_mb": reading.database_megabytes(),
        "imports": ImportBatch.objects.select_related("user")[:10],
        "runs": EvaluationRun.objects.select_related("district").order_by("-id")[:10],
    })
