from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "api"
    verbose_name = _("API")

    def ready(self):
        from action_plans.hooks import register_record_links
        from api import links, schema  # noqa: F401 (the schema's extension registers)

        # The account page (governance) links to the user's API tokens.
        register_record_links("account", links.account_links)
