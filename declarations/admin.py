from django.contrib import admin

from declarations.models import Level, Series


@admin.register(Level)
class LevelAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "rank")


@admin.register(Series)
class SeriesAdmin(admin.ModelAdmin):
    list_display = ("name", "code", "sort_order")
