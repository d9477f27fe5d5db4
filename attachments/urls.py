from django.urls import path

from attachments import views

app_name = "attachments"

urlpatterns = [
    path(
        "declarations/<int:declaration_pk>/slots/<int:slot_pk>/upload/",
        views.upload,
        name="upload",
    ),
    path("<int:pk>/status/", views.status, name="status"),
    path("<int:pk>/delete/", views.delete, name="delete"),
    path("<int:pk>/download/", views.download, name="download"),
    path("<int:pk>/thumbnail/", views.thumbnail, name="thumbnail"),
]
