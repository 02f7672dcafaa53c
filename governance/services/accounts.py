"""Accounts: invitations, deactivation, the second factor and the sign-in records."""

import hashlib
import logging
import secrets
from binascii import unhexlify
from datetime import timedelta

from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django_otp import verify_token
from django_otp.models import Device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from action_plans.notifications import email_users
from governance.models import Invitation, Organisation, Role, User
from governance.services.memberships import membership_add, organisations_plans_changed
from governance.two_factor import RECOVERY_CODE_COUNT, devices_for_code, normalised_code
from msd_planner.lib.history import attribute

log = logging.getLogger("msd_planner.governance")
security_log = logging.getLogger("msd_planner.security")

INVITATION_VALIDITY = timedelta(days=7)


# --- invitations and accounts ----------------------------------------------------------


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
    _membership_request(
        actor=actor,
        organisation=organisation,
        existing=existing,
        role=role,
        account_url_template=account_url_template,
    )


def _membership_request(
    *,
    actor: User,
    organisation: Organisation,
    existing: User,
    role: str,
    account_url_template: str,
) -> None:
    """Ask the platform administrators (by email, after commit) to add the ``existing``
    account to ``organisation`` with ``role``."""
    context = {
        "actor": actor,
        "organisation": organisation,
        "email": existing.email,
        "role": Role(role).label,
        "url": account_url_template.format(pk=existing.pk),
    }
    email_users(
        users=User.objects.filter(is_superuser=True, is_active=True).exclude(email=""),
        subject=lambda: (
            _("%(actor)s asks to add an existing account to %(organisation)s")
            % {"actor": actor, "organisation": organisation.short_name}
        ),
        body=lambda: render_to_string("governance/email/membership_request.txt", context),
    )
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
        "role": Role(membership.role).label if membership else "",
        "url": accept_url_template.format(token=token),
    }
    email_users(
        users=[user],
        subject=lambda: _("You are invited to MSD Planner"),
        body=lambda: render_to_string(
            "governance/email/invitation.txt",
            {**context, "expires_on": _moment_with_zone(invitation.expires_at)},
        ),
    )
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


@transaction.atomic
def user_language_set(*, user: User, language: str) -> None:
    """Remember ``language`` (one of ``settings.LANGUAGES``) as the one ``user`` reads the
    app's notices and emails in: chosen with the language switcher, like a sign-in it is
    no change to the account and writes no history row."""
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Choose one of the languages offered."))
    if user.language != language:
        user.language = language
        User.objects.filter(pk=user.pk).update(language=language)


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
        _organisations_plans_changed(user)
    ended = _end_sessions(user)
    log.info("user deactivated: %s, %d sessions ended (by %s)", user, ended, actor)


@transaction.atomic
def user_reactivate(*, actor: User, user: User) -> None:
    if not user.is_active:
        user.is_active = True
        attribute(user, actor)
        user.save(update_fields=["is_active"])
        _organisations_plans_changed(user)
        log.info("user reactivated: %s (by %s)", user, actor)


def _organisations_plans_changed(user: User) -> None:
    """An account that signs for its organisations, or no longer can: the plans they take
    part in show it (their readiness)."""
    organisations_plans_changed(set(user.memberships.values_list("organisation_id", flat=True)))


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
    email_users(
        users=[user],
        subject=lambda: _("Your MSD Planner sign-in was reset"),
        body=lambda: render_to_string(
            "governance/email/two_factor_reset.txt",
            {"user": user, "actor": actor, "when": _moment_with_zone(user.two_factor_reset_at)},
        ),
    )
    return removed


# --- sign-in records ----------------------------------------------------------------------


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
