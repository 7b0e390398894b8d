"""Site-wide views: the Vega bundle served from the platform itself (no CDN)."""

from __future__ import annotations

import hashlib
from functools import cache

from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
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
