from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    name = "funding"
    verbose_name = _("Funding")

    def ready(self):
        from action_plans.hooks import (
            register_dashboard_facts,
            register_document_chapter,
            register_participant_leaving_check,
            register_plan_change_check,
            register_plan_tab,
            register_readiness_check,
            register_record_links,
            register_report_chapter,
            register_snapshot_section,
        )
        from funding import (
            demo,
            document,
            history,
            links,
            readiness,
            report,
            rules,  # noqa: F401 (rules declare)
            services,
            snapshot,
        )

        register_plan_change_check(services.base_currency_kept)
        register_participant_leaving_check(services.local_actor_still_funded)
        register_participant_leaving_check(services.local_actor_without_needs)
        register_readiness_check(readiness.funding_readiness)
        register_dashboard_facts(readiness.funding_facts)
        register_snapshot_section(snapshot.SECTION)
        register_record_links("intervention", links.intervention_links)
        for chapter in document.CHAPTERS:
            register_document_chapter(chapter)
        register_report_chapter(report.CHAPTER)
        register_plan_tab(_("Funding"), "funding_overview", order=50, under="/funding/")
        history.register()
        demo.register()
