"""Who validates and adopts a plan, following its lead model: the ``ValidationPolicy``
governance registers with the kernel (whose workflow moves the plan; the signing itself
is ``governance.services.signing.plan_sign``).

* Every participating organisation whose signature is required signs through one of its
  signatories: approve, or request changes with a comment.
* Under a joint lead both lead bodies must approve; under a coordinating body with
  decision power, its approval is required.
* Adoption is by a coordinator of the lead body responsible for validation; under
  external facilitation the facilitating (international) organisation cannot adopt: a
  coordinator of the government's lead body does.
"""

from dataclasses import replace

from django.utils.translation import gettext as _

from action_plans.hooks import RequiredSignature, Signature, ValidationPolicy
from action_plans.models import OPEN_VERSION_STATUSES, ActionPlan, PlanVersion
from action_plans.policy import ACTING_ROLES, Activity
from action_plans.snapshot import section_title, section_url
from governance.credit import organisation_credited
from governance.models import (
    CreditPreference,
    LeadArrangement,
    LeadBodyKind,
    LeadModel,
    Membership,
    Organisation,
    OrganisationType,
    Participation,
    Role,
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


def public_signatures(plan: ActionPlan, version: PlanVersion | None) -> list[Signature]:
    """``signatures`` as public material shows them (the official edition of the plan's
    document): each organisation credited as it chose. One credited anonymously is
    described, one not to be credited is not named; for either, who signed is not named
    either, since a person's name would name the organisation (one query more)."""
    rows = signatures(plan, version)
    organisations = Organisation.objects.in_bulk([row.required.organisation_id for row in rows])
    credited = []
    for row in rows:
        organisation = organisations.get(row.required.organisation_id)
        if organisation is None or organisation.credit_preference == CreditPreference.BY_NAME:
            credited.append(row)
            continue
        name = organisation_credited(organisation) or ""
        credited.append(replace(row, required=replace(row.required, name=name), signatory=""))
    return credited


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
    public_signatures=public_signatures,
    signable=lambda user, plan: [item.pk for item in signable_organisations(user, plan)],
    adoption_refusal=adoption_refusal,
    signatories=signatories,
    coordinators=coordinators,
    acting_for=acting_for,
)
