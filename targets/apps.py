from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetsConfig(AppConfig):
    name = "targets"
    verbose_name = _("SDG targets")

    def ready(self):
        from action_plans.hooks import register_plan_change_check
        from targets import demo, history, rules, services  # noqa: F401 (rules declare)

        register_plan_change_check(services.baselines_within_plan_period)
        history.register()
        demo.register()
