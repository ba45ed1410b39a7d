"""URL map of the station."""

from django.urls import path

from denialparse.station import views

urlpatterns = [
    path("", views.worklist, name="worklist"),
    path("upload/", views.upload, name="upload"),
    path("login/", views.login_view, name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("letters/<int:letter_id>/", views.review, name="review"),
    path("letters/<int:letter_id>/status.json", views.letter_status, name="letter_status"),
    path("letters/<int:letter_id>/pages/<int:number>.png", views.page_image, name="page_image"),
    path("letters/<int:letter_id>/save/", views.save, name="save"),
    path("letters/<int:letter_id>/appeal/", views.draft, name="draft"),
    path("letters/<int:letter_id>/appeal.docx", views.download, name="download"),
    path("letters/<int:letter_id>/delete/", views.delete, name="delete"),
    path("letters/<int:letter_id>/retry/", views.retry, name="retry"),
    path("settings/", views.practice_settings, name="settings"),
    path("settings/import/", views.import_profile, name="import_profile"),
    path("settings/logo/", views.profile_logo, name="profile_logo"),
    path("audit/", views.audit_log, name="audit"),
    path("corrections/", views.corrections, name="corrections"),
    path("export/labels.jsonl", views.export_labels, name="export_labels"),
    path("export/corpus.zip", views.export_corpus, name="export_corpus"),
]
