from django.contrib import admin
from django.http import HttpRequest
from simple_history.admin import SimpleHistoryAdmin

from action_plans.models import ActionPlan


@admin.register(ActionPlan)
class ActionPlanAdmin(SimpleHistoryAdmin):  # type: ignore[misc]  # simple-history ships no types
    """For platform administrators only: plan access is per organisation, through the app.

    A global (model-level) permission given to a staff account must not open every plan.
    """

    list_display = ["title", "country", "level", "period_start_year", "period_end_year", "status"]
    list_filter = ["status", "level"]
    search_fields = ["title", "area_name"]
    # The status moves only through the workflow's transitions.
    readonly_fields = ["status", "version"]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_superuser

    def has_view_permission(self, request: HttpRequest, obj: ActionPlan | None = None) -> bool:
        return self.has_module_permission(request)

    def has_change_permission(self, request: HttpRequest, obj: ActionPlan | None = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest) -> bool:
        return self.has_module_permission(request)

    def has_delete_permission(self, request: HttpRequest, obj: ActionPlan | None = None) -> bool:
        return self.has_module_permission(request)
