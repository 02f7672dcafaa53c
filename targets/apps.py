from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TargetsConfig(AppConfig):
    name = "targets"
    verbose_name = _("SDG targets")

    def ready(self):
        from action_plans.hooks import (
            register_dashboard_facts,
            register_document_chapter,
            register_menu_link,
            register_plan_change_check,
            register_plan_list_column,
            register_plan_tab,
            register_readiness_check,
            register_snapshot_section,
        )
        from targets import demo, document, history, readiness, rules, selectors, services, snapshot  # noqa: F401

        register_plan_list_column(
            _("Prioritised targets"),
            selectors.plans_prioritised_target_counts,
            numeric=True,
            empty=0,
        )
        register_plan_change_check(services.baselines_within_plan_period)
        register_readiness_check(readiness.targets_readiness)
        register_dashboard_facts(readiness.targets_facts)
        register_snapshot_section(snapshot.SECTION)
        for chapter in document.CHAPTERS:
            register_document_chapter(chapter)
        register_plan_tab(_("Targets"), "prioritised_target_list", order=20)
        register_plan_tab(_("Existing frameworks"), "coherence_matrix", order=30)
        register_plan_tab(_("Consultations"), "consultation_list", order=60)
        register_menu_link(_("SDG catalogue"), "catalogue", order=30)
        history.register()
        demo.register()
