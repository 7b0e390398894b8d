"""Account pages; Django's own login and password views, with the change audited."""

from __future__ import annotations

from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.views import PasswordChangeView
from django.http import HttpResponseRedirect

from acupoint.accounts.actions import do_set_password


class AuditedPasswordChangeView(PasswordChangeView):
    def form_valid(self, form):
        do_set_password(self.request.user, self.request.user,
                        form.cleaned_data["new_password1"])
        update_session_auth_hash(self.request, self.request.user)
        return HttpResponseRedirect(self.get_success_url())
