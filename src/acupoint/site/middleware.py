"""Chinese unless the user chose otherwise."""

from django.middleware.locale import LocaleMiddleware


class ChosenLanguageMiddleware(LocaleMiddleware):
    """The language switch (its cookie) decides, not the browser's Accept-Language: a bureau's
    pages open in Chinese on every machine, and English is one click away."""

    def process_request(self, request) -> None:
        request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        super().process_request(request)
