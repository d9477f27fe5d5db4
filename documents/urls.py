from django.urls import path

from documents import views

app_name = "documents"

urlpatterns = [
    path("<int:pk>/", views.panel, name="panel"),
    path("<int:pk>/<str:kind>/", views.download, name="download"),
    path("<int:pk>/<str:kind>/render/", views.render_again, name="render"),
]
