import uuid

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils import timezone
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from django_countries.fields import CountryField
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from msd_planner.lib.money import currency_choices
from msd_planner.lib.versioned_edit import Versioned

AGENDA_START_YEAR = 2015
AGENDA_END_YEAR = 2030


class PlanLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    LOCAL = "local", _("Local")


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    IN_VALIDATION = "in_validation", _("In validation")
    VALIDATED = "validated", _("Validated")
    ADOPTED = "adopted", _("Adopted")


class ActionPlan(Versioned):
    """A Migration-SDG Action Plan for one jurisdiction, the root every other record hangs off."""

    title = models.CharField(_("title"), max_length=200)
    country = CountryField(_("country"))
    level = models.CharField(_("level"), max_length=16, choices=PlanLevel.choices)
    area_name = models.CharField(
        _("area name"),
        max_length=200,
        help_text=_("The country, province, city or district the plan covers."),
    )
    period_start_year = models.PositiveSmallIntegerField(
        _("first year of the plan period"),
        validators=[MinValueValidator(AGENDA_START_YEAR), MaxValueValidator(AGENDA_END_YEAR)],
    )
    period_end_year = models.PositiveSmallIntegerField(
        _("last year of the plan period"),
        validators=[MinValueValidator(AGENDA_START_YEAR), MaxValueValidator(AGENDA_END_YEAR)],
        help_text=_("No later than 2030, the end of the 2030 Agenda."),
    )
    base_currency = models.CharField(_("base currency"), max_length=3, choices=currency_choices)
    language = models.CharField(
        _("language of the plan's document"),
        max_length=8,
        choices=settings.LANGUAGES,
        default="en",
        help_text=_("The language its PDF is written in."),
    )
    status = models.CharField(
        _("status"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # A new value with every change to anything its pages derive figures from (its
    # content, its governance, the organisations and accounts it names): the key of those
    # figures in the cache (``action_plans.derived``). Random, not counted, so that a
    # change rolled back, or a database restored, never brings back a key seen before.
    content_revision = models.UUIDField(default=uuid.uuid4, editable=False)

    history = HistoricalRecords(excluded_fields=["content_revision"])

    class Meta:
        verbose_name = _("action plan")
        verbose_name_plural = _("action plans")
        ordering = ["-period_end_year", "title"]
        permissions = [
            ("contribute_actionplan", "Can propose items and edit the organisation's own items"),
            ("govern_actionplan", "Can change the lead arrangement and the participants"),
            ("sign_actionplan", "Can sign off the plan for an organisation"),
            ("prioritise_actionplan", "Can score targets and edit prioritised targets"),
            ("review_frameworks_actionplan", "Can review the existing frameworks"),
            ("design_interventions_actionplan", "Can design the interventions"),
            ("mobilise_resources_actionplan", "Can keep the resource mobilisation plan"),
            ("monitor_actionplan", "Can set baselines, indicators and progress"),
            ("validate_actionplan", "Can organise the validation and adoption"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_start_year__lte=models.F("period_end_year")),
                name="plan_period_starts_before_it_ends",
                violation_error_message=_("The plan period cannot end before it starts."),
            ),
            models.CheckConstraint(
                condition=models.Q(period_start_year__gte=AGENDA_START_YEAR)
                & models.Q(period_end_year__lte=AGENDA_END_YEAR),
                name="plan_period_within_2030_agenda",
                violation_error_message=format_lazy(
                    _("The plan period lies within the 2030 Agenda, from {first} to {last}."),
                    first=AGENDA_START_YEAR,
                    last=AGENDA_END_YEAR,
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=PlanStatus.values),
                name="plan_status_known",
                violation_error_message=_("Choose one of the listed statuses."),
            ),
            models.CheckConstraint(
                condition=models.Q(level__in=PlanLevel.values),
                name="plan_level_known",
                violation_error_message=_("Choose one of the listed levels."),
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def period_label(self) -> str:
        return f"{self.period_start_year}–{self.period_end_year}"

    @property
    def place_label(self) -> str:
        """Where the plan applies: "Accra, Ghana"; a national plan named after its
        country reads "Ghana", not "Ghana (Ghana)"."""
        return place_label(self.area_name, self.country.name)  # type: ignore[attr-defined]  # CountryField gives a Country


def place_label(area_name: str, country_name: str) -> str:
    if not area_name or area_name.strip().casefold() == country_name.strip().casefold():
        return country_name
    return f"{area_name}, {country_name}"


# Direct foreign-key permission tables: plan permissions are read on every page, and
# guardian's generic tables (text object ids) get slow at scale.
class ActionPlanUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(ActionPlan, on_delete=models.CASCADE)


class ActionPlanGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(ActionPlan, on_delete=models.CASCADE)


# --- the plan's life: versions and transitions -------------------------------------------


class VersionStatus(models.TextChoices):
    # "version" tells translators the word qualifies a version (its gender may differ).
    IN_VALIDATION = "in_validation", pgettext_lazy("version", "In validation")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    VALIDATED = "validated", pgettext_lazy("version", "Validated")
    ADOPTED = "adopted", _("Adopted, official")
    SUPERSEDED = "superseded", _("Adopted, since superseded")


# A version still on its way to adoption; a plan has at most one.
OPEN_VERSION_STATUSES = (VersionStatus.IN_VALIDATION, VersionStatus.VALIDATED)


class PlanVersion(models.Model):
    """A numbered version of a plan, made when it is submitted for validation: 1.0, then
    1.1 on each resubmission, 2.0 for the first submission after an adoption. The adopted
    version is the official plan until its successor is adopted."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="versions")
    major = models.PositiveSmallIntegerField(_("major number"))
    minor = models.PositiveSmallIntegerField(_("minor number"))
    status = models.CharField(_("status"), max_length=24, choices=VersionStatus.choices)
    submitted_at = models.DateTimeField(_("submitted"))
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    validated_at = models.DateTimeField(_("validated"), null=True, blank=True)
    adopted_at = models.DateTimeField(_("adopted"), null=True, blank=True)
    adopted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    adoption_date = models.DateField(_("date of adoption"), null=True, blank=True)
    adoption_reference = models.CharField(
        _("adopting act or reference"), max_length=300, blank=True
    )

    class Meta:
        verbose_name = _("plan version")
        verbose_name_plural = _("plan versions")
        ordering = ["-major", "-minor"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "major", "minor"],
                name="plan_version_number_unique",
                violation_error_message=_("The plan already has a version of this number."),
            ),
            models.UniqueConstraint(
                fields=["plan"],
                condition=models.Q(status__in=OPEN_VERSION_STATUSES),
                name="plan_version_one_open",
                violation_error_message=_("The plan already has a version in validation."),
            ),
            models.UniqueConstraint(
                fields=["plan"],
                condition=models.Q(status="adopted"),
                name="plan_version_one_official",
                violation_error_message=_("The plan already has an official version."),
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=VersionStatus.values),
                name="plan_version_status_known",
                violation_error_message=_("Choose one of the listed statuses."),
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["adopted", "superseded"])
                | (models.Q(adoption_date__isnull=False) & ~models.Q(adoption_reference="")),
                name="plan_version_adopted_with_date_and_reference",
                violation_error_message=_(
                    "An adopted version has its date of adoption and the adopting act."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        return f"{self.major}.{self.minor}"


class TransitionStep(models.TextChoices):
    SUBMIT = "submit", _("Submitted for validation")
    WITHDRAW = "withdraw", _("Withdrawn from validation")
    REQUEST_CHANGES = "request_changes", _("Changes requested")
    VALIDATE = "validate", _("Validated by every required organisation")
    ADOPT = "adopt", _("Adopted")
    OPEN_REVISION = "open_revision", _("Opened for revision")


class PlanTransition(models.Model):
    """One step of a plan's workflow: who moved it from which status to which, acting
    for which organisation, when, and why (the workflow's own history)."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="transitions")
    version = models.ForeignKey(
        PlanVersion, on_delete=models.CASCADE, null=True, related_name="transitions"
    )
    step = models.CharField(_("step"), max_length=24, choices=TransitionStep.choices)
    from_status = models.CharField(_("from"), max_length=16, choices=PlanStatus.choices)
    to_status = models.CharField(_("to"), max_length=16, choices=PlanStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    organisation_name = models.CharField(_("acting for"), max_length=200, blank=True)
    comment = models.TextField(_("comment"), blank=True, max_length=5000)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("plan transition")
        verbose_name_plural = _("plan transitions")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.plan}: {self.from_status} → {self.to_status}"


class PlanSnapshot(models.Model):
    """The whole plan as it was submitted: what a version's pages, its PDF and its
    comparisons read, never the live rows. Written once; the database refuses an update
    or a deletion (triggers in the migration), not only the application."""

    version = models.OneToOneField(
        PlanVersion, on_delete=models.PROTECT, primary_key=True, related_name="snapshot"
    )
    content = models.JSONField()
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("plan snapshot")
        verbose_name_plural = _("plan snapshots")

    def __str__(self) -> str:
        return f"{self.version.plan} {self.version}"


class SnapshotOutline(models.Model):
    """What a version's pages read of its snapshot besides its records: the frozen plan
    (title, period, currency…) and each section's totals and number of records, small
    whatever the plan's size. Written with the snapshot, from it, and as frozen
    (``action_plans.snapshot.snapshot_freeze``; triggers in the migration)."""

    version = models.OneToOneField(
        PlanVersion, on_delete=models.PROTECT, primary_key=True, related_name="snapshot_outline"
    )
    format = models.PositiveSmallIntegerField()
    plan = models.JSONField()
    # {section name: {"totals": {…}, "records": how many}}, in the snapshot's order
    sections = models.JSONField()

    class Meta:
        verbose_name = _("plan snapshot outline")
        verbose_name_plural = _("plan snapshot outlines")

    def __str__(self) -> str:
        return f"{self.version_id}"


class SnapshotRecord(models.Model):
    """One record of a version's snapshot, as stored in it (``record``), with what a
    page or a comparison finds it by: its section and place there, its key, and the
    SHA-256 of its stored JSON (two versions' records of one key and one digest are
    stored alike, so a comparison decodes only the others). Frozen with the snapshot."""

    # indexed by the constraints below, which start with it
    version = models.ForeignKey(
        PlanVersion, on_delete=models.PROTECT, related_name="snapshot_records", db_index=False
    )
    section = models.CharField(max_length=64)
    position = models.PositiveIntegerField()  # from 0, in the section's order
    key = models.CharField(max_length=200)
    parent = models.CharField(max_length=200, blank=True)
    kind = models.CharField(max_length=64)
    digest = models.CharField(max_length=64)
    record = models.JSONField()

    class Meta:
        verbose_name = _("plan snapshot record")
        verbose_name_plural = _("plan snapshot records")
        constraints = [
            # a page of a section is a range of positions: 0, 1, 2… in order
            models.UniqueConstraint(
                fields=["version", "section", "position"],
                name="snapshot_record_position_unique",
                violation_error_message=_("A version's section has one record at each place."),
            ),
            # what a comparison matches records by
            models.UniqueConstraint(
                fields=["version", "section", "key"],
                name="snapshot_record_key_unique",
                violation_error_message=_("A version's section holds each record once."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.version_id} {self.key}"


class ChangeReason(models.TextChoices):
    NEW_INTERVENTION = "new_intervention", _("A new intervention")
    RE_SCOPING = "re_scoping", _("Re-scoping")
    FUNDING_CHANGE = "funding_change", _("A funding change")
    TARGET_CHANGE = "target_change", _("A change of targets")
    CORRECTION = "correction", _("A correction")


class PlanChange(models.Model):
    """A change made to an adopted plan, with its reason: the change log of the version
    that will carry it (set when the revision is submitted)."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="changes")
    version = models.ForeignKey(
        PlanVersion, on_delete=models.PROTECT, null=True, blank=True, related_name="changes"
    )
    reason = models.CharField(_("reason"), max_length=24, choices=ChangeReason.choices)
    text = models.TextField(_("what changes, and why"), max_length=5000)
    # the keys of the snapshot records it explains (``action_plans.snapshot.Difference``):
    # every record that differs from the official version is named by one change
    records = models.JSONField(_("records it explains"), default=list, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("when"), auto_now_add=True)

    class Meta:
        verbose_name = _("change after adoption")
        verbose_name_plural = _("changes after adoption")
        ordering = ["created_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reason__in=ChangeReason.values),
                name="plan_change_reason_known",
                violation_error_message=_("Choose the reason for the change."),
            ),
            models.CheckConstraint(
                condition=~models.Q(text=""),
                name="plan_change_explained",
                violation_error_message=_("Say what changes and why."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.text[:60]}"


class NotificationEvent(models.TextChoices):
    VALIDATION_OPENED = "validation_opened", _("Validation opened")
    SIGNED_OFF = "signed_off", _("Approved by an organisation")
    CHANGES_REQUESTED = "changes_requested", _("Changes requested")
    VALIDATED = "validated", _("Validated")
    ADOPTED = "adopted", _("Adopted")
    SIGNATURE_AWAITED = "signature_awaited", _("Signature awaited")
    REPORTING_DUE = "reporting_due", _("Reporting due")


class Notification(models.Model):
    """What the workflow told one user (also sent by email): the in-app list."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="notifications")
    event = models.CharField(_("event"), max_length=24, choices=NotificationEvent.choices)
    message = models.TextField(_("message"), max_length=10000)
    url = models.CharField(max_length=300)
    created_at = models.DateTimeField(_("when"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["user", "read_at"])]

    def __str__(self) -> str:
        return self.message


class DocumentStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RENDERING = "rendering", _("Rendering")
    READY = "ready", _("Ready")
    FAILED = "failed", _("Failed")


class DocumentEdition(models.TextChoices):
    # Given to the signatories at submission, watermarked, and never rendered again: the
    # file an approval's checksum names stays downloadable as it was approved.
    FOR_VALIDATION = "for_validation", _("For validation")
    # The version's document once validated, rendered again on adoption (the cover then
    # carries the adoption); also the coordinators' preview of the draft.
    OFFICIAL = "official", _("Official")


class DocumentFormat(models.TextChoices):
    PDF = "pdf", _("PDF")
    # The official edition of a version, for ministries that fold the plan into their
    # own documents: the same chapters as its PDF (``action_plans.word``).
    DOCX = "docx", _("Word (.docx)")


CONTENT_TYPES = {
    DocumentFormat.PDF: "application/pdf",
    DocumentFormat.DOCX: "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
}


class PlanDocument(models.Model):
    """A plan's PDF: per version, the edition given for validation and the official one
    (what leaves the building), or the coordinators' preview of the draft (one per plan,
    replaced on each request); and the official edition of a version as a Word document.
    Or the plan's annual report for a year (``year`` set, no version), in PDF and in Word,
    made again on each request. Rendered by a background job; the file is kept through
    Django's storage API with its checksum."""

    plan = models.ForeignKey(ActionPlan, on_delete=models.CASCADE, related_name="documents")
    version = models.ForeignKey(
        PlanVersion, on_delete=models.CASCADE, null=True, blank=True, related_name="documents"
    )
    edition = models.CharField(
        _("edition"),
        max_length=16,
        choices=DocumentEdition.choices,
        default=DocumentEdition.OFFICIAL,
    )
    format = models.CharField(
        _("format"), max_length=8, choices=DocumentFormat.choices, default=DocumentFormat.PDF
    )
    # The year an annual report tells of (empty: the plan's own document).
    year = models.PositiveSmallIntegerField(_("year reported on"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=16, choices=DocumentStatus.choices, default=DocumentStatus.QUEUED
    )
    file = models.FileField(_("file"), upload_to="plan-documents/", blank=True)
    checksum = models.CharField(_("SHA-256"), max_length=64, blank=True)
    size = models.PositiveBigIntegerField(_("size in bytes"), null=True, blank=True)
    pages = models.PositiveIntegerField(_("pages"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    error = models.TextField(_("what went wrong"), blank=True, max_length=2000)
    requested_at = models.DateTimeField(_("requested"), default=timezone.now)
    # When the render job was handed to the broker for the latest request: empty while
    # it is not (yet), e.g. the broker could not be reached; the sweep queues it again.
    handed_over_at = models.DateTimeField(_("handed to the job queue"), null=True, blank=True)
    queue_error = models.CharField(_("why it could not be queued"), max_length=500, blank=True)
    rendered_at = models.DateTimeField(_("rendered"), null=True, blank=True)

    class Meta:
        verbose_name = _("plan document")
        verbose_name_plural = _("plan documents")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "format"],
                condition=models.Q(version__isnull=True, year__isnull=True),
                name="plan_document_one_preview_per_format",
                violation_error_message=_("The plan already has a preview."),
            ),
            models.UniqueConstraint(
                fields=["version", "edition", "format"],
                condition=models.Q(version__isnull=False),
                name="plan_document_one_per_version_edition_format",
                violation_error_message=_(
                    "The version already has this edition of its document in this format."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(edition__in=DocumentEdition.values),
                name="plan_document_edition_known",
                violation_error_message=_("Choose one of the listed editions."),
            ),
            models.CheckConstraint(
                condition=models.Q(format__in=DocumentFormat.values),
                name="plan_document_format_known",
                violation_error_message=_("Choose one of the listed formats."),
            ),
            models.UniqueConstraint(
                fields=["plan", "year", "format"],
                condition=models.Q(year__isnull=False),
                name="plan_document_one_report_per_year_format",
                violation_error_message=_(
                    "The plan already has its annual report for this year in this format."
                ),
            ),
            # An annual report tells of the plan as it is, not of a version.
            models.CheckConstraint(
                condition=models.Q(year__isnull=True)
                | models.Q(version__isnull=True, edition=DocumentEdition.OFFICIAL),
                name="plan_document_report_of_the_plan",
                violation_error_message=_(
                    "An annual report is made of the plan, not of a version."
                ),
            ),
            # A Word document is made of a frozen version's official edition, or is an
            # annual report: no preview of the draft, no edition for validation (the
            # signatories' PDF).
            models.CheckConstraint(
                condition=models.Q(format=DocumentFormat.PDF)
                | models.Q(version__isnull=False, edition=DocumentEdition.OFFICIAL)
                | models.Q(year__isnull=False),
                name="plan_document_word_of_an_official_version",
                violation_error_message=_(
                    "Only the official edition of a version, or an annual report, is made as "
                    "a Word document."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=DocumentStatus.values),
                name="plan_document_status_known",
                violation_error_message=_("Choose one of the listed statuses."),
            ),
        ]

    def __str__(self) -> str:
        if self.year is not None:
            return f"{self.plan} {self.year}"
        return f"{self.plan} {self.version or 'preview'}"

    @property
    def is_preview(self) -> bool:
        return self.version_id is None and self.year is None

    @property
    def not_queued(self) -> bool:
        """Wanted, but the job could not be handed to the broker (it will be, later)."""
        return (
            self.status == DocumentStatus.QUEUED
            and self.handed_over_at is None
            and bool(self.queue_error)
        )

    @property
    def for_validation(self) -> bool:
        return self.edition == DocumentEdition.FOR_VALIDATION

    @property
    def content_type(self) -> str:
        return CONTENT_TYPES[DocumentFormat(self.format)]
