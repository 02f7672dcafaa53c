"""Writes to governance — and the only module that grants or revokes object permissions.

Grants are held by role groups: each organisation has one group per role, and a
membership puts its user in the group of its role. A plan's permissions are recomputed
from its participations and lead bodies by ``plan_permissions_sync`` whenever either
changes, so the grants always follow from the governance records.
"""

import hashlib
import logging
import secrets
from binascii import unhexlify
from dataclasses import dataclass, field
from datetime import timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.password_validation import validate_password
from django.contrib.contenttypes.models import ContentType
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django_otp import verify_token
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from action_plans.hooks import participant_leaving_checks
from action_plans.models import ActionPlan, ActionPlanGroupObjectPermission
from action_plans.notifications import Email, email_later
from action_plans.policy import permission_codename, role_actions
from action_plans.services import plan_lock, plan_row_lock, record_remove
from governance.models import (
    Activity,
    Invitation,
    LeadArrangement,
    LeadBody,
    LeadBodyKind,
    LeadModel,
    Membership,
    Organisation,
    OrganisationType,
    Participation,
    Responsibility,
    Role,
    User,
)
from governance.selectors import lead_bodies_and_activities
from governance.two_factor import RECOVERY_CODE_COUNT, devices_for_code, normalised_code
from msd_planner.lib.history import attribute
from msd_planner.lib.ratelimit import ratelimit_hit
from msd_planner.lib.versioned_edit import (
    EditConflict,
    Update,
    lock_for_update,
    versioned_update,
)

log = logging.getLogger("msd_planner.governance")
security_log = logging.getLogger("msd_planner.security")

INVITATION_VALIDITY = timedelta(days=7)


# --- role groups and plan permissions -------------------------------------------------


def role_group_name(organisation_id: int, role: str) -> str:
    return f"organisation-{organisation_id}-{role}"


def _role_groups(organisation_ids: set[int]) -> dict[tuple[int, str], Group]:
    """The role groups of these organisations, created where missing (two queries)."""
    wanted = {
        role_group_name(organisation_id, role): (organisation_id, role)
        for organisation_id in organisation_ids
        for role in Role.values
    }
    groups = {group.name: group for group in Group.objects.filter(name__in=wanted)}
    missing = [Group(name=name) for name in wanted if name not in groups]
    if missing:
        Group.objects.bulk_create(missing, ignore_conflicts=True)
        groups = {group.name: group for group in Group.objects.filter(name__in=wanted)}
    return {wanted[name]: group for name, group in groups.items()}


@transaction.atomic
def plan_permissions_sync(plan: ActionPlan) -> None:
    """Make the plan's group grants exactly what its participations and leads imply.

    The plan row is locked first, so that two changes to one plan's governance compute
    and write its grants one after the other (whatever the plan's status: a member joining
    an organisation of a plan in validation gets their grants).
    """
    plan_row_lock(plan.pk)
    participant_ids = set(plan.participations.values_list("organisation_id", flat=True))
    leads = lead_bodies_and_activities(plan)
    groups = _role_groups(participant_ids)
    desired: set[tuple[int, str]] = set()
    for (organisation_id, role), group in groups.items():
        actions = role_actions(
            role,
            leads_plan=organisation_id in leads,
            activities=leads.get(organisation_id, ()),
        )
        desired |= {(group.id, permission_codename(action)) for action in actions}

    existing = {
        (grant.group_id, grant.permission.codename): grant.id
        for grant in ActionPlanGroupObjectPermission.objects.filter(
            content_object=plan
        ).select_related("permission")
    }
    stale = [grant_id for key, grant_id in existing.items() if key not in desired]
    ActionPlanGroupObjectPermission.objects.filter(id__in=stale).delete()

    to_add = desired - existing.keys()
    if to_add:
        permissions = {
            permission.codename: permission
            for permission in Permission.objects.filter(
                content_type=ContentType.objects.get_for_model(ActionPlan),
                codename__in={codename for _group, codename in to_add},
            )
        }
        ActionPlanGroupObjectPermission.objects.bulk_create(
            ActionPlanGroupObjectPermission(
                group_id=group_id, permission=permissions[codename], content_object=plan
            )
            for group_id, codename in to_add
        )


def all_plan_permissions_sync(*, using: str = DEFAULT_DB_ALIAS, **kwargs) -> None:
    """Recompute every plan's grants (after ``migrate``: a changed policy takes effect on
    the plans that exist). The grants live in the default database."""
    if using != DEFAULT_DB_ALIAS:
        return
    for plan in ActionPlan.objects.only("pk"):
        plan_permissions_sync(plan)


# --- organisations -------------------------------------------------------------------


ORGANISATION_NAME_CONSTRAINT = "organisation_name_unique"


def _parent_problem(organisation: Organisation) -> str | None:
    """Why ``organisation.parent`` cannot be its parent: itself, or one of its own parts."""
    if organisation.parent_id is None or organisation.pk is None:
        return None
    if organisation.parent_id == organisation.pk:
        return _("An organisation cannot be its own parent.")
    seen = {organisation.pk}
    ancestor_id = organisation.parent_id
    while ancestor_id is not None and ancestor_id not in seen:
        seen.add(ancestor_id)
        ancestor_id = (
            Organisation.objects.filter(pk=ancestor_id).values_list("parent_id", flat=True).first()
        )
    if ancestor_id == organisation.pk:
        return _("%(parent)s is part of %(name)s, so it cannot be its parent.") % {
            "parent": organisation.parent,
            "name": organisation.name,
        }
    return None


def _integrity_as_field_error(error: IntegrityError) -> ValidationError:
    if ORGANISATION_NAME_CONSTRAINT not in str(error):
        raise error
    return ValidationError(
        {"name": _("An organisation with this name already exists in this country.")}
    )


@transaction.atomic
def organisation_create(*, actor: User, organisation: Organisation) -> Organisation:
    """Add an organisation validated by its form."""
    attribute(organisation, actor)
    try:
        with transaction.atomic():
            organisation.save()
    except IntegrityError as error:
        raise _integrity_as_field_error(error) from None
    return organisation


def _parent_fits(organisation: Organisation, changed: list[str]) -> None:
    # Only a new parent can close a cycle (and only administrators change parents).
    if "parent" in changed and (problem := _parent_problem(organisation)):
        raise ValidationError({"parent": problem})


ORGANISATION_FIELDS = (
    "name",
    "acronym",
    "type",
    "level",
    "parent",
    "country",
    "is_local_actor",
    "led_by_women",
    "led_by_youth",
    "led_by_persons_with_disabilities",
    "led_by_migrants",
    "led_by_host_community",
    "credit_preference",
)


@transaction.atomic
def organisation_update(
    *, actor: User, organisation: Organisation, expected_version: int, data: dict
) -> Update[Organisation]:
    """Save the changes to an organisation, refusing a stale edit. Which fields a user
    may change is decided by the form their role gets."""
    try:
        return versioned_update(
            instance=organisation,
            expected_version=expected_version,
            data=data,
            actor=actor,
            editable=ORGANISATION_FIELDS,
            check=_parent_fits,
        )
    except IntegrityError as error:
        raise _integrity_as_field_error(error) from None


# --- memberships ---------------------------------------------------------------------


@transaction.atomic
def membership_set(
    *, actor: User | None, user: User, organisation: Organisation, role: str
) -> Membership:
    """Give ``user`` the ``role`` in ``organisation`` (adding or changing the membership)."""
    groups = _role_groups({organisation.id})
    membership = (
        Membership.objects.select_for_update().filter(user=user, organisation=organisation).first()
    )
    if membership is not None and membership.role == role:
        return membership
    if membership is None:
        membership = Membership(user=user, organisation=organisation, role=role)
    else:
        user.groups.remove(groups[(organisation.id, membership.role)])
        membership.role = role
    attribute(membership, actor)
    membership.save()
    user.groups.add(groups[(organisation.id, role)])
    # Without an actor, the demo loader (the one caller that has none) set it up.
    by = actor or "the demo loader"
    log.info("membership set: %s is %s of %s (by %s)", user, role, organisation, by)
    return membership


@transaction.atomic
def membership_add(
    *, actor: User | None, user: User, organisation: Organisation, role: str
) -> Membership:
    """Make ``user`` a member of ``organisation`` with ``role``; an existing membership is
    refused (its role is changed on its own page, with its version), even when two
    administrators add it at the same moment."""
    taken = _("%(user)s is already a member of %(organisation)s. Change the role instead.") % {
        "user": user,
        "organisation": organisation,
    }
    if Membership.objects.filter(user=user, organisation=organisation).exists():
        raise ValidationError({"organisation": taken})
    membership = Membership(user=user, organisation=organisation, role=role)
    attribute(membership, actor)
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError:
        raise ValidationError({"organisation": taken}) from None
    user.groups.add(_role_groups({organisation.id})[(organisation.id, role)])
    log.info("membership added: %s is %s of %s (by %s)", user, role, organisation, actor)
    return membership


@transaction.atomic
def membership_role_update(
    *, actor: User, membership: Membership, expected_version: int, role: str
) -> Update[Membership]:
    """Change the role of an existing membership, refusing a stale edit."""
    _lock_members_of(membership.organisation_id)
    update = versioned_update(
        instance=membership,
        expected_version=expected_version,
        data={"role": role},
        actor=actor,
        editable=("role",),
        check=lambda fresh, changed: _not_the_last_coordinator_leaving(actor, fresh),
    )
    if update.changed:
        groups = _role_groups({membership.organisation_id})
        user = update.instance.user
        user.groups.remove(
            *(groups[(membership.organisation_id, other)] for other in Role.values if other != role)
        )
        user.groups.add(groups[(membership.organisation_id, role)])
        log.info("membership changed: %s is %s of %s (by %s)", user, role, membership, actor)
    return update


def _lock_members_of(organisation_id: int) -> None:
    """Changes to one organisation's members run one after the other (the organisation
    row is their lock), so two coordinators stepping down at once cannot both go."""
    Organisation.objects.select_for_update().filter(pk=organisation_id).first()


def _not_the_last_coordinator_leaving(
    actor: User | None, membership: Membership, *, removing: bool = False
) -> None:
    """A coordinator who steps down (a new role, or leaving) names a successor first:
    otherwise no one but an administrator could manage the organisation's members."""
    if actor is None or actor.pk != membership.user_id:
        return
    if not removing and membership.role == Role.COORDINATOR:
        return  # still a coordinator
    others = Membership.objects.filter(
        organisation_id=membership.organisation_id, role=Role.COORDINATOR, user__is_active=True
    ).exclude(pk=membership.pk)
    was_coordinator = (
        Membership.objects.filter(pk=membership.pk, role=Role.COORDINATOR).exists()
        if not removing
        else membership.role == Role.COORDINATOR
    )
    if was_coordinator and not others.exists():
        raise ValidationError(
            _(
                "You are the last coordinator of %(organisation)s: make another member "
                "coordinator first."
            )
            % {"organisation": membership.organisation.short_name}
        )


@transaction.atomic
def membership_remove(*, actor: User, membership: Membership) -> None:
    """Take a member out of an organisation, and out of the group of their role."""
    _lock_members_of(membership.organisation_id)
    membership = record_remove(
        actor=actor,
        record=membership,
        plan_id=None,  # an organisation's record, not a plan's: its members are locked above
        check=lambda fresh: _not_the_last_coordinator_leaving(actor, fresh, removing=True),
    )
    group = _role_groups({membership.organisation_id})[
        (membership.organisation_id, membership.role)
    ]
    membership.user.groups.remove(group)
    log.info(
        "membership removed: %s from %s (by %s)", membership.user, membership.organisation, actor
    )


# --- participation -------------------------------------------------------------------


@transaction.atomic
def participation_add(
    *, actor: User, plan: ActionPlan, organisation: Organisation, signatory_required: bool
) -> Participation:
    """Bring an organisation into a plan; its members then see the plan by role."""
    plan_lock(plan.pk)
    participation = Participation(
        plan=plan, organisation=organisation, signatory_required=signatory_required
    )
    attribute(participation, actor)
    try:
        with transaction.atomic():
            participation.save()
    except IntegrityError:
        raise ValidationError(
            {
                "organisation": _("%(name)s already takes part in this plan.")
                % {"name": organisation}
            }
        ) from None
    plan_permissions_sync(plan)
    return participation


@transaction.atomic
def participation_update(
    *, actor: User, participation: Participation, expected_version: int, signatory_required: bool
) -> Update[Participation]:
    """Say whether the organisation's signature is required, refusing a stale edit."""
    plan_lock(participation.plan_id)
    return versioned_update(
        instance=participation,
        expected_version=expected_version,
        data={"signatory_required": signatory_required},
        actor=actor,
        editable=("signatory_required",),
    )


@transaction.atomic
def participation_remove(*, actor: User, participation: Participation) -> None:
    """Take an organisation out of a plan; its members lose access at once.

    Under the plan's lock, so that a lead arrangement saved at the same moment either
    sees the organisation gone or makes this removal refused.
    """
    participation = record_remove(
        actor=actor,
        record=participation,
        plan_id=participation.plan_id,
        check=_may_leave,
    )
    plan_permissions_sync(participation.plan)


def _may_leave(participation: Participation) -> None:
    """Refuse the removal of an organisation that leads or advises the plan, or that the
    apps' records still need."""
    if LeadBody.objects.filter(
        arrangement__plan_id=participation.plan_id, organisation_id=participation.organisation_id
    ).exists():
        raise ValidationError(
            _("%(name)s leads or advises this plan. Change the lead arrangement first.")
            % {"name": participation.organisation}
        )
    plan = participation.plan
    for check in participant_leaving_checks():  # the apps' records that still need it
        check(plan, participation.organisation_id)


# --- lead arrangement ----------------------------------------------------------------


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
    responsibilities = dict(data.responsibilities)
    if len(data.leads) == 1:
        for activity in Activity.values:
            responsibilities.setdefault(activity, data.leads[0])

    arrangement = LeadArrangement.objects.filter(plan=plan).first()
    if arrangement is None:
        if expected_version:
            # Opened when an arrangement existed; it has been removed and set again since.
            raise EditConflict(LeadArrangement(plan=plan, version=0))
        arrangement = LeadArrangement(plan=plan, version=0)
    else:
        arrangement = lock_for_update(arrangement, expected_version)
    has_decision_power = data.has_decision_power and data.model == LeadModel.COORDINATING_BODY
    changed = arrangement.pk is None or (
        arrangement.model,
        arrangement.has_decision_power,
        arrangement.notes,
    ) != (data.model, has_decision_power, data.notes)
    arrangement.model = data.model
    arrangement.has_decision_power = has_decision_power
    arrangement.notes = data.notes
    created = arrangement.pk is None
    if created:
        arrangement.version = 1
        attribute(arrangement, actor)
        arrangement.save()

    wanted = {organisation.id: LeadBodyKind.LEAD for organisation in data.leads}
    wanted.update({organisation.id: LeadBodyKind.ADVISER for organisation in data.advisers})
    bodies = {body.organisation_id: body for body in arrangement.bodies.all()}
    current = {item.activity: item for item in arrangement.responsibilities.all()}
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
    for organisation_id, body in list(bodies.items()):
        if organisation_id not in wanted:
            # Its responsibilities have moved to other bodies above.
            attribute(body, actor)
            body.delete()
            changed = True

    if changed and not created:
        arrangement.version += 1
        attribute(arrangement, actor)
        arrangement.save(update_fields=["model", "has_decision_power", "notes", "version"])

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
    plan_permissions_sync(plan)
    return arrangement


# --- accounts ------------------------------------------------------------------------


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def user_invite(
    *,
    actor: User,
    email: str,
    first_name: str,
    last_name: str,
    organisation: Organisation,
    role: str,
    accept_url_template: str,
) -> tuple[User, Invitation]:
    """Create an account with no password and email a single-use link to choose one.

    ``accept_url_template`` is an absolute URL containing ``{token}``.
    """
    email = email.strip().lower()
    # The address becomes the username too: it must be free as either.
    if User.objects.filter(Q(email__iexact=email) | Q(username__iexact=email)).exists():
        raise ValidationError({"email": _("An account already uses this email address.")})
    user = User(
        username=email, email=email, first_name=first_name.strip(), last_name=last_name.strip()
    )
    user.set_unusable_password()
    attribute(user, actor)
    user.save()
    membership_add(actor=actor, user=user, organisation=organisation, role=role)
    invitation = _invitation_send(actor=actor, user=user, accept_url_template=accept_url_template)
    log.info("user invited: %s to %s as %s (by %s)", email, organisation, role, actor)
    return user, invitation


@transaction.atomic
def member_invite(
    *,
    actor: User,
    organisation: Organisation,
    email: str,
    first_name: str,
    last_name: str,
    role: str,
    accept_url_template: str,
    account_url_template: str,
) -> None:
    """An organisation's coordinator invites a member.

    A new address gets an invitation. An address that already has an account is not
    the coordinator's to look up or to move: the platform administrators are asked to add
    that account, and the coordinator is told the same in both cases, so that the page
    does not reveal who has an account.
    """
    existing = User.objects.filter(
        Q(email__iexact=email.strip()) | Q(username__iexact=email.strip())
    ).first()
    if existing is None:
        user_invite(
            actor=actor,
            email=email,
            first_name=first_name,
            last_name=last_name,
            organisation=organisation,
            role=role,
            accept_url_template=accept_url_template,
        )
        return
    if existing.memberships.filter(organisation=organisation).exists():
        raise ValidationError(
            {
                "email": _("%(email)s is already a member of %(organisation)s.")
                % {"email": email, "organisation": organisation.short_name}
            }
        )
    administrators = list(
        User.objects.filter(is_superuser=True, is_active=True)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    context = {
        "actor": actor,
        "organisation": organisation,
        "email": existing.email,
        "role": Role(role).label,
        "url": account_url_template.format(pk=existing.pk),
    }
    subject = _("%(actor)s asks to add an existing account to %(organisation)s") % {
        "actor": actor,
        "organisation": organisation.short_name,
    }
    body = render_to_string("governance/email/membership_request.txt", context)
    if administrators:
        email_later(Email(subject, body, administrators))
    log.info(
        "membership requested: existing account %s to %s as %s (by %s)",
        existing.email,
        organisation,
        role,
        actor,
    )


def _moment_with_zone(moment) -> str:
    """A time in the reader's notation with its time zone ("13 Dec 2026, 10:25 UTC"): an
    email is read away from the app's clock."""
    local = timezone.localtime(moment)
    return f"{formats.date_format(local, 'DATETIME_FORMAT')} {local.tzname()}"


def _invitation_send(*, actor: User, user: User, accept_url_template: str) -> Invitation:
    """A new single-use link for ``user``, emailed after commit; earlier links stop working."""
    now = timezone.now()
    Invitation.objects.filter(user=user, used_at__isnull=True, expires_at__gt=now).update(
        expires_at=now
    )
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        user=user,
        token_hash=_token_hash(token),
        invited_by=actor,
        expires_at=now + INVITATION_VALIDITY,
    )
    membership = user.memberships.select_related("organisation").order_by("created_at").first()
    context = {
        "user": user,
        "actor": actor,
        "organisation": membership.organisation if membership else None,
        "role": membership.get_role_display() if membership else "",
        "url": accept_url_template.format(token=token),
        "expires_on": _moment_with_zone(invitation.expires_at),
    }
    subject = _("You are invited to MSD Planner")
    body = render_to_string("governance/email/invitation.txt", context)
    email_later(Email(subject, body, [user.email]))
    return invitation


@transaction.atomic
def invitation_resend(*, actor: User, user: User, accept_url_template: str) -> Invitation:
    """Send a fresh link to an invited user who has not chosen a password yet."""
    if user.has_usable_password():
        raise ValidationError(_("%(user)s has already chosen a password.") % {"user": user})
    if not user.is_active:
        raise ValidationError(_("Reactivate the account before inviting again."))
    invitation = _invitation_send(actor=actor, user=user, accept_url_template=accept_url_template)
    log.info("invitation sent again: %s (by %s)", user.email, actor)
    return invitation


def invitation_for_token(token: str) -> Invitation | None:
    """The usable invitation this token opens, or None if unknown, used or expired."""
    invitation = (
        Invitation.objects.select_related("user").filter(token_hash=_token_hash(token)).first()
    )
    if invitation is None or not invitation.is_usable or not invitation.user.is_active:
        return None
    return invitation


@transaction.atomic
def invitation_accept(*, token: str, password: str) -> User:
    """Set the invited user's password; the link cannot be used again."""
    invitation = (
        Invitation.objects.select_for_update()
        .select_related("user")
        .filter(token_hash=_token_hash(token))
        .first()
    )
    if invitation is None or not invitation.is_usable or not invitation.user.is_active:
        raise ValidationError(_("This invitation link has expired or has already been used."))
    user = invitation.user
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at"])
    return user


def last_login_record(sender, user: User, **kwargs) -> None:
    """When ``user`` signed in last (a sign-in is not a change to the account, so it
    writes no history row)."""
    user.last_login = timezone.now()
    User.objects.filter(pk=user.pk).update(last_login=user.last_login)


def _end_sessions(user: User) -> int:
    ended = 0
    for session in Session.objects.filter(expire_date__gt=timezone.now()).iterator():
        if session.get_decoded().get(SESSION_KEY) == str(user.pk):
            session.delete()
            ended += 1
    return ended


@transaction.atomic
def user_deactivate(*, actor: User, user: User) -> None:
    """Stop a user from signing in and end their sessions; their history stays."""
    if user == actor:
        raise ValidationError(_("You cannot deactivate your own account."))
    if user.is_active:
        user.is_active = False
        attribute(user, actor)
        user.save(update_fields=["is_active"])
    ended = _end_sessions(user)
    log.info("user deactivated: %s, %d sessions ended (by %s)", user, ended, actor)


def user_reactivate(*, actor: User, user: User) -> None:
    if not user.is_active:
        user.is_active = True
        attribute(user, actor)
        user.save(update_fields=["is_active"])
        log.info("user reactivated: %s (by %s)", user, actor)


# --- two-factor sign-in ------------------------------------------------------------------


def two_factor_key_new() -> str:
    """A new authenticator secret (hex), shown to the user before any device is saved."""
    return TOTPDevice._meta.get_field("key").default()


@transaction.atomic
def two_factor_enrol(*, user: User, key: str, code: str) -> tuple[TOTPDevice, list[str]] | None:
    """Add the authenticator app holding ``key`` when ``code`` is its current code, with
    a new set of recovery codes (returned, to show once). None when the code is wrong."""
    code = normalised_code(code)
    totp = TOTP(unhexlify(key))
    if not (code.isdigit() and totp.verify(int(code), tolerance=1)):
        return None
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(
        # The code just used cannot be used again to sign in.
        user=user,
        name=_("Authenticator app"),
        key=key,
        confirmed=True,
        last_t=totp.t(),
    )
    codes = recovery_codes_renew(user=user)
    security_log.info("second factor enrolled: user=%s", user.username)
    return device, codes


@transaction.atomic
def recovery_codes_renew(*, user: User) -> list[str]:
    """A new set of single-use recovery codes for ``user``; earlier ones stop working."""
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name="recovery", defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _index in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def two_factor_verify(*, user: User, code: str) -> Device | None:
    """The device that accepts ``code`` for ``user`` (a recovery code is used up), or
    None. django-otp throttles each device after a wrong code."""
    code = normalised_code(code)
    for device in list(devices_for_code(user, code)):
        verified = verify_token(user, device.persistent_id, code)
        if verified is not None:
            return verified
    return None


@transaction.atomic
def two_factor_reset(*, actor: User, user: User) -> int:
    """Remove ``user``'s second factor (authenticator and recovery codes) and end their
    sessions: they enrol again at their next sign-in. Recorded in the account's history
    and the security log; the user is told by email. Returns the devices removed."""
    if user == actor:
        raise ValidationError(
            _("You cannot reset your own second factor; ask another administrator.")
        )
    removed = 0
    for model in (TOTPDevice, StaticDevice):
        removed += model.objects.filter(user=user).delete()[1].get(model._meta.label, 0)
    user.two_factor_reset_at = timezone.now()
    attribute(user, actor)
    user.save(update_fields=["two_factor_reset_at"])
    ended = _end_sessions(user)
    security_log.warning(
        "second factor reset: user=%s by=%s devices_removed=%d sessions_ended=%d",
        user.username,
        actor.username,
        removed,
        ended,
    )
    subject = _("Your MSD Planner sign-in was reset")
    body = render_to_string(
        "governance/email/two_factor_reset.txt",
        {"user": user, "actor": actor, "when": _moment_with_zone(user.two_factor_reset_at)},
    )
    email_later(Email(subject, body, [user.email]))
    return removed


# --- asking an organisation for a signatory --------------------------------------------


# One request per participation a day: a reminder, not a stream of emails.
SIGNATORY_REQUEST_INTERVAL = timedelta(days=1)


@dataclass
class SignatoryRequest:
    recipients: list[User]
    to_administrators: bool  # the organisation has no coordinator to ask


def signatory_request(
    *, actor: User, participation: Participation, members_url: str
) -> SignatoryRequest:
    """Ask an organisation taking part in a plan to name a signatory: an email to its
    coordinators, who set roles (to the platform administrators when it has none).

    Refused when the organisation already has an active signatory or has no one to ask.
    """
    organisation = participation.organisation
    if not participation.signatory_required:
        raise ValidationError(
            _("This plan does not need the signature of %(name)s.")
            % {"name": organisation.short_name}
        )
    members = Membership.objects.filter(organisation=organisation, user__is_active=True)
    if members.filter(role=Role.SIGNATORY).exists():
        raise ValidationError(
            _("%(name)s already has a signatory.") % {"name": organisation.short_name}
        )
    recipients = [
        membership.user
        for membership in members.filter(role=Role.COORDINATOR).select_related("user")
        if membership.user.email
    ]
    to_administrators = not recipients
    if to_administrators:
        recipients = list(User.objects.filter(is_superuser=True, is_active=True).exclude(email=""))
    if not recipients:
        raise ValidationError(
            _("%(name)s has no coordinator, and no administrator has an email address.")
            % {"name": organisation.short_name}
        )
    if not ratelimit_hit(
        scope="signatory-request",
        key=str(participation.pk),
        limit=1,
        window=SIGNATORY_REQUEST_INTERVAL,
    ):
        raise ValidationError(
            _("%(name)s was asked less than a day ago; give its coordinators time to answer.")
            % {"name": organisation.short_name}
        )
    context = {
        "actor": actor,
        "organisation": organisation,
        "plan": participation.plan,
        "url": members_url,
        "to_administrators": to_administrators,
    }
    subject = _("%(plan)s needs a signatory for %(organisation)s") % {
        "plan": participation.plan,
        "organisation": organisation.short_name,
    }
    body = render_to_string("governance/email/signatory_request.txt", context)
    addresses = [user.email for user in recipients]
    email_later(Email(subject, body, addresses))
    log.info(
        "signatory requested: %s for %s from %s (by %s)",
        organisation,
        participation.plan,
        ", ".join(addresses),
        actor,
    )
    return SignatoryRequest(recipients=recipients, to_administrators=to_administrators)


def access_records_purge(*, attempts_before: timedelta, logs_before: timedelta) -> dict[str, int]:
    """Delete django-axes' failed attempts older than ``attempts_before`` (the cool-off:
    the lockout rules no longer count them) and its logs of sign-ins and failures older
    than ``logs_before``; returns how many rows of each went."""
    now = timezone.now()
    deleted = {}
    for name, model, before in (
        ("attempts", AccessAttempt, attempts_before),
        ("logins", AccessLog, logs_before),
        ("failures", AccessFailureLog, logs_before),
    ):
        deleted[name] = model.objects.filter(attempt_time__lt=now - before).delete()[0]
    return deleted
