from django.urls import path

from acupoint.cocreation import views

app_name = "cocreation"
urlpatterns = [
    path("", views.hub, name="hub"),
    path("demands/new/", views.new_demand, name="new-demand"),
    path("demands/public/", views.public_demands, name="public-demands"),
    path("demands/<int:pk>/review", views.review, name="review"),
    path("demands/<int:pk>/attachment", views.attachment, name="attachment"),
    path("demands/analyse", views.analyse, name="analyse"),
    path("drafts/new", views.create_draft, name="create-draft"),
    path("drafts/<int:pk>/", views.draft_page, name="draft"),
    path("drafts/<int:pk>/versions", views.save_version, name="save-version"),
    path("drafts/<int:pk>/diff/", views.diff, name="diff"),
    path("drafts/<int:pk>/rounds", views.open_round, name="open-round"),
    path("drafts/<int:pk>/publish", views.publish, name="publish"),
    path("rounds/<int:pk>/", views.round_page, name="round"),
    path("rounds/<int:pk>/comments", views.comment, name="comment"),
    path("rounds/<int:pk>/comments/<int:comment_pk>/edit", views.edit_comment,
         name="edit-comment"),
    path("rounds/<int:pk>/comments/<int:comment_pk>/answer", views.answer, name="answer"),
    path("rounds/<int:pk>/close", views.close, name="close"),
    path("rounds/<int:pk>/feedback/", views.feedback, name="feedback"),
    path("rounds/<int:pk>/report.<str:file_format>", views.export, name="export"),
    path("peers/import", views.import_peer, name="import-peer"),
]
