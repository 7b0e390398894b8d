"""Where a form sends the user back to: only a page of this site, never another one a crafted
link names (an open redirect)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseRedirect
from django.shortcuts import redirect
from django.utils.http import url_has_allowed_host_and_scheme


def back_to(request: HttpRequest, wanted: str | None, fallback: str, *args) -> HttpResponseRedirect:
    """A redirect to ``wanted`` when it is a page of this site, else to ``fallback``."""
    if wanted and url_has_allowed_host_and_scheme(wanted, allowed_hosts={request.get_host()},
                                                  require_https=request.is_secure()):
        return HttpResponseRedirect(wanted)
    return redirect(fallback, *args)
