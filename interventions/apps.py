from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterventionsConfig(AppConfig):
    name = "interventions"
    verbose_name = _("Interventions")

    def ready(self):
        from interventions import demo, history, rules  # noqa: F401 (rules declare)

        history.register()
        demo.register()
