"""Account pages: Django's own login and password views, with the change audited, and each
user's API tokens."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import PasswordChangeView
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from acupoint.accounts.actions import do_issue_token, do_revoke_token, do_set_password
from acupoint.accounts.models import ApiToken
from acupoint.site.notices import show_errors


class AuditedPasswordChangeView(PasswordChangeView):
    def form_valid(self, form):
        do_set_password(self.request.user, self.request.user,
                        form.cleaned_data["new_password1"])
        update_session_auth_hash(self.request, self.request.user)
        return HttpResponseRedirect(self.get_success_url())


class TokenForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("What the token is for"), max_length=100,
                           widget=forms.TextInput(attrs={"placeholder": gettext_lazy(
                               "e.g. district statistics script")}))


@login_required
def tokens(request: HttpRequest) -> HttpResponse:
    """The user's own API tokens: when each was made, last used and ends; a new one is shown
    once, right after it is issued."""
    form = TokenForm(request.POST or None)
    issued = None
    if request.method == "POST" and form.is_valid():
        issued = do_issue_token(request.user, request.user, form.cleaned_data["name"])
        form = TokenForm()
    return render(request, "accounts/tokens.html", {
        "form": form, "issued": issued, "token_days": settings.ACUPOINT_API_TOKEN_DAYS,
        "tokens": ApiToken.objects.filter(user=request.user).select_related("user")})


@login_required
@require_POST
def revoke_token(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    try:
        do_revoke_token(request.user, token)
    except ValidationError as error:
        show_errors(request, error)
    else:
        messages.success(request, _("The token %(prefix)s… is revoked.") % {
            "prefix": token.prefix})
    return redirect("accounts:tokens")


def locked_out(request: HttpRequest, credentials: dict | None = None,
               *args, **kwargs) -> HttpResponse:
    """What django-axes answers a paused sign-in with (429), in the user's language."""
    return render(request, "accounts/locked_out.html", {
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "cooloff_minutes": round(settings.AXES_COOLOFF_TIME.total_seconds() / 60),
    }, status=429)
