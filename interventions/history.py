"""How interventions and their results framework read in a plan's history (registered in
``apps.py``)."""

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from action_plans import history
from governance.models import Organisation
from interventions.models import (
    AddressedTarget,
    Beneficiaries,
    Comment,
    Intervention,
    Partner,
    Progress,
    ProgressStatus,
    ResultIndicator,
    TargetValue,
)
from targets.models import Indicator, PrioritisedTarget


def _of(change, parent_field: str = "intervention_id") -> str:
    return change.names.of(Intervention, getattr(change.row, parent_field))


def _indicator_name(change) -> str:
    """A national indicator's name (its label, kept after removal); empty for a global
    SDG indicator without one."""
    return change.names.of(ResultIndicator, change.row.indicator_id)


def _target_value(change) -> str:
    if name := _indicator_name(change):
        return _("the %(year)s target of the indicator “%(indicator)s”") % {
            "year": change.row.year,
            "indicator": name,
        }
    return _("the %(year)s target of an SDG indicator") % {"year": change.row.year}


def _progress(change) -> str:
    day = formats.date_format(change.row.measured_on, "SHORT_DATE_FORMAT")
    if name := _indicator_name(change):
        return _("progress measured on %(date)s on the indicator “%(indicator)s”") % {
            "date": day,
            "indicator": name,
        }
    return _("progress measured on %(date)s on an SDG indicator") % {"date": day}


def _progress_sentence(change, actor: str) -> str | None:
    """Who submitted, approved, returned or corrected a value, in words."""
    row = change.row
    values = {
        "actor": actor,
        "value": _progress(change),
        "period": f"{row.period_year} Q{row.period_quarter}",
    }
    if change.kind == "+":
        return _("%(actor)s submitted %(value)s (%(period)s) for review") % values
    if change.kind == "-" or change.before.status == row.status:
        return None
    if row.status == ProgressStatus.APPROVED:
        return _("%(actor)s approved %(value)s (%(period)s)") % values
    if row.status == ProgressStatus.RETURNED:
        values["comment"] = row.review_comment
        return _("%(actor)s returned %(value)s (%(period)s): “%(comment)s”") % values
    return _("%(actor)s corrected %(value)s (%(period)s) and submitted it again") % values


# Long on purpose: a declaration per tracked model, a table that reads best whole.
def register() -> None:
    history.name_area("interventions", gettext_lazy("Interventions"))
    history.track(
        Intervention,
        area="interventions",
        in_plan=history.of_plan("plan_id"),
        subject=lambda change: _("the intervention “%(title)s”") % {"title": change.row.title},
        label="title",
    )
    under_intervention = history.under(Intervention, "intervention_id")
    history.track(
        AddressedTarget,
        area="interventions",
        in_plan=under_intervention,
        subject=lambda change: (
            _("the contribution of “%(title)s” to %(code)s")
            % {
                "title": _of(change),
                "code": change.names.of(PrioritisedTarget, change.row.prioritised_target_id),
            }
        ),
    )
    history.track(
        Partner,
        area="interventions",
        in_plan=under_intervention,
        subject=lambda change: (
            _("%(organisation)s as a partner of “%(title)s”")
            % {
                "organisation": change.names.of(Organisation, change.row.organisation_id),
                "title": _of(change),
            }
        ),
    )
    history.track(
        Beneficiaries,
        area="interventions",
        in_plan=under_intervention,
        subject=lambda change: _("the beneficiaries of “%(title)s”") % {"title": _of(change)},
    )
    history.track(
        Comment,
        area="interventions",
        in_plan=under_intervention,
        subject=lambda change: _("a comment on “%(title)s”") % {"title": _of(change)},
    )
    history.track(
        ResultIndicator,
        area="interventions",
        in_plan=under_intervention,
        subject=lambda change: (
            _("the indicator “%(indicator)s” of “%(title)s”")
            % {
                "indicator": change.row.name
                or change.names.of(Indicator, change.row.sdg_indicator_id),
                "title": _of(change),
            }
        ),
        label="name",
    )
    under_indicator = history.under(ResultIndicator, "indicator_id")
    history.track(TargetValue, area="interventions", in_plan=under_indicator, subject=_target_value)
    history.track(
        Progress,
        area="interventions",
        in_plan=under_indicator,
        subject=_progress,
        sentence=_progress_sentence,
    )
