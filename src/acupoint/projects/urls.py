from django.urls import path

from acupoint.projects import views

app_name = "projects"
urlpatterns = [
    path("", views.board, name="board"),
    path("new", views.new_project, name="new"),
    path("<int:pk>/", views.project_page, name="project"),
    path("<int:pk>/edit", views.edit_project, name="edit"),
    path("<int:pk>/stages", views.record_stage, name="record-stage"),
    path("<int:pk>/approvals", views.accept_application, name="accept"),
    path("<int:pk>/approvals/<int:approval_id>", views.approval_step, name="approval-step"),
    path("<int:pk>/close", views.close, name="close"),
    path("<int:pk>/reopen", views.reopen, name="reopen"),
    path("departments/", views.departments, name="departments"),
    path("departments/<slug:code>/", views.department_page, name="department"),
    path("escalate", views.escalate, name="escalate"),
    path("import", views.import_ledger, name="import"),
    path("analytics/", views.analytics_page, name="analytics"),
    path("rules/", views.rules, name="rules"),
    path("projects.xlsx", views.export, name="export"),
    path("log.<str:file_format>", views.event_log, name="log"),
]
