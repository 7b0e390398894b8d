"""Membership applied to the registry: a cluster named in an import stays, the others follow
their site's boundary, and a firm outside every boundary belongs to none."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from acupoint.clusters.actions import do_apply_membership
from acupoint.registry.models import Cluster, Enterprise

pytestmark = pytest.mark.django_db


def test_explicit_assignment_wins_and_sites_decide_the_rest(users):
    first, second = Cluster.objects.order_by("code")[:2]
    named = Enterprise.objects.filter(cluster_assigned=True).first()
    spatial = Enterprise.objects.filter(cluster_assigned=False, cluster=first).first()
    assert named is not None and spatial is not None
    # Move the named firm's site and the spatial firm's site into the second boundary.
    inside = Enterprise.objects.filter(cluster=second).exclude(lon=None).first()
    for firm in (named, spatial):
        firm.lon, firm.lat = inside.lon, inside.lat
        firm.save()
    stray = Enterprise.objects.filter(cluster_assigned=False).exclude(pk=spatial.pk).first()
    stray.lon, stray.lat = 100.0, 20.0  # far outside the city
    stray.save()
    result = do_apply_membership(users["analyst"])
    named_before = named.cluster_id
    for firm in (named, spatial, stray):
        firm.refresh_from_db()
    assert named.cluster_id == named_before  # explicit: kept, reported as a disagreement
    assert any(key == named.credit_code for key, _cluster, _around in result.disagreements) \
        or named.cluster_id == second.pk
    assert spatial.cluster_id == second.pk
    assert stray.cluster_id is None and stray.credit_code in result.outside
    with pytest.raises(PermissionDenied):
        do_apply_membership(users["cluster"])


def test_an_import_naming_the_cluster_marks_it_explicit():
    named = Enterprise.objects.filter(cluster_assigned=True)
    assert named.exists() and not named.filter(cluster=None).exists()
    assert Enterprise.objects.filter(cluster_assigned=False, cluster__isnull=False).exists()


def test_the_report_names_overlapping_boundaries(client, users):
    from django.urls import reverse

    first, second = Cluster.objects.order_by("code")[:2]
    second.boundary = first.boundary
    second.save()
    client.force_login(users["analyst"])
    page = client.get(reverse("clusters:membership"))
    overlaps = page.context["result"].overlaps
    assert [(item.first, item.second) for item in overlaps] == [(first.code, second.code)]
    client.force_login(users["cluster"])
    assert client.get(reverse("clusters:membership")).status_code == 403
