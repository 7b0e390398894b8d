"""Chinese unless the user chose otherwise."""

from django.middleware.locale import LocaleMiddleware

from acupoint.registry.calendar import sync


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
