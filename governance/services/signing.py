"""Signing a version in validation, reminding the signatories whose signature it awaits,
and asking an organisation for a signatory."""

import logging
from dataclasses import dataclass
from datetime import timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from action_plans import selectors
from action_plans.hooks import RequiredSignature
from action_plans.models import (
    ActionPlan,
    DocumentEdition,
    DocumentStatus,
    NotificationEvent,
    PlanDocument,
    PlanStatus,
    PlanVersion,
    VersionStatus,
)
from action_plans.notifications import Text, email_users
from action_plans.services import plan_row_lock
from action_plans.workflow import open_version, plan_changes_request, plan_validate, tell
from governance.models import (
    Membership,
    Organisation,
    Participation,
    Role,
    SignatureReminder,
    SignOff,
    SignOffDecision,
    User,
)
from governance.validation import approvals, coordinators, required_signatures
from msd_planner.lib.ratelimit import ratelimit_hit

log = logging.getLogger("msd_planner.governance")


# --- signing a version in validation ----------------------------------------------------


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
    version = _version_to_sign(plan, seen_version)
    _may_sign_for(actor, plan, organisation)
    _not_signed_yet(version, organisation)
    _decision_stands(version, decision, comment, section, document_checksum)
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
        _approval_count(actor, plan, version, organisation)
    return sign_off


def _version_to_sign(plan: ActionPlan, seen_version: int | None) -> PlanVersion:
    """The version in validation, if it is the one the signatory read."""
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
    return version


def _may_sign_for(actor: User, plan: ActionPlan, organisation: Organisation) -> None:
    """``actor`` is a signatory of ``organisation``, whose signature the plan requires."""
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


def _not_signed_yet(version: PlanVersion, organisation: Organisation) -> None:
    """An organisation signs a version once: a second decision says who gave the first."""
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


def _decision_stands(
    version: PlanVersion, decision: str, comment: str, section: str, document_checksum: str
) -> None:
    """A known decision, a comment with a request for changes, a section of the version,
    on the PDF the version has now."""
    if decision not in SignOffDecision.values:
        raise ValidationError({"decision": _("Approve the plan or request changes.")})
    if decision == SignOffDecision.REQUEST_CHANGES and not comment.strip():
        raise ValidationError({"comment": _("Say which changes are needed.")})
    if section and section not in selectors.snapshot_outline(version).sections:
        raise ValidationError({"section": _("Choose one of the version's sections.")})
    refusal = _seen_document_refusal(version, document_checksum)
    if refusal:
        raise ValidationError(refusal)


def _approval_count(
    actor: User, plan: ActionPlan, version: PlanVersion, organisation: Organisation
) -> None:
    """Tell the coordinators how many of the required approvals the version has; the
    last one validates it."""
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


# --- asking an organisation for a signatory --------------------------------------------


# One request per participation a day: a reminder, not a stream of emails.
SIGNATORY_REQUEST_INTERVAL = timedelta(days=1)


@dataclass
class SignatoryRequest:
    recipients: list[User]
    to_administrators: bool  # the organisation has no coordinator to ask


def _signatory_request_recipients(participation: Participation) -> tuple[list[User], bool]:
    """Who is asked for a signatory of the participating organisation: its coordinators,
    else the platform administrators (then True). Refused when the plan needs no
    signature of it, when it has an active signatory, or when no one can be asked."""
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
    return recipients, to_administrators


def signatory_request(
    *, actor: User, participation: Participation, members_url: str
) -> SignatoryRequest:
    """Ask an organisation taking part in a plan to name a signatory: an email to its
    coordinators, who set roles (to the platform administrators when it has none).

    Refused when the organisation already has an active signatory or has no one to ask.
    """
    organisation = participation.organisation
    recipients, to_administrators = _signatory_request_recipients(participation)
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
    email_users(
        users=recipients,
        subject=lambda: (
            _("%(plan)s needs a signatory for %(organisation)s")
            % {"plan": participation.plan, "organisation": organisation.short_name}
        ),
        body=lambda: render_to_string("governance/email/signatory_request.txt", context),
    )
    addresses = [user.email for user in recipients]
    log.info(
        "signatory requested: %s for %s from %s (by %s)",
        organisation,
        participation.plan,
        ", ".join(addresses),
        actor,
    )
    return SignatoryRequest(recipients=recipients, to_administrators=to_administrators)
