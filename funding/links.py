"""What funding adds to other apps' pages (``action_plans.hooks.register_record_links``)."""

from django.urls import reverse
from django.utils.translation import gettext as _

from action_plans.hooks import RecordLink
from action_plans.policy import PlanAction


def intervention_links(intervention, access) -> list[RecordLink]:
    """On an intervention's page: its funding, for everyone who sees it, and "Record a
    commitment" for those who may record one (the commitment form's own check) while
    the plan is a draft. No query."""
    args = [access.plan.pk, intervention.pk]
    links = [RecordLink(_("Funding and commitments"), reverse("intervention_funding", args=args))]
    if access.may_edit(PlanAction.CONTRIBUTE):
        links.append(
            RecordLink(
                _("Record a commitment"), reverse("commitment_create", args=args), primary=True
            )
        )
    return links
