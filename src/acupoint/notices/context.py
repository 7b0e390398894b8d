"""The unread count beside the notice box in every page's header."""

from __future__ import annotations

from acupoint.notices.models import Notice


def unread(request) -> dict:
    if not request.user.is_authenticated:
        return {}
    return {"unread_notices": Notice.objects.filter(user=request.user,
                                                    read_at__isnull=True).count()}
