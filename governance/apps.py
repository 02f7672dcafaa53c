from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = _("Governance")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_migrate

        from action_plans.hooks import (
            register_acting_organisations,
            register_no_plan_explanation,
            register_periodic_job,
            register_plan_list_column,
            register_readiness_check,
            register_snapshot_section,
            register_validation_policy,
        )
        from governance import (
            demo,
            history,
            permissions,
            readiness,
            selectors,
            snapshot,
            two_factor,
            validation,
        )
        from governance.services import accounts, memberships

        register_acting_organisations(permissions.acting_organisations)
        register_validation_policy(validation.POLICY)
        register_readiness_check(readiness.governance_readiness)
        register_plan_list_column(_("Lead bodies"), selectors.plans_lead_bodies)
        register_plan_list_column(_("Your role"), selectors.plans_roles_of)
        register_no_plan_explanation(selectors.no_plan_explanation)
        register_snapshot_section(snapshot.SECTION)
        history.register()
        demo.register()
        # Hourly: each reminder goes once per period, whenever the period ends.
        register_periodic_job(
            "remind-signatories", "governance.tasks.remind_signatories", 60 * 60.0
        )
        register_periodic_job(
            "purge-access-records", "governance.tasks.purge_access_records", 60 * 60.0
        )
        # A sign-in is not a change to the account: record it without a history row.
        user_logged_in.disconnect(dispatch_uid="update_last_login")
        user_logged_in.connect(accounts.last_login_record, dispatch_uid="update_last_login")
        # What the new session owes after the password (a code, or enrolment).
        user_logged_in.connect(two_factor.remember_what_is_owed, dispatch_uid="two_factor_owed")
        # After an upgrade the policy may give new actions: every plan's grants are
        # recomputed from its governance records once the tables are migrated.
        post_migrate.connect(
            memberships.all_plan_permissions_sync, sender=self, dispatch_uid="sync_plan_grants"
        )
