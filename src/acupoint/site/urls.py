"""Top-level routes: pages by app, the API, the admin, language switching, vendored JS."""

from django.contrib import admin
from django.urls import include, path

from acupoint.site import views
from acupoint.site.api import api

urlpatterns = [
    path("", include("acupoint.dashboard.urls")),
    path("accounts/", include("acupoint.accounts.urls")),
    path("registry/", include("acupoint.registry.urls")),
    path("triage/", include("acupoint.triage.urls")),
    path("race/", include("acupoint.clusters.urls")),
    path("policies/", include("acupoint.policies.urls")),
    path("cocreation/", include("acupoint.cocreation.urls")),
    path("projects/", include("acupoint.projects.urls")),
    path("cultivation/", include("acupoint.cultivation.urls")),
    path("brands/", include("acupoint.brands.urls")),
    path("notices/", include("acupoint.notices.urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("vendor/vega-bundle.js", views.vega_bundle, name="vega-bundle"),
    path("healthz", views.healthz, name="healthz"),
    path("operations/", views.operations, name="operations"),
]
