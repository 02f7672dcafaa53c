from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = _("Governance")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from action_plans.hooks import register_acting_organisations
        from governance import demo, history, permissions, services

        register_acting_organisations(permissions.acting_organisations)
        history.register()
        demo.register()
        # A sign-in is not a change to the account: record it without a history row.
        user_logged_in.disconnect(dispatch_uid="update_last_login")
        user_logged_in.connect(services.last_login_record, dispatch_uid="update_last_login")
