"""How the plan's funding reads in its history (registered in ``apps.py``)."""

from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from action_plans import history
from funding.models import (
    CapacityNeed,
    Commitment,
    Engagement,
    FundingSource,
    LocalisationTarget,
    MobilisationStrategy,
)
from governance.models import Organisation
from interventions.models import Intervention


def register() -> None:
    history.name_area("funding", gettext_lazy("Funding"))
    history.track(
        FundingSource,
        area="funding",
        in_plan=history.of_plan("plan_id"),
        subject=lambda change: _("the funding source “%(name)s”") % {"name": change.row.name},
        label="name",
    )
    under_intervention = history.under(Intervention, "intervention_id")
    history.track(
        Commitment,
        area="funding",
        in_plan=under_intervention,
        subject=lambda change: (
            _("the commitment of “%(source)s” to “%(title)s”")
            % {
                "source": change.names.of(FundingSource, change.row.source_id),
                "title": change.names.of(Intervention, change.row.intervention_id),
            }
        ),
        m2m_fields=("local_actors",),
    )
    history.track(
        MobilisationStrategy,
        area="funding",
        in_plan=under_intervention,
        subject=lambda change: (
            _("the funding strategy of “%(title)s”")
            % {"title": change.names.of(Intervention, change.row.intervention_id)}
        ),
        m2m_fields=("partners_to_approach",),
    )
    history.track(
        Engagement,
        area="funding",
        in_plan=history.of_plan("plan_id"),
        subject=lambda change: (
            _("the engagement with %(partner)s on %(date)s")
            % {
                "partner": change.names.of(Organisation, change.row.partner_id),
                "date": formats.date_format(change.row.held_on, "SHORT_DATE_FORMAT"),
            }
        ),
        m2m_fields=("interventions",),
    )
    history.track(
        LocalisationTarget,
        area="funding",
        in_plan=history.of_plan("plan_id"),
        subject=lambda change: _("the target share of funds to local actors"),
    )
    history.track(
        CapacityNeed,
        area="funding",
        in_plan=history.of_plan("plan_id"),
        subject=lambda change: (
            _("the capacity need “%(what)s” of %(organisation)s")
            % {
                "what": change.row.what,
                "organisation": change.names.of(Organisation, change.row.organisation_id),
            }
        ),
        label="what",
        m2m_fields=("addressed_by",),
    )
