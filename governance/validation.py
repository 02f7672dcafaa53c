"""Who validates and adopts a plan, following its lead model, and the signing of a
version in validation (the kernel's workflow moves the plan; governance knows who signs).

* Every participating organisation whose signature is required signs through one of its
  signatories: approve, or request changes with a comment.
* Under a joint lead both lead bodies must approve; under a coordinating body with
  decision power, its approval is required.
* Adoption is by a coordinator of the lead body responsible for validation; under
  external facilitation the facilitating (international) organisation cannot adopt: a
  coordinator of the government's lead body does.
"""

from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from action_plans.hooks import ReadinessItem, RequiredSignature, Signature, ValidationPolicy
from action_plans.models import (
    OPEN_VERSION_STATUSES,
    ActionPlan,
    DocumentEdition,
    DocumentStatus,
    NotificationEvent,
    PlanDocument,
    PlanStatus,
    PlanVersion,
    VersionStatus,
)
from action_plans.notifications import Text
from action_plans.policy import ACTING_ROLES, Activity
from action_plans.services import plan_row_lock
from action_plans.snapshot import section_title, section_url
from action_plans.workflow import open_version, plan_changes_request, plan_validate, tell
from governance.models import (
    LeadArrangement,
    LeadBodyKind,
    LeadModel,
    Membership,
    Organisation,
    OrganisationType,
    Participation,
    Role,
    SignatureReminder,
    SignOff,
    SignOffDecision,
    User,
)


def required_signatures(plan: ActionPlan) -> list[RequiredSignature]:
    """The organisations whose approval the plan's validation needs (two queries)."""
    required: dict[int, RequiredSignature] = {}
    for participation in Participation.objects.filter(
        plan=plan, signatory_required=True
    ).select_related("organisation"):
        organisation = participation.organisation
        required[organisation.pk] = RequiredSignature(
            organisation.pk, organisation.short_name, _("its signature is required")
        )
    arrangement = (
        LeadArrangement.objects.filter(plan=plan).prefetch_related("bodies__organisation").first()
    )
    if arrangement is not None:
        reason = None
        if arrangement.model == LeadModel.JOINT:
            reason = _("a joint lead: both lead bodies approve")
        elif arrangement.model == LeadModel.COORDINATING_BODY and arrangement.has_decision_power:
            reason = _("the coordinating body holds decision power")
        if reason:
            for body in arrangement.bodies.all():
                if body.kind == LeadBodyKind.LEAD:
                    organisation = body.organisation
                    required[organisation.pk] = RequiredSignature(
                        organisation.pk, organisation.short_name, reason
                    )
    return sorted(required.values(), key=lambda item: item.name)


def approvals(version: PlanVersion | None) -> set[int]:
    if version is None:
        return set()
    return set(
        SignOff.objects.filter(version=version, decision=SignOffDecision.APPROVE).values_list(
            "organisation_id", flat=True
        )
    )


def adopting_organisations(plan: ActionPlan) -> list[Organisation]:
    """Whose coordinators may adopt the plan: the lead body responsible for validation;
    under external facilitation, the government's lead bodies (not the facilitator)."""
    arrangement = (
        LeadArrangement.objects.filter(plan=plan)
        .prefetch_related("bodies__organisation", "responsibilities__lead_body__organisation")
        .first()
    )
    if arrangement is None:
        return []
    if arrangement.model == LeadModel.EXTERNAL_FACILITATION:
        return [
            body.organisation
            for body in arrangement.bodies.all()
            if body.kind == LeadBodyKind.LEAD
            and body.organisation.type != OrganisationType.INTERNATIONAL
        ]
    return [
        responsibility.lead_body.organisation
        for responsibility in arrangement.responsibilities.all()
        if responsibility.activity == Activity.VALIDATION
    ]


def adoption_refusal(plan: ActionPlan, actor: User) -> str | None:
    adopters = adopting_organisations(plan)
    if not adopters:
        return _("No lead body is responsible for validation: set it in the lead arrangement.")
    if Membership.objects.filter(
        user=actor, role=Role.COORDINATOR, organisation__in=adopters, user__is_active=True
    ).exists():
        return None
    return _("The plan is adopted by a coordinator of %(names)s.") % {
        "names": ", ".join(organisation.short_name for organisation in adopters)
    }


# --- signing ---------------------------------------------------------------------------


def signable_organisations(user: User, plan: ActionPlan) -> list[Organisation]:
    """The required organisations ``user`` signs for (as one of its signatories)."""
    required = {item.organisation_id for item in required_signatures(plan)}
    return list(
        Organisation.objects.filter(
            pk__in=required,
            memberships__user=user,
            memberships__role=Role.SIGNATORY,
            memberships__user__is_active=True,
        ).order_by("name")
    )


def _seen_document_refusal(version: PlanVersion, checksum: str) -> str | None:
    """Why a decision given on the PDF of checksum ``checksum`` does not stand: the
    version's PDF for validation is not that file (None when it is, or when no checksum
    was given: the version was read on its page, the PDF not being ready)."""
    if not checksum:
        return None
    document = PlanDocument.objects.filter(
        version=version, edition=DocumentEdition.FOR_VALIDATION
    ).first()
    if (
        document is None
        or document.status != DocumentStatus.READY
        or (document.checksum != checksum)
    ):
        return _("The document changed since you opened this page; read it again, then sign.")
    return None


@transaction.atomic
def plan_sign(
    *,
    actor: User,
    plan: ActionPlan,
    organisation: Organisation,
    decision: str,
    comment: str,
    section: str = "",
    document_checksum: str = "",
    seen_version: int | None = None,
) -> SignOff:
    """Sign the version in validation for ``organisation``: approve it (the last
    required approval validates it), or request changes (back to a draft), with the
    comment pointing at one of its ``section``s if the signatory chose one.

    ``seen_version`` (the version's id) and ``document_checksum`` (of its PDF for
    validation; empty when none was ready) say what the signatory was shown: a decision
    on another version or another file is refused, and the checksum is recorded."""
    plan = plan_row_lock(plan.pk)
    version = open_version(plan)
    if plan.status != PlanStatus.IN_VALIDATION or version is None:
        raise ValidationError(_("The plan is not in validation: there is nothing to sign now."))
    if seen_version is not None and seen_version != version.pk:
        raise ValidationError(
            _(
                "Version %(number)s is in validation now, not the version you read: read "
                "it, then sign."
            )
            % {"number": version.number}
        )
    if not Membership.objects.filter(
        user=actor, organisation=organisation, role=Role.SIGNATORY, user__is_active=True
    ).exists():
        raise ValidationError(
            {"organisation": _("You may sign only for an organisation you are a signatory of.")}
        )
    if organisation.pk not in {item.organisation_id for item in required_signatures(plan)}:
        raise ValidationError(
            {
                "organisation": _("The signature of %(name)s is not required for this plan.")
                % {"name": organisation.short_name}
            }
        )
    earlier = (
        SignOff.objects.filter(version=version, organisation=organisation)
        .select_related("signatory")
        .first()
    )
    if earlier is not None:
        raise ValidationError(
            _("%(name)s already signed version %(number)s: %(decision)s by %(who)s on %(when)s.")
            % {
                "name": organisation.short_name,
                "number": version.number,
                "decision": earlier.get_decision_display().lower(),
                "who": earlier.signatory,
                "when": formats.date_format(
                    timezone.localtime(earlier.signed_at), "DATETIME_FORMAT"
                ),
            }
        )
    if decision not in SignOffDecision.values:
        raise ValidationError({"decision": _("Approve the plan or request changes.")})
    if decision == SignOffDecision.REQUEST_CHANGES and not comment.strip():
        raise ValidationError({"comment": _("Say which changes are needed.")})
    if section and section not in version.snapshot.content["sections"]:
        raise ValidationError({"section": _("Choose one of the version's sections.")})
    refusal = _seen_document_refusal(version, document_checksum)
    if refusal:
        raise ValidationError(refusal)
    sign_off = SignOff.objects.create(
        version=version,
        organisation=organisation,
        signatory=actor,
        decision=decision,
        comment=comment.strip(),
        section=section,
        document_checksum=document_checksum,
    )
    if decision == SignOffDecision.REQUEST_CHANGES:
        plan_changes_request(
            actor=actor,
            plan=plan,
            organisation_name=organisation.short_name,
            comment=comment,
            section=section,
        )
    else:
        required = {item.organisation_id for item in required_signatures(plan)}
        approved = approvals(version)
        tell(
            plan,
            NotificationEvent.SIGNED_OFF,
            coordinators(plan),
            lambda: (
                _(
                    "%(organisation)s approved version %(number)s of “%(plan)s” (%(count)s of "
                    "%(total)s required organisations)."
                )
                % {
                    "organisation": organisation.short_name,
                    "number": version.number,
                    "plan": plan.title,
                    "count": len(required & approved),
                    "total": len(required),
                }
            ),
        )
        if required <= approved:
            plan_validate(actor=actor, plan=plan, organisation_name=organisation.short_name)
    return sign_off


def signature_reminders_send(*, every: timedelta) -> int:
    """Remind the signatories of each organisation whose signature a version in
    validation has awaited for ``every`` (since its submission): once, then again each
    ``every`` while it is still awaited; the organisations that signed are left out.
    Returns how many organisations' signatories were reminded."""
    due_before = timezone.now() - every
    reminded = 0
    for plan_id in (
        PlanVersion.objects.filter(status=VersionStatus.IN_VALIDATION, submitted_at__lte=due_before)
        .values_list("plan_id", flat=True)
        .order_by("plan_id")
    ):
        reminded += _signature_reminders_send(plan_id, due_before)
    return reminded


@transaction.atomic
def _signature_reminders_send(plan_id: int, due_before) -> int:
    # Under the plan's lock, as signing is: a signature given meanwhile is seen.
    plan = plan_row_lock(plan_id)
    version = open_version(plan)
    if (
        plan.status != PlanStatus.IN_VALIDATION
        or version is None
        or version.status != VersionStatus.IN_VALIDATION
        or version.submitted_at > due_before
    ):
        return 0
    signed = set(SignOff.objects.filter(version=version).values_list("organisation_id", flat=True))
    last_reminded = dict(
        SignatureReminder.objects.filter(version=version).values_list(
            "organisation_id", "reminded_at"
        )
    )
    awaited = [
        item
        for item in required_signatures(plan)
        if item.organisation_id not in signed
        and last_reminded.get(item.organisation_id, due_before) <= due_before
    ]
    signatories_of: dict[int, list[User]] = {item.organisation_id: [] for item in awaited}
    for membership in Membership.objects.filter(
        organisation__in=list(signatories_of), role=Role.SIGNATORY, user__is_active=True
    ).select_related("user"):
        signatories_of[membership.organisation_id].append(membership.user)
    now = timezone.now()
    reminded = 0
    for item in awaited:
        users = signatories_of[item.organisation_id]
        if not users:  # reminded once someone signs for it
            continue
        tell(
            plan,
            NotificationEvent.SIGNATURE_AWAITED,
            users,
            _signature_awaited(plan, version, item),
            url=reverse("plan_sign", args=[plan.pk]),
        )
        SignatureReminder.objects.update_or_create(
            version=version, organisation_id=item.organisation_id, defaults={"reminded_at": now}
        )
        reminded += 1
    return reminded


def _signature_awaited(plan: ActionPlan, version: PlanVersion, item: RequiredSignature) -> Text:
    """The reminder to the signatories of ``item``'s organisation, in their language."""
    return lambda: (
        _(
            "Version %(number)s of “%(plan)s” has awaited the signature of %(organisation)s "
            "since %(date)s: read it, then approve it or request changes."
        )
        % {
            "number": version.number,
            "plan": plan.title,
            "organisation": item.name,
            "date": formats.date_format(timezone.localtime(version.submitted_at)),
        }
    )


def _signature(required: RequiredSignature, sign_off: SignOff | None, version=None) -> Signature:
    if sign_off is None:
        return Signature(required)
    return Signature(
        required,
        sign_off.decision,
        sign_off.get_decision_display(),
        str(sign_off.signatory),
        sign_off.comment,
        sign_off.signed_at,
        section=sign_off.section,
        section_title=section_title(sign_off.section) if sign_off.section else "",
        section_url=section_url(version, sign_off.section) if sign_off.section else "",
        document_checksum=sign_off.document_checksum,
    )


def signatures(plan: ActionPlan, version: PlanVersion | None) -> list[Signature]:
    """Each required organisation with its sign-off of ``version`` (two queries more). For
    a version no longer in validation, the sign-offs it received, as recorded: the plan's
    participants may have changed since."""
    if version is not None and version.status not in OPEN_VERSION_STATUSES:
        return [
            _signature(
                RequiredSignature(sign_off.organisation_id, sign_off.organisation.short_name, ""),
                sign_off,
                version,
            )
            for sign_off in SignOff.objects.filter(version=version)
            .select_related("organisation", "signatory")
            .order_by("organisation__name")
        ]
    sign_offs = (
        {
            sign_off.organisation_id: sign_off
            for sign_off in SignOff.objects.filter(version=version).select_related("signatory")
        }
        if version
        else {}
    )
    return [
        _signature(required, sign_offs.get(required.organisation_id), version)
        for required in required_signatures(plan)
    ]


def signatories(plan: ActionPlan) -> list[User]:
    """The active signatories of the organisations whose signature is required."""
    required = [item.organisation_id for item in required_signatures(plan)]
    return list(
        User.objects.filter(
            is_active=True,
            memberships__role=Role.SIGNATORY,
            memberships__organisation__in=required,
        ).distinct()
    )


def coordinators(plan: ActionPlan) -> list[User]:
    """The active coordinators of the plan's lead bodies."""
    return list(
        User.objects.filter(
            is_active=True,
            memberships__role=Role.COORDINATOR,
            memberships__organisation__lead_roles__arrangement__plan=plan,
            memberships__organisation__lead_roles__kind=LeadBodyKind.LEAD,
        ).distinct()
    )


def acting_for(user: User, plan: ActionPlan) -> str:
    """The organisations taking part in ``plan`` that ``user`` coordinates or edits for."""
    return ", ".join(
        Organisation.objects.filter(
            memberships__user=user,
            memberships__role__in=ACTING_ROLES,
            participations__plan=plan,
        )
        .order_by("name")
        .values_list("acronym", flat=True)
    )


POLICY = ValidationPolicy(
    required=required_signatures,
    approvals=approvals,
    signatures=signatures,
    signable=lambda user, plan: [item.pk for item in signable_organisations(user, plan)],
    adoption_refusal=adoption_refusal,
    signatories=signatories,
    coordinators=coordinators,
    acting_for=acting_for,
)


# --- readiness -------------------------------------------------------------------------


def governance_readiness(plan: ActionPlan) -> list[ReadinessItem]:
    """The lead arrangement and the signatories, as the plan's validation needs them."""
    governance_url = reverse("plan_governance", args=[plan.pk])
    arrangement = (
        LeadArrangement.objects.filter(plan=plan).prefetch_related("responsibilities").first()
    )
    needed = (Activity.PRIORITISATION, Activity.INTERVENTION_DESIGN, Activity.MONITORING)
    assigned = (
        {responsibility.activity for responsibility in arrangement.responsibilities.all()}
        if arrangement
        else set()
    )
    unassigned = [str(Activity(activity).label) for activity in needed if activity not in assigned]
    participants = list(Participation.objects.filter(plan=plan).select_related("organisation"))
    with_signatory = set(
        Membership.objects.filter(
            organisation__in=[participation.organisation_id for participation in participants],
            role=Role.SIGNATORY,
            user__is_active=True,
        ).values_list("organisation_id", flat=True)
    )
    required = required_signatures(plan)
    unsigned_required = [
        item.name for item in required if item.organisation_id not in with_signatory
    ]
    required_ids = {item.organisation_id for item in required}
    unsigned_others = [
        participation.organisation.short_name
        for participation in participants
        if participation.organisation_id not in with_signatory
        and participation.organisation_id not in required_ids
    ]
    lead_url = reverse("lead_arrangement_edit", args=[plan.pk])
    return [
        ReadinessItem(
            "lead_arrangement",
            _(
                "A lead arrangement with the lead of prioritisation, intervention design and "
                "monitoring assigned"
            ),
            True,
            (
                (_("No lead arrangement yet."),)
                if arrangement is None
                else (
                    (
                        _("No lead body for: %(activities)s.")
                        % {"activities": ", ".join(unassigned)},
                    )
                    if unassigned
                    else ()
                )
            ),
            lead_url,
            order=10,
        ),
        ReadinessItem(
            "required_signatories",
            _("Every organisation whose signature is required has an active signatory"),
            True,
            (
                (_("No signatory yet: %(names)s.") % {"names": ", ".join(unsigned_required)},)
                if unsigned_required
                else ()
            )
            + (
                ()
                if required
                else (
                    _(
                        "No organisation's signature is required: the plan could never be "
                        "validated. Require at least one participant's signature."
                    ),
                )
            ),
            governance_url,
            order=11,
        ),
        ReadinessItem(
            "local_actors",
            _("Local actors take part in the plan"),
            False,
            ()
            if any(participation.organisation.is_local_actor for participation in participants)
            else (_("No local actor among the participants."),),
            governance_url,
            order=12,
        ),
        ReadinessItem(
            "signatories",
            _("Every participating organisation has named a signatory"),
            False,
            (
                (_("No signatory named: %(names)s.") % {"names": ", ".join(unsigned_others)},)
                if unsigned_others
                else ()
            ),
            governance_url,
            order=13,
        ),
    ]
