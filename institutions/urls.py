from django.urls import path

from institutions import views

app_name = "institutions"

urlpatterns = [
    path("register/", views.unit_register, name="unit_register"),
    path("register/confirm/", views.unit_register_confirm, name="unit_register_confirm"),
    path("", views.dashboard, name="dashboard"),
    path("profile/", views.organization_profile, name="organization_profile"),
    path("permission/apply/", views.apply_permission, name="apply_permission"),
    path("permission/queue/", views.permission_queue, name="permission_queue"),
    path("permission/<int:pk>/", views.permission_decide, name="permission_decide"),
    path("paths/", views.path_list, name="path_list"),
    path("paths/new/", views.path_apply, name="path_apply"),
    path("paths/queue/", views.path_queue, name="path_queue"),
    path("paths/<int:pk>/decide/", views.path_decide, name="path_decide"),
    path("units/search/", views.unit_search, name="unit_search"),
    path("units/", views.managed_units, name="managed_units"),
    path("units/<int:pk>/correct/", views.unit_correct, name="unit_correct"),
    path(
        "units/<int:pk>/accounts/<int:user_pk>/reset-password/",
        views.unit_password_reset,
        name="unit_password_reset",
    ),
    path("admin-home/", views.admin_home, name="admin_home"),
    path("organizations/", views.organization_list, name="organization_list"),
    path(
        "organizations/new/", views.create_organization_account, name="create_organization_account"
    ),
]
