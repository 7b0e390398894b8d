"""Chinese unless the user chose otherwise; uploads no larger than the settings allow; the
working calendar in step."""

import logging

from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import render

from acupoint.registry.calendar import sync
from acupoint.site.database import is_transient


class ChosenLanguageMiddleware(LocaleMiddleware):
    """The language switch (its cookie) decides, not the browser's Accept-Language: a bureau's
    pages open in Chinese on every machine, and English is one click away."""

    def process_request(self, request) -> None:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        super().process_request(request)


class WorkingCalendarMiddleware:
    """Keeps this process's working-day calendar in step with the holiday schedules the bureau
    entered, so every page counts working days alike (a small query at most every 30 s)."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        sync()
        return self.get_response(request)


logger = logging.getLogger(__name__)


class UploadLimitMiddleware:
    """Refuses a request whose body is larger than ACUPOINT_UPLOAD_MAX_MB from its declared
    length, before anything reads the body (the CSRF check would read it all). A body with
    no declared length is read as empty by the WSGI stack, so the length is the whole
    story."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        limit = settings.ACUPOINT_UPLOAD_MAX_MB * 1024 * 1024
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        if length > limit:
            logger.warning("refused a %s-byte request to %s", length, request.path)
            return render(request, "upload_too_large.html", {
                "megabytes": max(round(length / 1024 ** 2), 1),
                "limit": settings.ACUPOINT_UPLOAD_MAX_MB, "back": request.path,
            }, status=413)
        return self.get_response(request)


class BusyDatabaseMiddleware:
    """A request that waited out the busy timeout while another wrote (SQLite has one writer
    at a time) is answered "busy, try again in a moment" (503), not with a server error."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not is_transient(exception):
            return None
        logger.warning("database busy on %s: %s", request.path, exception)
        response = render(request, "busy.html", {"back": request.get_full_path()}, status=503)
        response["Retry-After"] = "5"
        return response
