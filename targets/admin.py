from django.contrib import admin

from targets.models import Goal, Indicator, Target


@admin.register(Goal)
class GoalAdmin(admin.ModelAdmin):
    list_display = ["number", "short_title_en"]


@admin.register(Target)
class TargetAdmin(admin.ModelAdmin):
    list_display = ["code", "migration_relevance", "title_en"]
    list_filter = ["migration_relevance", "goal"]
    search_fields = ["code", "title_en"]


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "unsd_code", "title_en"]
    search_fields = ["code", "title_en"]
