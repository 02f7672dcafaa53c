from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InterventionsConfig(AppConfig):
    name = "interventions"
    verbose_name = _("Interventions")

    def ready(self):
        from action_plans.hooks import (
            register_dashboard_facts,
            register_document_chapter,
            register_participant_leaving_check,
            register_periodic_job,
            register_plan_change_check,
            register_plan_tab,
            register_readiness_check,
            register_report_chapter,
            register_snapshot_section,
        )
        from interventions import (
            demo,
            document,
            history,
            readiness,
            report,
            rules,  # noqa: F401 (rules declare)
            services,
            snapshot,
        )

        register_plan_change_check(services.interventions_within_plan_period)
        register_participant_leaving_check(services.participant_still_needed)
        register_readiness_check(readiness.interventions_readiness)
        register_dashboard_facts(readiness.interventions_facts)
        register_snapshot_section(snapshot.SECTION)
        for chapter in document.CHAPTERS:
            register_document_chapter(chapter)
        register_report_chapter(report.CHAPTER)
        register_plan_tab(_("Interventions"), "intervention_list", order=40)
        register_plan_tab(_("Monitoring"), "plan_monitoring", order=45, under="/monitoring/")
        history.register()
        demo.register()
        # Hourly: each organisation is reminded once per quarter, whenever the job runs.
        register_periodic_job(
            "remind-reporting-organisations",
            "interventions.tasks.remind_reporting_organisations",
            60 * 60.0,
        )
