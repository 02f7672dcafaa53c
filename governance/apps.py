from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = _("Governance")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in
        from django.db.models.signals import post_migrate
        from django.urls import reverse

        from action_plans.hooks import (
            PlanPage,
            register_acting_organisations,
            register_document_chapter,
            register_menu_link,
            register_no_plan_explanation,
            register_periodic_job,
            register_plan_list_column,
            register_plan_page,
            register_plan_tab,
            register_public_content,
            register_readiness_check,
            register_snapshot_section,
            register_validation_policy,
        )
        from governance import (
            credit,
            demo,
            document,
            history,
            links,
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
        register_public_content(credit.credited)
        for chapter in document.CHAPTERS:
            register_document_chapter(chapter)
        register_plan_tab(_("Governance"), "plan_governance", order=10)
        register_plan_tab(_("Who can do what"), "plan_access", order=90)
        register_plan_page(
            PlanPage.SET_UP, lambda plan: reverse("lead_arrangement_edit", args=[plan.pk])
        )
        register_plan_page(PlanPage.SIGN, lambda plan: reverse("plan_sign", args=[plan.pk]))
        register_menu_link(
            _("Organisations"), "organisation_list", order=10, shown_to=links.signed_in
        )
        register_menu_link(_("Users"), "user_list", order=20, shown_to=links.platform_admin)
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
