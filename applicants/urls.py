from django.contrib.auth import views as auth_views
from django.urls import path

from applicants import views

app_name = "applicants"

urlpatterns = [
    path("login/", views.login_view, name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("register/", views.register, name="register"),
    path("register/confirm/", views.register_confirm, name="register_confirm"),
    path("me/", views.dashboard, name="dashboard"),
    path("profile/", views.profile, name="profile"),
    path("password/", views.password_change, name="password_change"),
    path("password-reset/", views.password_reset_request, name="password_reset"),
    path("password-reset/verify/", views.password_reset_verify, name="password_reset_verify"),
]
