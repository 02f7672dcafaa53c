"""Who leads a plan: its lead bodies, advisers and who leads each activity."""

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from action_plans.models import ActionPlan
from action_plans.services import plan_lock
from governance.models import (
    Activity,
    LeadArrangement,
    LeadBody,
    LeadBodyKind,
    LeadModel,
    Organisation,
    OrganisationType,
    Participation,
    Responsibility,
    User,
)
from governance.services.memberships import plan_permissions_sync
from msd_planner.lib.history import attribute
from msd_planner.lib.versioned_edit import EditConflict, lock_for_update


@dataclass
class LeadArrangementData:
    model: str
    leads: list[Organisation]
    advisers: list[Organisation] = field(default_factory=list)
    responsibilities: dict[str, Organisation] = field(default_factory=dict)
    has_decision_power: bool = False
    notes: str = ""

    def __post_init__(self):
        # The same organisation named twice (lead and second lead) counts once.
        self.leads = list(dict.fromkeys(self.leads))
        self.advisers = list(dict.fromkeys(self.advisers))


def lead_arrangement_problems(data: LeadArrangementData) -> dict[str, list[str]]:
    """What is inconsistent in a proposed lead arrangement, by form field."""
    problems: dict[str, list[str]] = {}

    def problem(field_name: str, message: str) -> None:
        problems.setdefault(field_name, []).append(message)

    leads = set(data.leads)
    if not leads:
        problem("leads", _("Choose at least one lead body."))
    if leads & set(data.advisers):
        problem("advisers", _("An organisation cannot both lead and advise."))
    if data.model == LeadModel.SINGLE and len(leads) != 1:
        problem("leads", _("A single lead needs exactly one lead body."))
    if data.model == LeadModel.JOINT:
        if len(leads) != 2:
            problem("leads", _("A joint lead needs exactly two lead bodies."))
        for activity in Activity:
            if activity.value not in data.responsibilities:
                problem(
                    f"responsibility_{activity.value}",
                    _("In a joint lead every activity needs a lead body."),
                )
        if len(leads) == 2 and leads - set(data.responsibilities.values()):
            problem("leads", _("In a joint lead each lead body leads at least one activity."))
    if data.model == LeadModel.COORDINATING_BODY:
        if len(leads) != 1:
            problem("leads", _("Choose the one coordinating council or working group."))
        elif data.leads[0].type != OrganisationType.COORDINATING_BODY:
            problem(
                "leads",
                _("The lead body must be a coordinating council or working group."),
            )
    if data.model == LeadModel.EXTERNAL_FACILITATION and not any(
        organisation.type == OrganisationType.INTERNATIONAL for organisation in leads
    ):
        problem(
            "leads",
            _("External facilitation needs an international organisation among the leads."),
        )
    for activity, organisation in data.responsibilities.items():
        if organisation not in leads:
            problem(
                f"responsibility_{activity}",
                _("%(name)s is not a lead body of this plan.") % {"name": organisation},
            )
    return problems


@transaction.atomic
def lead_arrangement_set(
    *, actor: User, plan: ActionPlan, data: LeadArrangementData, expected_version: int
) -> LeadArrangement:
    """Set the plan's lead arrangement; lead bodies and advisers take part in the plan.

    With a single lead body, activities left unassigned go to it. Only what changed is
    written, so saving an unchanged arrangement writes no history row.
    ``expected_version`` is the arrangement's version the user started from (0 when
    there was none yet): if someone saved it since, ``EditConflict`` is raised and
    nothing is saved.
    """
    problems = lead_arrangement_problems(data)
    if problems:
        raise ValidationError(problems)
    plan_lock(plan.pk)
    arrangement = _arrangement_locked(plan, expected_version)
    created = arrangement.pk is None
    changed = _arrangement_fields_set(arrangement, data)
    if created:
        arrangement.version = 1
        attribute(arrangement, actor)
        arrangement.save()
    wanted: dict[int, str] = {organisation.id: LeadBodyKind.LEAD for organisation in data.leads}
    wanted.update({organisation.id: LeadBodyKind.ADVISER for organisation in data.advisers})
    # In this order: the responsibilities move to the new bodies before the old ones go.
    bodies, bodies_changed = _lead_bodies_set(actor, arrangement, wanted)
    responsibilities_changed = _responsibilities_set(
        actor, arrangement, bodies, _responsibilities_wanted(data)
    )
    bodies_removed = _lead_bodies_remove(actor, bodies, wanted)
    if (changed or bodies_changed or responsibilities_changed or bodies_removed) and not created:
        arrangement.version += 1
        attribute(arrangement, actor)
        arrangement.save(update_fields=["model", "has_decision_power", "notes", "version"])
    _participations_add(actor, plan, wanted)
    plan_permissions_sync(plan)
    return arrangement


def _arrangement_locked(plan: ActionPlan, expected_version: int) -> LeadArrangement:
    """The plan's arrangement, locked at the version the user started from, or a new one
    (not saved yet) when there is none and the user started from none."""
    arrangement = LeadArrangement.objects.filter(plan=plan).first()
    if arrangement is not None:
        return lock_for_update(arrangement, expected_version)
    if expected_version:
        # Opened when an arrangement existed; it has been removed and set again since.
        raise EditConflict(LeadArrangement(plan=plan, version=0))
    return LeadArrangement(plan=plan, version=0)


def _arrangement_fields_set(arrangement: LeadArrangement, data: LeadArrangementData) -> bool:
    """Set the arrangement's own fields; whether they changed (a new one always has)."""
    has_decision_power = data.has_decision_power and data.model == LeadModel.COORDINATING_BODY
    changed = arrangement.pk is None or (
        arrangement.model,
        arrangement.has_decision_power,
        arrangement.notes,
    ) != (data.model, has_decision_power, data.notes)
    arrangement.model = data.model
    arrangement.has_decision_power = has_decision_power
    arrangement.notes = data.notes
    return changed


def _responsibilities_wanted(data: LeadArrangementData) -> dict[str, Organisation]:
    """Which organisation leads each activity; a single lead body leads those left open."""
    responsibilities = dict(data.responsibilities)
    if len(data.leads) == 1:
        for activity in Activity.values:
            responsibilities.setdefault(activity, data.leads[0])
    return responsibilities


def _lead_bodies_set(
    actor: User, arrangement: LeadArrangement, wanted: dict[int, str]
) -> tuple[dict[int, LeadBody], bool]:
    """Give the bodies kept their kind and add the new ones. Returns every body, kept,
    new or about to go, by organisation, and whether any was written."""
    bodies = {body.organisation_id: body for body in arrangement.bodies.all()}
    changed = False
    for organisation_id, body in bodies.items():
        if organisation_id in wanted and body.kind != wanted[organisation_id]:
            body.kind = wanted[organisation_id]
            attribute(body, actor)
            body.save(update_fields=["kind"])
            changed = True
    for organisation_id, kind in wanted.items():
        if organisation_id not in bodies:
            body = LeadBody(arrangement=arrangement, organisation_id=organisation_id, kind=kind)
            attribute(body, actor)
            body.save()
            bodies[organisation_id] = body
            changed = True
    return bodies, changed


def _responsibilities_set(
    actor: User,
    arrangement: LeadArrangement,
    bodies: dict[int, LeadBody],
    responsibilities: dict[str, Organisation],
) -> bool:
    """Give each activity its lead body and drop those no longer led; whether any was
    written."""
    current = {item.activity: item for item in arrangement.responsibilities.all()}
    changed = False
    for activity, organisation in responsibilities.items():
        body = bodies[organisation.id]
        responsibility = current.get(activity)
        if responsibility is None:
            responsibility = Responsibility(arrangement=arrangement, activity=activity)
        elif responsibility.lead_body_id == body.id:
            continue
        responsibility.lead_body = body
        attribute(responsibility, actor)
        responsibility.save()
        changed = True
    for activity, responsibility in current.items():
        if activity not in responsibilities:
            attribute(responsibility, actor)
            responsibility.delete()
            changed = True
    return changed


def _lead_bodies_remove(actor: User, bodies: dict[int, LeadBody], wanted: dict[int, str]) -> bool:
    """Remove the bodies no longer wanted (their responsibilities have moved to other
    bodies); whether any was."""
    changed = False
    for organisation_id, body in bodies.items():
        if organisation_id not in wanted:
            attribute(body, actor)
            body.delete()
            changed = True
    return changed


def _participations_add(actor: User, plan: ActionPlan, wanted: dict[int, str]) -> None:
    """The lead bodies and advisers not yet taking part in the plan join it."""
    participating = set(plan.participations.values_list("organisation_id", flat=True))
    for organisation_id in wanted.keys() - participating:
        # Advisers advise; their signature is not needed to validate the plan.
        participation = Participation(
            plan=plan,
            organisation_id=organisation_id,
            signatory_required=wanted[organisation_id] == LeadBodyKind.LEAD,
        )
        attribute(participation, actor)
        participation.save()
