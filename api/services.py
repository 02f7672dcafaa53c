"""Writes of API tokens: made (the secret returned once, only its hash kept), revoked."""

import hashlib
import secrets

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from api.models import KEY_PREFIX_LENGTH, SECRET_PREFIX, ApiToken
from governance.models import User

# Tokens a user may hold at once (revoked ones do not count).
ACTIVE_TOKEN_LIMIT = 20


def secret_hash(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def token_create(*, actor: User, name: str) -> tuple[ApiToken, str]:
    """A new token of ``actor``'s, and its secret: shown once, never stored."""
    name = name.strip()
    if not name:
        raise ValidationError({"name": _("Name the token: what will use it?")})
    # The user's row first: two requests at once count each other's tokens.
    User.objects.select_for_update().filter(pk=actor.pk).first()
    if ApiToken.objects.filter(user=actor, revoked_at__isnull=True).count() >= ACTIVE_TOKEN_LIMIT:
        raise ValidationError(
            _("You hold %(limit)s tokens: revoke one you no longer use first.")
            % {"limit": ACTIVE_TOKEN_LIMIT}
        )
    key_prefix = secrets.token_hex(KEY_PREFIX_LENGTH // 2)
    secret = f"{SECRET_PREFIX}{key_prefix}_{secrets.token_urlsafe(32)}"
    token = ApiToken.objects.create(
        user=actor, name=name, key_prefix=key_prefix, key_hash=secret_hash(secret)
    )
    return token, secret


@transaction.atomic
def token_revoke(*, actor: User, token: ApiToken) -> ApiToken:
    """Revoke one of ``actor``'s tokens: from now on it is refused (401)."""
    fresh = ApiToken.objects.select_for_update().get(pk=token.pk, user=actor)
    if fresh.revoked_at is None:
        fresh.revoked_at = timezone.now()
        fresh.save(update_fields=["revoked_at"])
    return fresh


def token_used(token: ApiToken) -> None:
    """Note when a token was last used, at most once a minute (not a write per request)."""
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() >= 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now
