from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from applicants.models import CommitmentAgreement, SmsMessage, User


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


@admin.register(CommitmentAgreement)
class CommitmentAgreementAdmin(admin.ModelAdmin):
    list_display = ("user", "version", "agreed_at", "ip_address")
    readonly_fields = ("user", "version", "agreed_at", "ip_address")


@admin.register(SmsMessage)
class SmsMessageAdmin(admin.ModelAdmin):
    list_display = ("phone", "status", "created_at", "sent_at")
    list_filter = ("status",)
    readonly_fields = ("phone", "body", "status", "created_at", "sent_at", "error")
    exclude = ("redacted_body",)
