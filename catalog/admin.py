from django.contrib import admin

from catalog.models import (
    DeclarationMethod,
    Level,
    ProfessionalQualification,
    Series,
    Specialty,
    Title,
)


@admin.register(Level)
class LevelAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "rank")


class TitleInline(admin.TabularInline):
    model = Title
    extra = 0


class SpecialtyInline(admin.TabularInline):
    model = Specialty
    extra = 0


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "sort_order")
    inlines = [TitleInline, SpecialtyInline]


@admin.register(DeclarationMethod)
class DeclarationMethodAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "requires_exception_kind", "allows_no_current_title")


@admin.register(ProfessionalQualification)
class ProfessionalQualificationAdmin(admin.ModelAdmin):
    list_display = ("name", "series", "level")
    list_filter = ("series", "level")
