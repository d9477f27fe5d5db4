from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from institutions.audit import AuditAction, record_audit
from institutions.models import (
    AuditEntry,
    Committee,
    Membership,
    Organization,
    OrgKind,
    PermissionApplication,
    Region,
    RoutingPath,
)


def _plain(value):
    """A form value as JSON: names for related objects."""
    if isinstance(value, (int, float, bool, str)) or value is None:
        return value
    return str(value)


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ("code", "full_name", "level")
    list_filter = ("level",)
    search_fields = ("code", "name", "full_name")


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ("user",)


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ("name", "kind", "region", "uscc", "permission_status")
    list_filter = ("kind", "permission_status")
    search_fields = ("name", "uscc")
    list_select_related = ("region",)
    inlines = [MembershipInline]

    # --- the audit trail: accounts created, changed or deleted here --------------------------

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        changes = {name: _plain(form.cleaned_data.get(name)) for name in form.changed_data}
        memberships = {}
        for formset in formsets:
            if formset.model is not Membership:
                continue
            for key, members in (
                ("added", formset.new_objects),
                ("changed", [m for m, _fields in formset.changed_objects]),
                ("removed", formset.deleted_objects),
            ):
                if members:
                    memberships[key] = sorted(f"{m.user.username}（{m.role}）" for m in members)
        if change and not (changes or memberships):
            return
        record_audit(
            actor=request.user,
            action=(
                AuditAction.ORGANIZATION_ACCOUNT_CHANGED
                if change
                else AuditAction.ORGANIZATION_ACCOUNT_CREATED
            ),
            obj=form.instance,
            changes=changes,
            memberships=memberships,
        )

    def delete_model(self, request, obj):
        self._record_deletion(request, obj)
        super().delete_model(request, obj)

    def delete_queryset(self, request, queryset):
        for obj in queryset:
            self._record_deletion(request, obj)
        super().delete_queryset(request, queryset)

    def _record_deletion(self, request, obj):
        record_audit(
            actor=request.user,
            action=AuditAction.ORGANIZATION_ACCOUNT_DELETED,
            obj=obj,
            kind=obj.kind,
            accounts=sorted(obj.memberships.values_list("user__username", flat=True)),
        )


@admin.register(PermissionApplication)
class PermissionApplicationAdmin(admin.ModelAdmin):
    list_display = ("organization", "bureau", "status", "submitted_at", "decided_at")
    list_filter = ("status",)
    list_select_related = ("organization", "bureau")


@admin.register(Committee)
class CommitteeAdmin(admin.ModelAdmin):
    list_display = ("name", "series", "level", "region", "office", "is_active")
    list_filter = ("series", "level", "is_active")
    list_select_related = ("series", "level", "region", "office")


@admin.register(RoutingPath)
class RoutingPathAdmin(admin.ModelAdmin):
    list_display = ("organization", "series", "level", "target", "committee", "status")
    list_filter = ("status", "series", "level")
    list_select_related = ("organization", "series", "level", "target", "committee")


class OrganizationKindFilter(admin.SimpleListFilter):
    title = _("单位类型")
    parameter_name = "organization_kind"

    def lookups(self, request, model_admin):
        return [*OrgKind.choices, ("none", _("无（系统管理员或系统）"))]

    def queryset(self, request, queryset):
        if self.value() == "none":
            return queryset.filter(organization__isnull=True)
        if self.value() in OrgKind.values:
            return queryset.filter(organization__kind=self.value())
        return queryset


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    """Read only: the audit trail is appended to by the services, never edited."""

    list_display = ("created_at", "actor", "organization", "action", "object_repr", "reason")
    list_filter = ("action", OrganizationKindFilter, "created_at")
    date_hierarchy = "created_at"
    search_fields = ("object_repr", "actor__username", "actor__name", "organization__name")
    list_select_related = ("actor", "organization")
    fields = (
        "created_at",
        "actor",
        "organization",
        "action",
        "object_type",
        "object_id",
        "object_repr",
        "reason",
        "details",
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
