from django.contrib import admin
from django.utils.translation import gettext_lazy as _

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


SLOT_FIELDSETS = (
    (
        None,
        {"fields": (("code", "name"), "hint", ("required", "multiple", "is_photo"), "sort_order")},
    ),
    (
        _("按条件必传"),
        {
            "description": _(
                "条件成立时该栏目须上传（不要同时勾选“必须上传”）。例如：申报信息 / "
                "exception_kind / 已填写 → 破格申报须上传；学历信息 / "
                "full_time_degree_on,review_degree_on / 日期不早于 / 2008-09-01。"
            ),
            "fields": (
                ("condition_section", "condition_field"),
                ("condition_operator", "condition_value"),
            ),
        },
    ),
)


class AttachmentSlotInline(admin.StackedInline):
    model = AttachmentSlot
    extra = 0
    fieldsets = SLOT_FIELDSETS


@admin.register(AttachmentSlot)
class AttachmentSlotAdmin(admin.ModelAdmin):
    """Every slot of every plan, with when a slot is needed (a condition is validated on save:
    the section, its fields and the values must exist)."""

    list_display = ("name", "plan_section", "plan_name", "required", "condition_text")
    list_filter = ("plan_section__plan", "required", "condition_operator")
    list_select_related = (
        "plan_section__plan__series",
        "plan_section__plan__level",
        "plan_section__plan__region",
    )
    search_fields = ("name", "code")
    fieldsets = ((None, {"fields": ("plan_section",)}), *SLOT_FIELDSETS)

    @admin.display(description=_("申报计划"))
    def plan_name(self, slot):
        return str(slot.plan_section.plan)

    @admin.display(description=_("上传要求"))
    def condition_text(self, slot):
        if slot.is_conditional:
            return _("按条件必传：%(c)s") % {"c": slot.condition_description}
        return _("必须上传") if slot.required else _("选择上传")


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
