from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "portal"
    verbose_name = _("Open plans")

    def ready(self):
        from action_plans.hooks import register_menu_link

        # For every visitor, signed in or not: the adopted plans are public.
        register_menu_link(_("Open plans"), "portal_plans", order=40)
