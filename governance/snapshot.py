"""Governance in a plan's snapshot: the lead model, lead bodies and their
responsibilities, advisers, and the participants with how each wishes to be credited."""

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from action_plans.hooks import SnapshotSection
from action_plans.models import ActionPlan
from governance.models import LeadArrangement, LeadBody, Participation


def _yes(flag: bool) -> str:
    return _("Yes") if flag else _("No")


def build(plan: ActionPlan) -> dict:
    """Three queries."""
    records = []
    arrangement = LeadArrangement.objects.filter(plan=plan).first()
    if arrangement is not None:
        records.append(
            {
                "key": "arrangement",
                "kind": "arrangement",
                "label": arrangement.get_model_display(),
                "fields": {
                    "decision_power": _yes(arrangement.has_decision_power),
                    "notes": arrangement.notes,
                },
            }
        )
        for body in (
            LeadBody.objects.filter(arrangement=arrangement)
            .select_related("organisation")
            .prefetch_related("responsibilities")
            .order_by("organisation__name")
        ):
            records.append(
                {
                    "key": f"lead_body:{body.organisation_id}",
                    "kind": body.kind,
                    "label": str(body.organisation),
                    "fields": {
                        "responsible_for": sorted(
                            str(item.get_activity_display()) for item in body.responsibilities.all()
                        ),
                    },
                }
            )
    for participation in (
        Participation.objects.filter(plan=plan)
        .select_related("organisation")
        .order_by("organisation__name")
    ):
        organisation = participation.organisation
        records.append(
            {
                "key": f"participant:{organisation.pk}",
                "kind": "participant",
                "credit": organisation.credit_preference,
                "anonymous_label": ", ".join(
                    [str(organisation.get_type_display()), *organisation.leadership]
                ),
                "label": str(organisation),
                "fields": {
                    "type": organisation.get_type_display(),
                    "local_actor": _yes(organisation.is_local_actor),
                    "led_by": organisation.leadership,
                    "credit": organisation.get_credit_preference_display(),
                    "signature_required": _yes(participation.signatory_required),
                },
            }
        )
    return {"records": records, "totals": {}}


SECTION = SnapshotSection(
    name="governance",
    title=gettext_lazy("Governance"),
    order=10,
    build=build,
    kinds={
        "arrangement": gettext_lazy("Lead arrangement"),
        "lead": gettext_lazy("Lead body"),
        "adviser": gettext_lazy("Technical adviser"),
        "participant": gettext_lazy("Participant"),
    },
    fields={
        "decision_power": gettext_lazy("decision power"),
        "notes": gettext_lazy("notes"),
        "responsible_for": gettext_lazy("responsible for"),
        "type": gettext_lazy("type"),
        "local_actor": gettext_lazy("local actor"),
        "led_by": gettext_lazy("led by"),
        "credit": gettext_lazy("credit in public materials"),
        "signature_required": gettext_lazy("signature required"),
    },
)
