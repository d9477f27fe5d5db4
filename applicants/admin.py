from django.contrib import admin
from django.contrib.admin.utils import unquote
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.db import models, router, transaction
from django.utils.translation import gettext_lazy as _

from applicants import signals
from applicants.models import CommitmentAgreement, OutgoingEmail, SmsMessage, User

# What an account may do: changes to these in the admin go to the audit trail.
AUDITED_FIELDS = ("username", "kind", "is_active", "is_staff", "is_superuser", "groups")


def _plain(value):
    """A form value as JSON: names for related objects, sorted for many."""
    if isinstance(value, (list, tuple, set, models.QuerySet)):
        return sorted(str(v) for v in value)
    if isinstance(value, models.Model):
        return str(value)
    return value


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    list_display = ("username", "name", "kind", "id_type", "masked_id_number", "phone", "is_active")
    list_filter = ("kind", "is_active", "is_staff")
    search_fields = ("username", "name", "id_number", "phone")
    ordering = ("username",)
    fieldsets = (
        (None, {"fields": ("username", "password", "kind")}),
        (
            _("身份信息"),
            {
                "fields": (
                    "name",
                    "id_type",
                    "id_number",
                    "birth_date",
                    "gender",
                    "ethnicity",
                    "phone",
                    "email",
                )
            },
        ),
        (_("权限"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("时间"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {
                "classes": ("wide",),
                "fields": ("username", "name", "kind", "password1", "password2"),
            },
        ),
    )

    # --- reported to the audit trail (applicants.signals) ----------------------------------------

    def user_change_password(self, request, id, form_url=""):
        """The admin's password page, in one transaction with its audit signal."""
        with transaction.atomic(using=router.db_for_write(self.model)):
            before = self.get_object(request, unquote(id))
            response = super().user_change_password(request, id, form_url)
            if request.method == "POST" and before is not None:
                after = (
                    self.model._default_manager.filter(pk=before.pk)
                    .values_list("password", flat=True)
                    .first()
                )
                if after is not None and after != before.password:
                    before.password = after
                    signals.password_set_by_staff.send(
                        sender=self.model, actor=request.user, user=before
                    )
            return response

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if change:
            fields = [f for f in AUDITED_FIELDS if f in form.changed_data]
            if not fields:
                return
        else:
            fields = [f for f in AUDITED_FIELDS if f in form.cleaned_data]
        changes = {
            f: [_plain(form.initial.get(f)) if change else None, _plain(form.cleaned_data.get(f))]
            for f in fields
        }
        signals.account_changed_by_staff.send(
            sender=self.model,
            actor=request.user,
            user=form.instance,
            created=not change,
            changes=changes,
        )


@admin.register(CommitmentAgreement)
class CommitmentAgreementAdmin(admin.ModelAdmin):
    list_display = ("user", "version", "agreed_at", "ip_address")
    readonly_fields = ("user", "version", "agreed_at", "ip_address")


@admin.register(SmsMessage)
class SmsMessageAdmin(admin.ModelAdmin):
    list_display = ("phone", "status", "attempts", "created_at", "sent_at")
    list_filter = ("status",)
    readonly_fields = ("phone", "body", "status", "attempts", "created_at", "sent_at", "error")
    exclude = ("redacted_body",)


@admin.register(OutgoingEmail)
class OutgoingEmailAdmin(admin.ModelAdmin):
    list_display = ("to", "subject", "status", "attempts", "created_at", "sent_at")
    list_filter = ("status",)
    readonly_fields = (
        "to",
        "subject",
        "body",
        "status",
        "attempts",
        "created_at",
        "sent_at",
        "error",
    )
