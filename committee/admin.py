"""The committee stage in the Django admin: the expert pool, members and the committees'
rules (thresholds) for administrators; meetings read-only (their changes go through the
services and the workflow). Ballots are not listed: they are only ever counted."""

from django.contrib import admin

from committee.models import CommitteeMember, CommitteeRules, Expert, Meeting


@admin.register(CommitteeRules)
class CommitteeRulesAdmin(admin.ModelAdmin):
    list_display = (
        "committee",
        "minimum_members",
        "quorum_numerator",
        "quorum_denominator",
        "pass_numerator",
        "pass_denominator",
    )
    list_select_related = ("committee",)


@admin.register(Expert)
class ExpertAdmin(admin.ModelAdmin):
    list_display = ("name", "office", "work_unit", "title", "is_active")
    list_filter = ("is_active", "office")
    search_fields = ("name", "work_unit")
    list_select_related = ("office",)
    readonly_fields = ("user", "id_number", "created_at")
    autocomplete_fields = ()
    raw_id_fields = ("organization",)
    filter_horizontal = ("series", "specialties")


@admin.register(CommitteeMember)
class CommitteeMemberAdmin(admin.ModelAdmin):
    list_display = ("committee", "year", "expert")
    list_filter = ("year", "committee")
    list_select_related = ("committee", "expert")
    raw_id_fields = ("expert",)


@admin.register(Meeting)
class MeetingAdmin(admin.ModelAdmin):
    list_display = ("name", "committee", "held_on", "status", "attending_count", "is_valid")
    list_filter = ("status",)
    list_select_related = ("committee",)

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
