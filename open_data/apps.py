from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OpenDataConfig(AppConfig):
    name = "open_data"
    verbose_name = _("Open data")

    def ready(self):
        from action_plans.hooks import register_record_links
        from open_data import links

        register_record_links("version", links.version_links)
