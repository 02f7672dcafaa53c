from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.core.validators import RegexValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from simple_history.models import HistoricalRecords

from action_plans.policy import Activity, Role
from msd_planner.lib.versioned_edit import Versioned


class User(AbstractUser):
    """A person who signs in. Organisations and roles hang off memberships.

    ``is_superuser`` marks a platform administrator: they manage organisations and
    accounts and see every plan, but act on a plan only through a membership.
    """

    email = models.EmailField(_("email address"))
    # When an administrator last removed the user's second factor (kept in the history).
    two_factor_reset_at = models.DateTimeField(
        _("second factor reset at"), null=True, blank=True, editable=False
    )
    # The language of the notices and emails sent to the user, whoever acted and in
    # whatever language; blank for the site's default. Set by the language switcher.
    language = models.CharField(
        _("language"), max_length=10, choices=settings.LANGUAGES, blank=True, default=""
    )

    # A language switched, like a sign-in, is not a change to the account to keep.
    history = HistoricalRecords(excluded_fields=["password", "last_login", "language"])

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(
                Lower("email"),
                name="user_email_unique_ci",
                violation_error_message=_("An account already uses this email address."),
            ),
        ]

    def __str__(self) -> str:
        return self.get_full_name() or self.username

    @property
    def is_platform_admin(self) -> bool:
        return self.is_active and self.is_superuser


class OrganisationType(models.TextChoices):
    MINISTRY = "ministry", _("Ministry or agency")
    STATISTICS_OFFICE = "statistics_office", _("National statistical office")
    PLANNING_MINISTRY = "planning_ministry", _("Planning ministry")
    LOCAL_GOVERNMENT = "local_government", _("Local government")
    PARLIAMENT = "parliament", _("Parliament")
    COORDINATING_BODY = "coordinating_body", _("Coordinating council or working group")
    INTERNATIONAL = "international", _("International organisation (e.g. IOM, UNDP)")
    DEVELOPMENT_PARTNER = "development_partner", _("Development partner or donor")
    CIVIL_SOCIETY = "civil_society", _("Civil-society organisation")
    MIGRANT_LED = "migrant_led", _("Migrant-led organisation")
    DIASPORA = "diaspora", _("Diaspora organisation")
    PRIVATE_SECTOR = "private_sector", _("Private sector")
    ACADEMIA = "academia", _("Academia")
    COMMUNITY_LEADER = "community_leader", _("Community leader or traditional institution")
    INFORMAL_ACTOR = "informal_actor", _("Informal actor")


class OrganisationLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    LOCAL = "local", _("Local")
    INTERNATIONAL = "international", _("International")


class CreditPreference(models.TextChoices):
    BY_NAME = "by_name", _("Credit by name")
    ANONYMOUS = "anonymous", _("Credit anonymously (e.g. “a women-led organisation”)")
    NOT_CREDITED = "not_credited", _("Do not credit")


# Who leads an organisation: its flag and, in words, who.
LEADERSHIP = {
    "led_by_women": _("women"),
    "led_by_youth": _("youth"),
    "led_by_persons_with_disabilities": _("persons with disabilities"),
    "led_by_migrants": _("migrants"),
    "led_by_host_community": _("host community"),
}


# An IATI organisation identifier: the code of the registration agency that knows the
# organisation (two capitals, then its own code: "XM-DAC", "GH-COA"), a hyphen, and the
# organisation's identifier at that agency ("XM-DAC-41304"). No spaces, nor the
# characters IATI forbids in identifiers (/ & | ?).
IATI_IDENTIFIER_PATTERN = r"^[A-Z]{2}-[A-Z0-9]{2,10}-[A-Za-z0-9]([A-Za-z0-9._-]*[A-Za-z0-9])?$"
IATI_IDENTIFIER_MESSAGE = _(
    "Enter an IATI organisation identifier: the registration agency's code, a hyphen "
    "and the organisation's number there, e.g. XM-DAC-41304 or GH-COA-12345."
)
IATI_IDENTIFIER = RegexValidator(
    IATI_IDENTIFIER_PATTERN.replace("$", r"\Z"), IATI_IDENTIFIER_MESSAGE
)


class Organisation(Versioned):
    """A ministry, agency, local government or partner that takes part in plans."""

    name = models.CharField(_("name"), max_length=200)
    acronym = models.CharField(_("acronym"), max_length=30, blank=True)
    type = models.CharField(_("type"), max_length=32, choices=OrganisationType.choices)
    level = models.CharField(_("level"), max_length=16, choices=OrganisationLevel.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent organisation"),
    )
    country = CountryField(_("country"), blank=True)
    # Localisation attributes (the localisation pledge): who leads it, and how it wishes
    # to be credited in public materials.
    is_local_actor = models.BooleanField(_("local actor"), default=False)
    led_by_women = models.BooleanField(_("led by women"), default=False)
    led_by_youth = models.BooleanField(_("led by youth"), default=False)
    led_by_persons_with_disabilities = models.BooleanField(
        _("led by persons with disabilities"), default=False
    )
    led_by_migrants = models.BooleanField(_("led by migrants"), default=False)
    led_by_host_community = models.BooleanField(_("led by the host community"), default=False)
    credit_preference = models.CharField(
        _("credit in public materials"),
        max_length=16,
        choices=CreditPreference.choices,
        default=CreditPreference.BY_NAME,
    )
    iati_identifier = models.CharField(
        _("IATI organisation identifier"),
        max_length=100,
        blank=True,
        validators=[IATI_IDENTIFIER],
        help_text=_(
            "As registered with IATI, e.g. XM-DAC-41304: the plan's IATI file names the "
            "organisation by it. Leave it empty when the organisation has none."
        ),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                "country",
                name="organisation_name_unique",
                violation_error_message=_(
                    "An organisation with this name already exists in this country."
                ),
            ),
            models.CheckConstraint(
                condition=~models.Q(parent=models.F("pk")),
                name="organisation_not_own_parent",
                violation_error_message=_("An organisation cannot be its own parent."),
            ),
            models.CheckConstraint(
                condition=models.Q(type__in=OrganisationType.values),
                name="organisation_type_known",
                violation_error_message=_("Choose one of the listed types of organisation."),
            ),
            models.CheckConstraint(
                condition=models.Q(level__in=OrganisationLevel.values),
                name="organisation_level_known",
                violation_error_message=_("Choose one of the listed levels."),
            ),
            models.CheckConstraint(
                condition=models.Q(iati_identifier="")
                | models.Q(iati_identifier__regex=IATI_IDENTIFIER_PATTERN),
                name="organisation_iati_identifier_format",
                violation_error_message=IATI_IDENTIFIER_MESSAGE,
            ),
            models.CheckConstraint(
                condition=models.Q(credit_preference__in=CreditPreference.values),
                name="organisation_credit_preference_known",
                violation_error_message=_("Choose one of the listed ways to be credited."),
            ),
        ]

    def __str__(self) -> str:
        return self.named(self.name, self.acronym)

    @staticmethod
    def named(name: str, acronym: str) -> str:
        """How an organisation reads ("Ministry of Health (MOH)"), also from plain rows."""
        return f"{name} ({acronym})" if acronym else name

    @property
    def short_name(self) -> str:
        return self.acronym or self.name

    @property
    def leadership(self) -> list[str]:
        """Who leads it, in words, for lists and the localisation share."""
        return [str(LEADERSHIP[name]) for name in self.leadership_flags]

    @property
    def leadership_flags(self) -> list[str]:
        """Who leads it, as the names of its flags (``led_by_women``…)."""
        return [name for name in LEADERSHIP if getattr(self, name)]


class Membership(Versioned):
    """A user's role in one organisation. A user may belong to several organisations."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(_("role"), max_length=16, choices=Role.choices)
    created_at = models.DateTimeField(_("since"), auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(
                fields=["user", "organisation"],
                name="membership_one_role_per_organisation",
                violation_error_message=_("This person is already a member of this organisation."),
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=Role.values),
                name="membership_role_known",
                violation_error_message=_("Choose one of the listed roles."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} – {self.get_role_display()}, {self.organisation.short_name}"


class LeadModel(models.TextChoices):
    SINGLE = "single", _("One lead ministry or body")
    JOINT = "joint", _("Two ministries leading jointly, activities split between them")
    COORDINATING_BODY = "coordinating_body", _("A coordinating council or working group")
    EXTERNAL_FACILITATION = (
        "external_facilitation",
        _("An international organisation facilitating for the government"),
    )


# Long enough for a page of explanation; a form refuses more (the column has no limit).
NOTES_MAX_LENGTH = 5000


class LeadArrangement(Versioned):
    """Who leads a plan, and how (the governance options of the guide)."""

    plan = models.OneToOneField(
        "action_plans.ActionPlan", on_delete=models.CASCADE, related_name="lead_arrangement"
    )
    model = models.CharField(_("lead model"), max_length=32, choices=LeadModel.choices)
    has_decision_power = models.BooleanField(
        _("the coordinating body holds decision power"), default=False
    )
    notes = models.TextField(_("notes"), blank=True, max_length=NOTES_MAX_LENGTH)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("lead arrangement")
        verbose_name_plural = _("lead arrangements")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(model__in=LeadModel.values),
                name="lead_arrangement_model_known",
                violation_error_message=_("Choose one of the listed ways to lead the process."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_model_display()} – {self.plan}"


class LeadBodyKind(models.TextChoices):
    LEAD = "lead", _("Lead body")
    ADVISER = "adviser", _("Technical adviser")


class LeadBody(models.Model):
    """An organisation leading a plan, or advising the leads regularly."""

    arrangement = models.ForeignKey(
        LeadArrangement, on_delete=models.CASCADE, related_name="bodies"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="lead_roles"
    )
    kind = models.CharField(_("kind"), max_length=16, choices=LeadBodyKind.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("lead body")
        verbose_name_plural = _("lead bodies")
        constraints = [
            models.UniqueConstraint(
                fields=["arrangement", "organisation"],
                name="lead_body_once_per_arrangement",
                violation_error_message=_(
                    "An organisation can be named only once among the lead bodies and advisers."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=LeadBodyKind.values),
                name="lead_body_kind_known",
                violation_error_message=_("A lead body is either a lead or a technical adviser."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation.short_name} ({self.get_kind_display()})"


class Responsibility(models.Model):
    """Which lead body leads one activity of the plan; each activity has one."""

    arrangement = models.ForeignKey(
        LeadArrangement, on_delete=models.CASCADE, related_name="responsibilities"
    )
    activity = models.CharField(_("activity"), max_length=32, choices=Activity.choices)
    lead_body = models.ForeignKey(
        LeadBody, on_delete=models.CASCADE, related_name="responsibilities"
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("responsibility")
        verbose_name_plural = _("responsibilities")
        constraints = [
            models.UniqueConstraint(
                fields=["arrangement", "activity"],
                name="responsibility_one_lead_per_activity",
                violation_error_message=_("Each activity has one lead body."),
            ),
            models.CheckConstraint(
                condition=models.Q(activity__in=Activity.values),
                name="responsibility_activity_known",
                violation_error_message=_("Choose one of the listed activities."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_activity_display()}: {self.lead_body.organisation.short_name}"


class Participation(Versioned):
    """An organisation taking part in a plan."""

    plan = models.ForeignKey(
        "action_plans.ActionPlan", on_delete=models.CASCADE, related_name="participations"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="participations"
    )
    signatory_required = models.BooleanField(
        _("its signature is required for validation"), default=True
    )
    joined_at = models.DateTimeField(_("joined"), default=timezone.now)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("participation")
        verbose_name_plural = _("participations")
        ordering = ["organisation__name"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "organisation"],
                name="participation_once_per_plan",
                violation_error_message=_("This organisation already takes part in the plan."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation.short_name} in {self.plan}"


class Invitation(models.Model):
    """A single-use, expiring link for a new user to choose a password.

    Only a hash of the token is stored; the token itself travels in the email.
    """

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="invitations"
    )
    token_hash = models.CharField(max_length=64, unique=True)
    invited_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("invitation")
        verbose_name_plural = _("invitations")

    def __str__(self) -> str:
        return f"Invitation for {self.user}"

    @property
    def is_usable(self) -> bool:
        return self.used_at is None and self.expires_at > timezone.now()


class SignOffDecision(models.TextChoices):
    APPROVE = "approve", _("Approved")
    REQUEST_CHANGES = "request_changes", _("Changes requested")


class SignOff(models.Model):
    """An organisation's decision on a version in validation, given by one of its
    signatories: approve it, or request changes (with a comment, which may point at a
    section of the version), with the checksum of the PDF the signatory was given."""

    version = models.ForeignKey(
        "action_plans.PlanVersion", on_delete=models.CASCADE, related_name="sign_offs"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, related_name="sign_offs"
    )
    signatory = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="sign_offs"
    )
    decision = models.CharField(_("decision"), max_length=16, choices=SignOffDecision.choices)
    comment = models.TextField(_("comment"), blank=True, max_length=NOTES_MAX_LENGTH)
    # The section of the version the comment is about (a snapshot section's name), if any.
    section = models.CharField(_("section of the version"), max_length=40, blank=True)
    # The SHA-256 of the PDF for validation the signatory was given; empty when no PDF was
    # ready: the version was then approved as its page shows it.
    document_checksum = models.CharField(_("SHA-256 of the PDF signed"), max_length=64, blank=True)
    signed_at = models.DateTimeField(_("signed"), auto_now_add=True)

    class Meta:
        verbose_name = _("sign-off")
        verbose_name_plural = _("sign-offs")
        ordering = ["signed_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "organisation"],
                name="sign_off_once_per_organisation",
                violation_error_message=_("This organisation has already signed this version."),
            ),
            models.CheckConstraint(
                condition=models.Q(decision="approve") | ~models.Q(comment=""),
                name="sign_off_changes_with_a_comment",
                violation_error_message=_("Say which changes are needed."),
            ),
            models.CheckConstraint(
                condition=models.Q(decision__in=SignOffDecision.values),
                name="sign_off_decision_known",
                violation_error_message=_("Approve the plan or request changes."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation.short_name}: {self.get_decision_display()} ({self.version})"


class SignatureReminder(models.Model):
    """When the signatories of an organisation were last reminded that a version in
    validation awaits its signature: once every ``SIGNATURE_REMINDER_DAYS``, not at every
    run of the job."""

    version = models.ForeignKey(
        "action_plans.PlanVersion", on_delete=models.CASCADE, related_name="signature_reminders"
    )
    organisation = models.ForeignKey(
        Organisation, on_delete=models.CASCADE, related_name="signature_reminders"
    )
    reminded_at = models.DateTimeField(_("last reminded"))

    class Meta:
        verbose_name = _("signature reminder")
        verbose_name_plural = _("signature reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["version", "organisation"],
                name="signature_reminder_once_per_organisation",
                violation_error_message=_(
                    "This organisation's signature reminder for this version is already kept."
                ),
            )
        ]

    def __str__(self) -> str:
        return f"{self.organisation} reminded of {self.version} at {self.reminded_at}"
