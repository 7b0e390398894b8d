from django.urls import path

from acupoint.registry import views

app_name = "registry"
urlpatterns = [
    path("enterprises/", views.enterprise_list, name="enterprise-list"),
    path("enterprises/export.<str:file_format>", views.registry_export, name="export"),
    path("enterprises/<str:credit_code>/", views.enterprise_detail, name="enterprise-detail"),
    path("enterprises/<str:credit_code>/export.xlsx", views.enterprise_export,
         name="enterprise-export"),
    path("clusters/", views.cluster_list, name="cluster-list"),
    path("clusters/<str:code>/", views.cluster_detail, name="cluster-detail"),
    path("districts/", views.district_list, name="district-list"),
    path("districts/<str:code>/", views.district_detail, name="district-detail"),
    path("calendar/", views.calendar_page, name="calendar"),
    path("import/", views.import_page, name="import"),
    path("import/<int:pk>/", views.import_batch, name="import-batch"),
    path("import/<int:pk>/problems.xlsx", views.import_problems, name="import-problems"),
]
