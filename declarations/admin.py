from django.contrib import admin

from declarations.models import (
    AttachmentSlot,
    ContinuingEducationRecord,
    Declaration,
    DeclarationEvent,
    Plan,
    PlanSection,
)


@admin.register(ContinuingEducationRecord)
class ContinuingEducationRecordAdmin(admin.ModelAdmin):
    list_display = ("id_number", "year", "kind", "hours", "imported_at")
    list_filter = ("year", "kind")
    search_fields = ("id_number",)


class PlanSectionInline(admin.TabularInline):
    model = PlanSection
    extra = 0
    fields = ("code", "enabled", "sort_order", "required_fields", "min_rows")
    show_change_link = True


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = (
        "__str__",
        "year",
        "series",
        "level",
        "region",
        "opens_at",
        "closes_at",
        "resubmit_until",
    )
    list_filter = ("year", "series", "level")
    list_select_related = ("series", "level", "region")
    filter_horizontal = ("methods",)
    inlines = [PlanSectionInline]


class AttachmentSlotInline(admin.TabularInline):
    model = AttachmentSlot
    extra = 0


@admin.register(PlanSection)
class PlanSectionAdmin(admin.ModelAdmin):
    list_display = ("plan", "__str__", "enabled", "sort_order")
    list_filter = ("plan",)
    list_select_related = ("plan__series", "plan__level", "plan__region")
    inlines = [AttachmentSlotInline]


@admin.register(Declaration)
class DeclarationAdmin(admin.ModelAdmin):
    list_display = ("applicant", "plan", "status", "holder", "round", "submitted_at")
    list_filter = ("status", "plan")
    list_select_related = ("applicant", "plan__series", "plan__level", "plan__region", "holder")
    search_fields = ("applicant__name", "applicant__id_number")
    readonly_fields = [f.name for f in Declaration._meta.fields]

    def has_add_permission(self, request):
        return False


@admin.register(DeclarationEvent)
class DeclarationEventAdmin(admin.ModelAdmin):
    list_display = ("declaration", "action", "from_status", "to_status", "actor", "created_at")
    readonly_fields = [f.name for f in DeclarationEvent._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
