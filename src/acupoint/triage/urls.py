from django.urls import path

from acupoint.triage import views

app_name = "triage"
urlpatterns = [
    path("", views.run_list, name="runs"),
    path("mine/", views.mine, name="mine"),
    path("appeals/", views.appeal_list, name="appeals"),
    path("appeals/<int:pk>/", views.appeal_detail, name="appeal"),
    path("appeals/<int:pk>/attachment", views.attachment, name="attachment"),
    path("<int:pk>/", views.run_detail, name="run"),
    path("<int:pk>/publish", views.publish, name="publish"),
    path("<int:pk>/ranking/", views.ranking, name="ranking"),
    path("<int:pk>/fragile/", views.fragile, name="fragile"),
    path("<int:pk>/transitions/", views.transitions, name="transitions"),
    path("<int:pk>/what-if/", views.what_if, name="what-if"),
    path("<int:pk>/export.<str:file_format>", views.export, name="export"),
    path("<int:pk>/firms/", views.ranking, name="firms"),
    path("<int:pk>/firms/<str:credit_code>/", views.enterprise_card, name="card"),
]
