from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ActionPlansConfig(AppConfig):
    name = "action_plans"
    verbose_name = _("Action plans")

    def ready(self) -> None:
        from action_plans import history
        from action_plans.hooks import register_menu_link, register_periodic_job, register_plan_tab
        from msd_planner.lib.dates import use_cldr_month_names

        use_cldr_month_names()
        from action_plans.models import ActionPlan

        history.name_area("plan", _("Plan details"))
        history.track(
            ActionPlan,
            area="plan",
            in_plan=history.of_plan("id"),
            subject=lambda change: _("the plan"),
            label="title",
        )
        register_plan_tab(_("Overview"), "plan_detail", order=0)
        register_plan_tab(_("Validation"), "plan_validation", order=70, under="/validation/")
        register_plan_tab(_("History"), "plan_history", order=80)
        register_menu_link(_("Plans"), "home", order=0, shown_to=lambda user: user.is_authenticated)
        register_periodic_job(
            "requeue-stuck-documents", "action_plans.tasks.requeue_stuck_documents", 60.0
        )
        register_periodic_job(
            "purge-read-notifications",
            "action_plans.tasks.purge_read_notifications",
            24 * 60 * 60.0,
        )
