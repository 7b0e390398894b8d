from django.urls import path

from acupoint.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("city/", views.city, name="city"),
]
