from django.urls import path

from declarations import views

app_name = "declarations"

urlpatterns = [
    path("", views.index, name="index"),
    path("commitment/", views.commitment, name="commitment"),
    path("new/<int:plan_pk>/", views.create, name="create"),
    path("<int:pk>/", views.overview, name="overview"),
    path("<int:pk>/sections/<slug:code>/", views.section, name="section"),
    path("<int:pk>/timeline/", views.timeline, name="timeline"),
    path("<int:pk>/reuse/", views.reuse, name="reuse"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path(
        "<int:pk>/continuing-education/",
        views.continuing_education_section,
        name="continuing_education",
    ),
    path("ce/import/", views.continuing_education_import, name="ce_import"),
]
