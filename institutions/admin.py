from django.contrib import admin

from institutions.models import (
    Committee,
    Membership,
    Organization,
    PermissionApplication,
    Region,
    RoutingPath,
)


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
