from django.urls import path

from acupoint.brands import views

app_name = "brands"
urlpatterns = [
    path("", views.hub, name="hub"),
    path("register", views.register, name="register"),
    path("selections/open", views.open_selection, name="open"),
    path("selections/<int:pk>/", views.selection_page, name="selection"),
    path("selections/<int:pk>/enter", views.enter, name="enter"),
    path("selections/<int:pk>/vote-open", views.open_vote, name="open-vote"),
    path("selections/<int:pk>/award", views.award, name="award"),
    path("entries/<int:pk>/recommend", views.recommend, name="recommend"),
    path("entries/<int:pk>/review", views.review, name="review"),
    path("entries/<int:pk>/vote", views.vote, name="vote"),
]
