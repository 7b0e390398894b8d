from django.urls import path

from acupoint.notices import views

app_name = "notices"
urlpatterns = [
    path("", views.box, name="box"),
    path("<int:pk>/", views.open_notice, name="open"),
    path("read/", views.mark_all_read, name="read-all"),
]
