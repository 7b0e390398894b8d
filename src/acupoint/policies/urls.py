from django.urls import path

from acupoint.policies import views

app_name = "policies"
urlpatterns = [
    path("", views.policy_library, name="library"),
    path("mine/", views.mine, name="mine"),
    path("reach/", views.reach, name="reach"),
    path("rematch/", views.rematch, name="rematch"),
    path("publish/", views.publish, name="publish"),
    path("applications/", views.application_list, name="applications"),
    path("applications/<int:pk>/decide", views.decide, name="decide"),
    path("enterprise/<str:credit_code>/", views.enterprise_policies, name="enterprise"),
    path("enterprise/<str:credit_code>/apply/<int:clause_id>", views.apply, name="apply"),
    path("enterprise/<str:credit_code>/rate/<str:policy_id>", views.rate, name="rate"),
    path("enterprise/<str:credit_code>/supply", views.supply, name="supply"),
    path("enterprise/<str:credit_code>/read", views.mark_read, name="read"),
    path("<slug:policy_id>/", views.policy_detail, name="policy"),
    path("<slug:policy_id>/simulate/", views.simulate, name="simulate"),
]
