from django.urls import path

from declarations import views

app_name = "declarations"

urlpatterns = [
    path("", views.index, name="index"),
    path("commitment/", views.commitment, name="commitment"),
]
