from django.contrib import admin

from review.models import (
    Holiday,
    NoticeObjection,
    PublicNotice,
    ReportBatch,
    Review,
    SectionResult,
)


@admin.register(Holiday)
class HolidayAdmin(admin.ModelAdmin):
    list_display = ["date", "name", "is_workday"]
    list_filter = ["is_workday"]
    date_hierarchy = "date"


class ReadOnlyAdmin(admin.ModelAdmin):
    """The review trail is written by the services only."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Review)
class ReviewAdmin(ReadOnlyAdmin):
    list_display = ["declaration", "organization", "state", "round", "arrived_at", "decided_at"]
    list_filter = ["state"]
    list_select_related = ["declaration__applicant", "declaration__plan", "organization"]


@admin.register(SectionResult)
class SectionResultAdmin(ReadOnlyAdmin):
    list_display = ["declaration", "organization", "round", "code", "passed", "updated_at"]


@admin.register(PublicNotice)
class PublicNoticeAdmin(ReadOnlyAdmin):
    list_display = ["organization", "plan", "starts_on", "ends_on", "outcome", "corrected_at"]
    list_filter = ["outcome"]


@admin.register(NoticeObjection)
class NoticeObjectionAdmin(ReadOnlyAdmin):
    list_display = ["notice", "declaration", "handling", "handled_by", "handled_at"]
    list_filter = ["handling"]
    list_select_related = [
        "notice__organization",
        "declaration__applicant",
        "declaration__plan__series",
        "declaration__plan__level",
        "declaration__plan__region",
        "handled_by",
    ]


@admin.register(ReportBatch)
class ReportBatchAdmin(ReadOnlyAdmin):
    list_display = ["from_organization", "to_organization", "count", "created_at"]
