"""A user's API tokens: a script presents one as ``Authorization: Bearer <secret>`` and
acts as its user, with exactly what the user may do. Only the SHA-256 hash of the secret
is stored; the secret is shown once, when the token is made."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

# The secret: this prefix, then the token's public prefix, then random characters.
SECRET_PREFIX = "msd_"  # noqa: S105 (a public marker that says what the text is)
KEY_PREFIX_LENGTH = 8


class ApiToken(models.Model):
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens"
    )
    name = models.CharField(
        _("name"),
        max_length=100,
        help_text=_("What the token is for, to tell it from your others: the script or system."),
    )
    key_prefix = models.CharField(_("starts with"), max_length=KEY_PREFIX_LENGTH, unique=True)
    key_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(key_hash__regex=r"^[0-9a-f]{64}$"),
                name="api_token_hash_is_sha256",
                violation_error_message=_("A token's hash is 64 hexadecimal digits."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({SECRET_PREFIX}{self.key_prefix}…)"

    @property
    def shown_prefix(self) -> str:
        return f"{SECRET_PREFIX}{self.key_prefix}…"
