from django.contrib import messages
from django.contrib.auth import login as auth_login
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _l
from django.views.decorators.http import require_http_methods

from applicants import services
from applicants.forms import (
    LoginForm,
    PasswordChangeForm,
    PasswordResetRequestForm,
    PasswordResetVerifyForm,
    PersonalRegistrationForm,
    ProfileForm,
)
from applicants.hooks import dashboard_panels, home_url_for
from applicants.models import IdType, PasswordResetCode
from core.forms import add_service_errors
from core.hooks import add_panels
from core.views import personal_required

REGISTRATION_SESSION_KEY = "pending_personal_registration"
RESET_SESSION_KEY = "password_reset_id"
RESET_SENT_MESSAGE = _l(
    "如果该账号存在并登记了手机号码，验证码已发送至该手机号码，10分钟内有效。"
    "如未收到，请核对账号后稍后重新获取，或联系所属地人社部门。"
)


def home(request):
    if not request.user.is_authenticated:
        return redirect("applicants:login")
    return redirect(home_url_for(request.user))


@require_http_methods(["GET", "POST"])
def login_view(request):
    if request.user.is_authenticated:
        return redirect("home")
    form = LoginForm(request, data=request.POST or None)
    if request.method == "POST" and form.is_valid():
        auth_login(request, form.get_user())
        next_url = request.POST.get("next") or request.GET.get("next")
        if next_url and url_has_allowed_host_and_scheme(
            next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        ):
            return redirect(next_url)
        return redirect(home_url_for(form.get_user()))
    return render(
        request, "applicants/login.html", {"form": form, "next": request.GET.get("next", "")}
    )


def lockout_response(request, original_response=None, credentials=None):
    """django-axes hook: the login view has already rendered the lock message with the form."""
    if original_response is not None:
        original_response.status_code = 403
        return original_response
    return render(request, "applicants/locked.html", status=403)


@require_http_methods(["GET", "POST"])
def register(request):
    if request.user.is_authenticated:
        return redirect("home")
    pending = request.session.get(REGISTRATION_SESSION_KEY)
    initial = {}
    if pending and request.method == "GET":
        # "返回修改" keeps what was typed, except the password.
        initial = {k: pending[k] for k in ("name", "id_type", "id_number", "phone", "username")}
    form = PersonalRegistrationForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        request.session[REGISTRATION_SESSION_KEY] = form.to_registration().as_session()
        return redirect("applicants:register_confirm")
    return render(request, "applicants/register.html", {"form": form})


@require_http_methods(["GET", "POST"])
def register_confirm(request):
    pending = request.session.get(REGISTRATION_SESSION_KEY)
    if not pending:
        messages.info(request, _("请先填写注册信息。"))
        return redirect("applicants:register")
    registration = services.PersonalRegistration.from_session(pending)
    if request.method == "POST":
        try:
            user = services.register_personal_account(registration=registration)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("applicants:register")
        del request.session[REGISTRATION_SESSION_KEY]
        auth_login(request, user, backend="applicants.backends.MultiIdentifierBackend")
        messages.success(
            request, _("注册成功。请牢记用户名和密码，用户名、证件号码、手机号均可登录。")
        )
        return redirect("home")
    return render(
        request,
        "applicants/register_confirm.html",
        {
            "registration": registration,
            "id_type_label": IdType(registration.id_type).label,
        },
    )


@personal_required
def dashboard(request):
    context = {"has_commitment": services.has_agreed_commitment(request.user)}
    # Cards of the apps above (declarations: the applicant's declarations and their steps).
    add_panels(context, dashboard_panels, request)
    return render(request, "applicants/dashboard.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    user = request.user
    initial = {
        "phone": user.phone,
        "email": user.email,
        "ethnicity": user.ethnicity,
        "birth_date": user.birth_date,
        "gender": user.gender,
    }
    form = ProfileForm(request.POST or None, initial=initial, user=user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.update_profile(
                actor=user,
                user=user,
                phone=data["phone"],
                email=data["email"],
                ethnicity=data["ethnicity"],
                birth_date=data.get("birth_date"),
                gender=data.get("gender", ""),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, _("基本信息已保存。"))
            return redirect("applicants:profile")
    return render(request, "applicants/profile.html", {"form": form})


@require_http_methods(["GET", "POST"])
def password_reset_request(request):
    form = PasswordResetRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # The same answer whether or not the account exists (and has a phone): the page must
        # not tell a stranger who has an account here.
        reset = services.request_password_reset(identifier=form.cleaned_data["identifier"])
        request.session[RESET_SESSION_KEY] = reset.pk
        messages.success(request, RESET_SENT_MESSAGE)
        return redirect("applicants:password_reset_verify")
    return render(request, "applicants/password_reset_request.html", {"form": form})


@require_http_methods(["GET", "POST"])
def password_reset_verify(request):
    reset_id = request.session.get(RESET_SESSION_KEY)
    reset = (
        PasswordResetCode.objects.select_related("user").filter(pk=reset_id).first()
        if reset_id
        else None
    )
    if reset is None:
        messages.info(request, _("请先获取短信验证码。"))
        return redirect("applicants:password_reset")
    form = PasswordResetVerifyForm(request.POST or None, user=reset.user)
    if request.method == "POST" and form.is_valid():
        try:
            services.reset_password_with_code(
                reset_id=reset.pk,
                code=form.cleaned_data["code"],
                new_password=form.cleaned_data["password1"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            del request.session[RESET_SESSION_KEY]
            messages.success(request, _("密码已重置，请使用新密码登录。"))
            return redirect("applicants:login")
    return render(
        request,
        "applicants/password_reset_verify.html",
        {"form": form, "resend_url": reverse("applicants:password_reset")},
    )


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request):
    """修改密码 for every signed-in account (after a reset by the HR bureau, for instance)."""
    form = PasswordChangeForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            user = services.change_password(
                actor=request.user,
                old_password=form.cleaned_data["old_password"],
                new_password=form.cleaned_data["password1"],
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            # Stay signed in here; other sessions of the account end with the old password.
            update_session_auth_hash(request, user)
            messages.success(request, _("密码已修改，请使用新密码登录。"))
            return redirect("home")
    return render(request, "applicants/password_change.html", {"form": form})
