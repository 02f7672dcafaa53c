from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from action_plans.models import ActionPlan


@admin.register(ActionPlan)
class ActionPlanAdmin(SimpleHistoryAdmin):
    list_display = ["title", "country", "level", "period_start_year", "period_end_year", "status"]
    list_filter = ["status", "level"]
    search_fields = ["title", "area_name"]
