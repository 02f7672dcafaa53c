"""How prioritised targets, the framework review and the consultation log read in a
plan's history (registered in ``apps.py``)."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from action_plans import history
from targets.models import (
    Consultation,
    FollowedIndicator,
    Framework,
    FrameworkAssessment,
    PrioritisedTarget,
    ScoringCriterion,
    Target,
    TargetScore,
)


# Long on purpose: a declaration per tracked model, a table that reads best whole.
def register() -> None:
    history.name_area("targets", gettext_lazy("Targets"))
    history.name_area("frameworks", gettext_lazy("Existing frameworks"))
    history.name_area("consultations", gettext_lazy("Consultations"))
    history.track(
        ScoringCriterion,
        area="targets",
        in_plan=history.of_plan("plan_id"),
        subject=lambda change: _("the scoring criterion “%(name)s”") % {"name": change.row.name},
        label="name",
    )
    history.track(
        PrioritisedTarget,
        area="targets",
        in_plan=history.of_plan("plan_id"),
        subject=lambda change: (
            _("target %(code)s") % {"code": change.names.of(Target, change.row.target_id)}
        ),
        label="target__code",
    )
    history.track(
        TargetScore,
        area="targets",
        in_plan=history.under(PrioritisedTarget, "prioritised_target_id"),
        subject=lambda change: (
            _("the “%(criterion)s” score of %(code)s")
            % {
                "criterion": change.names.of(ScoringCriterion, change.row.criterion_id),
                "code": change.names.of(PrioritisedTarget, change.row.prioritised_target_id),
            }
        ),
    )
    history.track(
        FollowedIndicator,
        area="targets",
        in_plan=history.under(PrioritisedTarget, "prioritised_target_id"),
        subject=lambda change: (
            _("an indicator of %(code)s")
            % {"code": change.names.of(PrioritisedTarget, change.row.prioritised_target_id)}
        ),
    )
    history.track(
        Framework,
        area="frameworks",
        in_plan=history.of_plan("plan_id"),
        subject=lambda change: _("framework “%(name)s”") % {"name": change.row.name},
        label="name",
    )
    history.track(
        FrameworkAssessment,
        area="frameworks",
        in_plan=history.under(Framework, "framework_id"),
        subject=lambda change: (
            _("the assessment of “%(framework)s” against %(code)s")
            % {
                "framework": change.names.of(Framework, change.row.framework_id),
                "code": change.names.of(PrioritisedTarget, change.row.prioritised_target_id),
            }
        ),
    )
    history.track(
        Consultation,
        area="consultations",
        in_plan=history.of_plan("plan_id"),
        subject=lambda change: _("the consultation “%(title)s”") % {"title": change.row.title},
        label="title",
        m2m_fields=("organisations", "prioritised_targets", "frameworks"),
    )
