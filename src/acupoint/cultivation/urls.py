from django.urls import path

from acupoint.cultivation import views

app_name = "cultivation"
urlpatterns = [
    path("", views.hub, name="hub"),
    path("enterprise/<str:credit_code>/", views.ladder_page, name="ladder"),
    path("enterprise/<str:credit_code>/data", views.save_data, name="save-data"),
    path("enterprise/<str:credit_code>/apply", views.apply, name="apply"),
    path("applications/", views.application_list, name="applications"),
    path("applications/<int:pk>/recommend", views.recommend, name="recommend"),
    path("applications/<int:pk>/score", views.score, name="score"),
    path("applications/<int:pk>/object", views.object_to, name="object"),
    path("applications/<int:pk>/pay", views.pay, name="pay"),
    path("objections/<int:pk>/settle", views.settle, name="settle"),
    path("notices/publish", views.publish, name="publish"),
    path("applications/forward", views.forward, name="forward"),
    path("applications/<int:pk>/outcome", views.outcome, name="outcome"),
    path("notices/<int:pk>/", views.notice_page, name="notice"),
    path("notices/<int:pk>/recognise", views.recognise, name="recognise"),
    path("import", views.import_data, name="import"),
    path("pools/", views.pools, name="pools"),
    path("pools.xlsx", views.pools_export, name="pools-export"),
    path("report.docx", views.report, name="report"),
]
