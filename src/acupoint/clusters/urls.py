from django.urls import path

from acupoint.clusters import views

app_name = "clusters"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("assessments/<int:pk>/", views.assessment_detail, name="assessment"),
    path("assessments/<int:pk>/publish", views.publish, name="publish"),
    path("assessments/<int:pk>/export.<str:file_format>", views.export, name="export"),
    path("experts/<str:period>/", views.expert_scores, name="experts"),
    path("tasks/", views.task_list, name="tasks"),
    path("tasks/<int:pk>/update", views.task_update, name="task-update"),
    path("traditional/", views.traditional, name="traditional"),
    path("traditional/<int:pk>/update", views.case_update, name="case-update"),
    path("strength/", views.strength_page, name="strength"),
    path("membership/", views.membership_page, name="membership"),
    path("<str:code>/", views.cluster_page, name="cluster"),
]
