"""Governance in a plan's snapshot: the lead model, lead bodies and their
responsibilities, advisers, and the participants with how each wishes to be credited."""

from django.utils.translation import gettext_lazy

from action_plans.hooks import SnapshotSection, choice_term, yes_no
from action_plans.models import ActionPlan
from action_plans.policy import Activity
from governance.models import (
    LEADERSHIP,
    CreditPreference,
    LeadArrangement,
    LeadBody,
    LeadModel,
    OrganisationType,
    Participation,
)


def _in_order(activities) -> list[str]:
    """Activities in the order of the process (prioritisation first)."""
    chosen = set(activities)
    return [activity for activity in Activity.values if activity in chosen]


_lead_model = choice_term(LeadModel.choices)


def build(plan: ActionPlan) -> dict:
    """Three queries."""
    records = []
    arrangement = LeadArrangement.objects.filter(plan=plan).first()
    if arrangement is not None:
        records.append(
            {
                "key": "arrangement",
                "kind": "arrangement",
                "label": arrangement.model,
                "fields": {
                    "decision_power": arrangement.has_decision_power,
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
                        "responsible_for": _in_order(
                            item.activity for item in body.responsibilities.all()
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
                "label": str(organisation),
                "fields": {
                    "type": organisation.type,
                    "local_actor": organisation.is_local_actor,
                    "led_by": organisation.leadership_flags,
                    "credit": organisation.credit_preference,
                    "signature_required": participation.signatory_required,
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
    terms={
        "decision_power": yes_no,
        "responsible_for": choice_term(Activity.choices),
        "type": choice_term(OrganisationType.choices),
        "local_actor": yes_no,
        "led_by": choice_term(LEADERSHIP.items()),
        "credit": choice_term(CreditPreference.choices),
        "signature_required": yes_no,
    },
    labels={"arrangement": lambda record: _lead_model(record["label"])},
)
