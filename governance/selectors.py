"""Reads for governance pages. Each function's query count is fixed, whatever the data."""

from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Prefetch, Q, QuerySet
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp import user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from action_plans.models import ActionPlan
from action_plans.permissions import plans_user_can
from action_plans.policy import ACTION_LABELS, PLATFORM_ADMIN_ACTIONS, PlanAction, role_actions
from governance.models import (
    Activity,
    LeadArrangement,
    LeadBody,
    LeadBodyKind,
    Membership,
    Organisation,
    Participation,
    Role,
    User,
)
from governance.permissions import organisations_visible_to
from msd_planner.lib.history import unattributed_author
from msd_planner.lib.types import StrOrPromise

ORGANISATION_SORTS = {"name": "name", "type": "type", "members": "-member_count"}


def organisation_list(
    user, *, query: str = "", type: str = "", local_actor: bool = False, sort: str = "name"
) -> QuerySet[Organisation]:
    organisations = organisations_visible_to(user)
    if query:
        organisations = organisations.filter(Q(name__icontains=query) | Q(acronym__icontains=query))
    if type:
        organisations = organisations.filter(type=type)
    if local_actor:
        organisations = organisations.filter(is_local_actor=True)
    return (
        Organisation.objects.filter(pk__in=organisations.values("pk"))
        .select_related("parent")
        .annotate(member_count=Count("memberships", distinct=True))
        .order_by(ORGANISATION_SORTS.get(sort, "name"), "name")
    )


def organisation_members(organisation: Organisation) -> QuerySet[Membership]:
    return organisation.memberships.select_related("user").order_by(
        "user__last_name", "user__first_name"
    )


def organisation_membership(organisation: Organisation, membership_pk: int) -> Membership | None:
    """One membership of ``organisation``, with its user (None if it has no such one)."""
    return (
        organisation.memberships.select_related("user", "organisation")
        .filter(pk=membership_pk)
        .first()
    )


def organisations_with(
    organisations: QuerySet[Organisation], *also: int | None
) -> QuerySet[Organisation]:
    """``organisations``, and those ``also`` names though ``organisations`` leaves them
    out (what a record already names stays choosable on its form), each once, by name."""
    return Organisation.objects.filter(
        Q(pk__in=organisations.values("pk")) | Q(pk__in=[pk for pk in also if pk is not None])
    ).order_by("name")


def organisations_by_name(organisations: list[Organisation]) -> QuerySet[Organisation]:
    """``organisations`` as a query, by name, for a form's choices."""
    return Organisation.objects.filter(
        pk__in=[organisation.pk for organisation in organisations]
    ).order_by("name")


def organisation_participations(user, organisation: Organisation) -> QuerySet[Participation]:
    """The plans this organisation takes part in that ``user`` may see."""
    return organisation.participations.filter(
        plan__in=plans_user_can(user, PlanAction.VIEW)
    ).select_related("plan")


@dataclass
class ParticipantRow:
    participation: Participation
    lead_kind: str  # "lead", "adviser" or ""
    signatories: list[User] = field(default_factory=list)

    @property
    def organisation(self) -> Organisation:
        return self.participation.organisation


@dataclass
class PlanGovernance:
    arrangement: LeadArrangement | None
    leads: list[LeadBody]
    advisers: list[LeadBody]
    responsibilities: list[tuple[StrOrPromise, Organisation | None]]
    participants: list[ParticipantRow]

    @property
    def has_local_actor(self) -> bool:
        return any(row.organisation.is_local_actor for row in self.participants)

    @property
    def participants_without_signatory(self) -> list[ParticipantRow]:
        return [
            row
            for row in self.participants
            if row.participation.signatory_required and not row.signatories
        ]


def plan_governance(plan: ActionPlan) -> PlanGovernance:
    """Lead model, lead bodies with responsibilities, participants and their signatories."""
    arrangement = (
        LeadArrangement.objects.filter(plan=plan)
        .prefetch_related(
            Prefetch(
                "bodies",
                queryset=LeadBody.objects.select_related("organisation").order_by(
                    "organisation__name"
                ),
            ),
            "responsibilities",
        )
        .first()
    )
    bodies = list(arrangement.bodies.all()) if arrangement else []
    by_body_id = {body.id: body.organisation for body in bodies}
    assigned = (
        {
            item.activity: by_body_id[item.lead_body_id]
            for item in arrangement.responsibilities.all()
        }
        if arrangement
        else {}
    )
    kinds = {body.organisation_id: body.kind for body in bodies}
    participations = list(
        plan.participations.select_related("organisation").order_by("organisation__name")
    )
    signatories: dict[int, list[User]] = {}
    for membership in Membership.objects.filter(
        organisation__in=[row.organisation_id for row in participations],
        role=Role.SIGNATORY,
        user__is_active=True,
    ).select_related("user"):
        signatories.setdefault(membership.organisation_id, []).append(membership.user)
    return PlanGovernance(
        arrangement=arrangement,
        leads=[body for body in bodies if body.kind == LeadBodyKind.LEAD],
        advisers=[body for body in bodies if body.kind == LeadBodyKind.ADVISER],
        responsibilities=[(activity.label, assigned.get(activity.value)) for activity in Activity],
        participants=[
            ParticipantRow(
                participation=participation,
                lead_kind=kinds.get(participation.organisation_id, ""),
                signatories=signatories.get(participation.organisation_id, []),
            )
            for participation in participations
        ],
    )


@dataclass
class AccessRow:
    user: User
    organisation: Organisation | None
    role: str
    actions: frozenset[PlanAction]

    @property
    def action_list(self) -> list[str]:
        """What the person may do, in the policy's order and words."""
        return [str(ACTION_LABELS[action]) for action in PlanAction if action in self.actions]


def lead_bodies_and_activities(plan: ActionPlan) -> dict[int, set[str]]:
    """The plan's lead bodies (organisation ids), each with the activities it is the
    lead body responsible for (one query)."""
    leads: dict[int, set[str]] = {}
    for organisation_id, activity in LeadBody.objects.filter(
        arrangement__plan=plan, kind=LeadBodyKind.LEAD
    ).values_list("organisation_id", "responsibilities__activity"):
        leads.setdefault(organisation_id, set())
        if activity:
            leads[organisation_id].add(activity)
    return leads


def plan_access_rows(plan: ActionPlan) -> list[AccessRow]:
    """Who can do what on ``plan``: every member of a participating organisation, and the
    platform administrators, with the actions the plan's policy gives them (the same
    policy the grants are written from). Three queries."""
    memberships = list(
        Membership.objects.filter(organisation__participations__plan=plan)
        .select_related("user", "organisation")
        .order_by("organisation__name", "user__last_name", "user__first_name")
    )
    leads = lead_bodies_and_activities(plan)
    rows = [
        AccessRow(
            user=membership.user,
            organisation=membership.organisation,
            role=membership.get_role_display(),
            actions=role_actions(
                membership.role,
                leads_plan=membership.organisation_id in leads,
                activities=leads.get(membership.organisation_id, ()),
            )
            if membership.user.is_active
            else frozenset(),
        )
        for membership in memberships
    ]
    rows += [
        AccessRow(user=admin, organisation=None, role="", actions=PLATFORM_ADMIN_ACTIONS)
        for admin in User.objects.filter(is_superuser=True, is_active=True).order_by("username")
    ]
    return rows


def participations_with_organisation() -> QuerySet[Participation]:
    """Participations with their organisation; the access helper narrows them to one
    plan's."""
    return Participation.objects.select_related("organisation")


def users_for_administration(*, query: str = "", organisation=None) -> QuerySet[User]:
    users = User.objects.all()
    if query:
        users = users.filter(
            Q(username__icontains=query)
            | Q(email__icontains=query)
            | Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
        )
    if organisation:
        users = users.filter(memberships__organisation=organisation)
    return users.prefetch_related(
        Prefetch("memberships", queryset=Membership.objects.select_related("organisation"))
    ).order_by("last_name", "first_name", "username")


@dataclass
class AccountEvent:
    when: object
    by: User | str | None  # a user, or who else wrote the change (the demo loader)
    description: str


def account_history(user: User, *, limit: int = 20) -> list[AccountEvent]:
    """What happened to an account, newest first: created, (de)activated, second factor
    reset, renamed."""
    events = []
    previous = None
    for record in user.history.select_related("history_user").order_by("history_date"):
        if previous is None:
            events.append(AccountEvent(record.history_date, _author(record), _("Account created")))
        elif record.is_active != previous.is_active:
            text = _("Reactivated") if record.is_active else _("Deactivated")
            events.append(AccountEvent(record.history_date, _author(record), text))
        elif record.two_factor_reset_at != previous.two_factor_reset_at:
            events.append(
                AccountEvent(
                    record.history_date,
                    _author(record),
                    _("Second factor reset (must add an authenticator app again)"),
                )
            )
        elif (record.first_name, record.last_name, record.email) != (
            previous.first_name,
            previous.last_name,
            previous.email,
        ):
            events.append(
                AccountEvent(record.history_date, _author(record), _("Name or email changed"))
            )
        previous = record
    return events[::-1][:limit]


def _author(record) -> User | str | None:
    return record.history_user or unattributed_author(record)


def account_of(pk: int) -> User | None:
    """The account ``pk``, for the administrators' pages (None if there is none)."""
    return User.objects.filter(pk=pk).first()


def has_app_enrolled(user: User) -> bool:
    """Whether ``user`` already signs in with an authenticator app: a confirmed second
    factor, and an app among their devices (recovery codes alone are not one)."""
    return user_has_device(user, confirmed=True) and TOTPDevice.objects.filter(user=user).exists()


def user_memberships(user: User) -> QuerySet[Membership]:
    return user.memberships.select_related("organisation").order_by("organisation__name")


def organisation_of_user_in_plan(user: User, plan: ActionPlan) -> Organisation | None:
    """The user's organisation taking part in the plan (the first by name if several)."""
    return (
        Organisation.objects.filter(memberships__user=user, participations__plan=plan)
        .order_by("name")
        .first()
    )


# --- columns of the plans list (registered in apps.py) ----------------------------------


def plans_lead_bodies(plans, user) -> dict[int, str]:
    """Each plan's lead bodies by name (advisers left out), one query."""
    names = defaultdict(list)
    for plan_id, name in (
        LeadBody.objects.filter(arrangement__plan__in=plans, kind=LeadBodyKind.LEAD)
        .order_by("organisation__name")
        .values_list("arrangement__plan_id", "organisation__name")
    ):
        names[plan_id].append(name)
    return {plan_id: ", ".join(plan_names) for plan_id, plan_names in names.items()}


def plans_roles_of(plans, user) -> dict[int, str]:
    """The user's role in each plan: their role in each of their organisations taking
    part ("Editor (MELR)"); "Administrator" for a platform administrator without one."""
    roles = defaultdict(list)
    for plan_id, role, acronym, name in (
        Membership.objects.filter(user=user, organisation__participations__plan__in=plans)
        .order_by("organisation__name")
        .values_list(
            "organisation__participations__plan_id",
            "role",
            "organisation__acronym",
            "organisation__name",
        )
    ):
        roles[plan_id].append(f"{Role(role).label} ({acronym or name})")
    labels = {plan_id: ", ".join(plan_roles) for plan_id, plan_roles in roles.items()}
    if user.is_platform_admin:
        for plan in plans:
            labels.setdefault(plan.pk, str(_("Administrator")))
    return labels


def no_plan_explanation(user) -> str | None:
    """Why ``user`` sees no plan, and what brings one: they belong to no organisation
    yet, or their organisations take part in no plan yet (one query)."""
    if user.is_platform_admin:
        return None  # they see every plan, and start them
    names = sorted(
        Membership.objects.filter(user=user).values_list("organisation__name", flat=True)
    )
    if not names:
        return _(
            "You are not a member of an organisation yet: an administrator adds you to "
            "yours, and the plans it takes part in then appear here."
        )
    return ngettext(
        "You are a member of %(organisations)s, which takes part in no plan yet: a "
        "plan's coordinators add it to their plan, and the plan then appears here.",
        "You are a member of %(organisations)s, none of which takes part in a plan yet: "
        "a plan's coordinators add an organisation to their plan, and the plan then "
        "appears here.",
        len(names),
    ) % {"organisations": ", ".join(names)}
