"""Interventions, their partners, beneficiaries and results framework (step 4 of the guide).

An intervention is what one ministry (its lead organisation) will do against one or more
of the plan's prioritised targets. Its partners, beneficiary groups and the targets it
addresses are edited with it, as one versioned record (the children are serialised on
the intervention). Its indicators are versioned records of their own, with target values
per year and progress recorded per period.
"""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from action_plans.models import AGENDA_END_YEAR, AGENDA_START_YEAR
from msd_planner.lib.integers import INTEGER_MAX, FitsTheColumn
from msd_planner.lib.versioned_edit import Versioned

TEXT_MAX_LENGTH = 5000  # a description, a design, risks
NOTE_MAX_LENGTH = 2000  # a contribution note, a comment, a reason
COST_DIGITS = 16  # up to 99 trillion in the base currency, with cents
COST_PLACES = 2
COST_LIMIT = Decimal(10) ** (COST_DIGITS - COST_PLACES)  # what the cost column holds


class InterventionLevel(models.TextChoices):
    POLICY = "policy", _("Policy")
    PROGRAMME = "programme", _("Programme")
    BOTH = "both", _("Policy and programme")


class Sector(models.TextChoices):
    LABOUR = "labour", _("Labour and employment")
    HEALTH = "health", _("Health")
    EDUCATION = "education", _("Education")
    SOCIAL_PROTECTION = "social_protection", _("Social protection")
    JUSTICE = "justice", _("Justice and rule of law")
    LOCAL_DEVELOPMENT = "local_development", _("Local development")
    FINANCIAL_INCLUSION = "financial_inclusion", _("Financial inclusion")
    DATA = "data", _("Data and statistics")
    BORDER = "border", _("Border and mobility management")
    OTHER = "other", _("Other")


class InterventionStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    DESIGNED = "designed", _("Designed")
    IN_PLAN = "in_plan", _("In the plan")
    UNDER_WAY = "under_way", _("Under way")
    COMPLETED = "completed", _("Completed")
    DROPPED = "dropped", _("Dropped")


class BeneficiaryGroup(models.TextChoices):
    MIGRANT_WORKERS = "migrant_workers", _("Migrant workers")
    RETURNEES = "returnees", _("Returnees")
    DIASPORA = "diaspora", _("Diaspora")
    REFUGEES = "refugees", _("Refugees and displaced persons")
    HOST_COMMUNITIES = "host_communities", _("Host communities")
    VULNERABLE_MIGRANTS = "vulnerable_migrants", _("Migrants in vulnerable situations")
    WOMEN = "women", _("Women")
    YOUTH = "youth", _("Youth")
    OTHER = "other", _("Other")


class PartnerRole(models.TextChoices):
    IMPLEMENTING = "implementing", _("Implementing")
    TECHNICAL = "technical_support", _("Technical support")
    CO_FUNDING = "co_funding", _("Co-funding")
    LOCAL = "local_partner", _("Local partner")


class Intervention(Versioned):
    plan = models.ForeignKey(
        "action_plans.ActionPlan", on_delete=models.CASCADE, related_name="interventions"
    )
    title = models.CharField(_("title"), max_length=200)
    level = models.CharField(_("level"), max_length=16, choices=InterventionLevel.choices)
    sector = models.CharField(_("sector"), max_length=24, choices=Sector.choices)
    description = models.TextField(_("description"), blank=True, max_length=TEXT_MAX_LENGTH)
    design = models.TextField(_("design"), blank=True, max_length=TEXT_MAX_LENGTH)
    lead_organisation = models.ForeignKey(
        "governance.Organisation",
        on_delete=models.PROTECT,
        related_name="led_interventions",
        verbose_name=_("lead organisation"),
    )
    start_date = models.DateField(_("start"), null=True, blank=True)
    end_date = models.DateField(_("end"), null=True, blank=True)
    estimated_cost = models.DecimalField(
        _("estimated cost"),
        max_digits=COST_DIGITS,
        decimal_places=COST_PLACES,
        null=True,
        blank=True,
        validators=[MinValueValidator(0)],
    )
    technical_capacity = models.TextField(
        _("technical capacity available"), blank=True, max_length=TEXT_MAX_LENGTH
    )
    capacity_building = models.TextField(
        _("capacity building needed"), blank=True, max_length=TEXT_MAX_LENGTH
    )
    risks = models.TextField(_("risks and assumptions"), blank=True, max_length=TEXT_MAX_LENGTH)
    status = models.CharField(
        _("status"),
        max_length=16,
        choices=InterventionStatus.choices,
        default=InterventionStatus.PROPOSED,
    )
    drop_reason = models.TextField(_("why it was dropped"), blank=True, max_length=NOTE_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("intervention")
        verbose_name_plural = _("interventions")
        ordering = ["title"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(start_date__lte=models.F("end_date")),
                name="intervention_starts_before_it_ends",
                violation_error_message=_("The end cannot be before the start."),
            ),
            models.CheckConstraint(
                condition=models.Q(estimated_cost__isnull=True) | models.Q(estimated_cost__gte=0),
                name="intervention_cost_not_negative",
                violation_error_message=_("The cost cannot be negative."),
            ),
            models.CheckConstraint(
                condition=~models.Q(status="dropped") | ~models.Q(drop_reason=""),
                name="intervention_dropped_with_a_reason",
                violation_error_message=_("Say why the intervention is dropped."),
            ),
            models.CheckConstraint(
                condition=models.Q(level__in=InterventionLevel.values)
                & models.Q(sector__in=Sector.values)
                & models.Q(status__in=InterventionStatus.values),
                name="intervention_choices_known",
                violation_error_message=_("Choose one of the listed levels, sectors and statuses."),
            ),
        ]
        indexes = [models.Index(fields=["plan", "status"]), models.Index(fields=["plan", "sector"])]

    def __str__(self) -> str:
        return self.title


class AddressedTarget(models.Model):
    """A prioritised target an intervention addresses, and how it contributes."""

    intervention = models.ForeignKey(
        Intervention, on_delete=models.CASCADE, related_name="addressed_targets"
    )
    # A prioritised target addressed by an intervention is not removed from under it.
    prioritised_target = models.ForeignKey(
        "targets.PrioritisedTarget", on_delete=models.PROTECT, related_name="interventions"
    )
    contribution = models.TextField(_("how it contributes"), blank=True, max_length=NOTE_MAX_LENGTH)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("target addressed")
        verbose_name_plural = _("targets addressed")
        constraints = [
            models.UniqueConstraint(
                fields=["intervention", "prioritised_target"],
                name="addressed_target_once",
                violation_error_message=_("The intervention already addresses this target."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.intervention} → {self.prioritised_target}"


class Partner(models.Model):
    """An organisation working on an intervention beside its lead, in one role."""

    intervention = models.ForeignKey(
        Intervention, on_delete=models.CASCADE, related_name="partners"
    )
    organisation = models.ForeignKey(
        "governance.Organisation", on_delete=models.PROTECT, related_name="partnerships"
    )
    role = models.CharField(_("role"), max_length=24, choices=PartnerRole.choices)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("partner")
        verbose_name_plural = _("partners")
        constraints = [
            models.UniqueConstraint(
                fields=["intervention", "organisation"],
                name="partner_once",
                violation_error_message=_(
                    "This organisation is already a partner of the intervention."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(role__in=PartnerRole.values),
                name="partner_role_known",
                violation_error_message=_("Choose one of the listed partners' roles."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation} ({self.get_role_display()})"


class Beneficiaries(models.Model):
    """A group an intervention is for, with its estimated number where known."""

    intervention = models.ForeignKey(
        Intervention, on_delete=models.CASCADE, related_name="beneficiaries"
    )
    group = models.CharField(_("group"), max_length=24, choices=BeneficiaryGroup.choices)
    estimated_number = models.PositiveIntegerField(
        _("estimated number"), null=True, blank=True, validators=[FitsTheColumn(INTEGER_MAX)]
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("beneficiary group")
        verbose_name_plural = _("beneficiary groups")
        constraints = [
            models.UniqueConstraint(
                fields=["intervention", "group"],
                name="beneficiaries_once",
                violation_error_message=_("This group of beneficiaries is already listed."),
            ),
            models.CheckConstraint(
                condition=models.Q(group__in=BeneficiaryGroup.values),
                name="beneficiaries_group_known",
                violation_error_message=_("Choose one of the listed groups of beneficiaries."),
            ),
        ]

    def __str__(self) -> str:
        return self.get_group_display()


class Comment(models.Model):
    """A remark on an intervention by someone working on it (its partners among others)."""

    intervention = models.ForeignKey(
        Intervention, on_delete=models.CASCADE, related_name="comments"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="intervention_comments"
    )
    organisation = models.ForeignKey(
        "governance.Organisation", on_delete=models.PROTECT, null=True, related_name="+"
    )
    text = models.TextField(_("comment"), max_length=NOTE_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["created_at", "pk"]

    # --- the results framework -------------------------------------------------------------

    def __str__(self) -> str:
        return f"{self.author}: {self.text[:40]}"


class ResultIndicator(Versioned):
    """How an intervention's result is measured: a global SDG indicator of a target it
    addresses, or a national indicator of its own."""

    intervention = models.ForeignKey(
        Intervention, on_delete=models.CASCADE, related_name="indicators"
    )
    sdg_indicator = models.ForeignKey(
        "targets.Indicator",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("global SDG indicator"),
    )
    name = models.CharField(_("national indicator"), max_length=300, blank=True)
    unit = models.CharField(_("unit"), max_length=60)
    baseline_value = models.DecimalField(
        _("baseline value"), max_digits=COST_DIGITS, decimal_places=4, null=True, blank=True
    )
    baseline_year = models.PositiveSmallIntegerField(
        _("baseline year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1990), MaxValueValidator(AGENDA_END_YEAR)],
    )
    baseline_source = models.CharField(_("baseline source"), max_length=300, blank=True)
    means_of_verification = models.TextField(
        _("means of verification"), blank=True, max_length=NOTE_MAX_LENGTH
    )
    by_sex = models.BooleanField(_("by sex"), default=False)
    by_age = models.BooleanField(_("by age"), default=False)
    by_migratory_status = models.BooleanField(_("by migratory status"), default=False)
    reporting_organisation = models.ForeignKey(
        "governance.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("reporting organisation"),
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("result indicator")
        verbose_name_plural = _("result indicators")
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(sdg_indicator__isnull=False) | ~models.Q(name=""),
                name="result_indicator_named",
                violation_error_message=_(
                    "Choose a global SDG indicator or name a national indicator."
                ),
            )
        ]

    def __str__(self) -> str:
        return self.name or (self.sdg_indicator.code if self.sdg_indicator is not None else "")

    @property
    def label(self) -> str:
        """The indicator in words: its national name, else its global code and title."""
        if self.name or self.sdg_indicator is None:
            return self.name
        return f"{self.sdg_indicator.code} {self.sdg_indicator.title}"


class TargetValue(models.Model):
    """The value an indicator should reach by the end of one year."""

    indicator = models.ForeignKey(
        ResultIndicator, on_delete=models.CASCADE, related_name="target_values"
    )
    year = models.PositiveSmallIntegerField(
        _("year"),
        validators=[MinValueValidator(AGENDA_START_YEAR), MaxValueValidator(AGENDA_END_YEAR)],
    )
    value = models.DecimalField(_("target value"), max_digits=COST_DIGITS, decimal_places=4)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("target value")
        verbose_name_plural = _("target values")
        ordering = ["year"]
        constraints = [
            models.UniqueConstraint(
                fields=["indicator", "year"],
                name="target_value_once_a_year",
                violation_error_message=_("The indicator already has a target for this year."),
            )
        ]

    def __str__(self) -> str:
        return f"{self.year}: {self.value}"


class ProgressStatus(models.TextChoices):
    """Where a reported value stands: only an approved one counts in the plan's figures."""

    SUBMITTED = "submitted", _("Submitted")
    APPROVED = "approved", _("Approved")
    RETURNED = "returned", _("Returned")


# Disaggregation codes as SDMX writes them (the global SDG database's dimensions), so that
# an export can use them unchanged; "_T" is the total.
TOTAL = "_T"


class Sex(models.TextChoices):
    TOTAL = TOTAL, _("Both sexes")
    FEMALE = "F", _("Female")
    MALE = "M", _("Male")


class AgeGroup(models.TextChoices):
    TOTAL = TOTAL, _("All ages")
    CHILDREN = "Y0T14", _("Under 15")
    YOUTH = "Y15T24", _("15 to 24")
    ADULTS = "Y25T64", _("25 to 64")
    OLDER = "Y_GE65", _("65 and over")


class MigratoryStatus(models.TextChoices):
    TOTAL = TOTAL, _("Everyone")
    MIGRANTS = "MIGRANT", _("Migrants")
    NON_MIGRANTS = "NON_MIGRANT", _("Non-migrants")
    REFUGEES = "REFUGEE", _("Refugees")


# A value waiting for review or counted already holds its period and disaggregation.
HOLDS_ITS_PERIOD = (ProgressStatus.SUBMITTED, ProgressStatus.APPROVED)


class Progress(Versioned):
    """A value an indicator reached in a calendar quarter, measured on a date, with its
    source: submitted by the reporting side, approved (then it counts) or returned with
    the reviewer's comment by those who lead monitoring."""

    indicator = models.ForeignKey(
        ResultIndicator, on_delete=models.CASCADE, related_name="progress"
    )
    measured_on = models.DateField(_("measured on"))
    period_year = models.PositiveSmallIntegerField(_("year"))
    period_quarter = models.PositiveSmallIntegerField(_("quarter"))
    value = models.DecimalField(_("value"), max_digits=COST_DIGITS, decimal_places=4)
    source = models.CharField(_("source"), max_length=300)
    sex = models.CharField(_("sex"), max_length=2, choices=Sex.choices, default=TOTAL)
    age = models.CharField(_("age group"), max_length=8, choices=AgeGroup.choices, default=TOTAL)
    migratory_status = models.CharField(
        _("migratory status"), max_length=12, choices=MigratoryStatus.choices, default=TOTAL
    )
    comment = models.TextField(_("comment"), blank=True, max_length=NOTE_MAX_LENGTH)
    evidence = models.FileField(
        _("evidence"), upload_to="progress-evidence/%Y/", blank=True, max_length=200
    )
    status = models.CharField(
        _("status"),
        max_length=12,
        choices=ProgressStatus.choices,
        default=ProgressStatus.SUBMITTED,
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    submitted_at = models.DateTimeField(null=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True)
    review_comment = models.TextField(_("review comment"), blank=True, max_length=NOTE_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("progress")
        verbose_name_plural = _("progress")
        ordering = ["measured_on", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=[
                    *("indicator", "period_year", "period_quarter"),
                    *("sex", "age", "migratory_status"),
                ],
                condition=models.Q(status__in=HOLDS_ITS_PERIOD),
                name="progress_once_a_period",
                violation_error_message=_(
                    "A value for this period and disaggregation is already submitted or approved."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(period_quarter__gte=1, period_quarter__lte=4),
                name="progress_quarter_known",
                violation_error_message=_("A quarter is numbered 1 to 4."),
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ProgressStatus.values)
                & models.Q(sex__in=Sex.values)
                & models.Q(age__in=AgeGroup.values)
                & models.Q(migratory_status__in=MigratoryStatus.values),
                name="progress_choices_known",
                violation_error_message=_(
                    "Choose one of the listed statuses, sexes, age groups and migratory statuses."
                ),
            ),
            models.CheckConstraint(
                condition=~models.Q(status=ProgressStatus.RETURNED) | ~models.Q(review_comment=""),
                name="progress_returned_with_a_comment",
                violation_error_message=_("Say why the value is returned."),
            ),
        ]
        indexes = [models.Index(fields=["status", "indicator"])]

    def __str__(self) -> str:
        return f"{self.measured_on}: {self.value}"

    @property
    def period(self) -> str:
        """The calendar quarter in words: "2026 Q1"."""
        return quarter_label(self.period_year, self.period_quarter)

    @property
    def disaggregation(self) -> list[str]:
        """The groups the value is for, in words (nothing for a total)."""
        return [
            str(choices(code).label)
            for choices, code in (
                (Sex, self.sex),
                (AgeGroup, self.age),
                (MigratoryStatus, self.migratory_status),
            )
            if code != TOTAL
        ]


def quarter_of(day) -> tuple[int, int]:
    """The calendar quarter a date falls in: (year, quarter)."""
    return day.year, (day.month - 1) // 3 + 1


def quarter_label(year: int, quarter: int) -> str:
    return f"{year} Q{quarter}"


class ProgressReminder(models.Model):
    """That the editors and coordinators of an organisation were reminded of the values
    they still owe a monitored plan for a quarter: once per quarter, whatever the job's
    frequency."""

    plan = models.ForeignKey(
        "action_plans.ActionPlan", on_delete=models.CASCADE, related_name="progress_reminders"
    )
    organisation = models.ForeignKey(
        "governance.Organisation", on_delete=models.CASCADE, related_name="progress_reminders"
    )
    period_year = models.PositiveSmallIntegerField(_("year"))
    period_quarter = models.PositiveSmallIntegerField(_("quarter"))
    reminded_at = models.DateTimeField(_("reminded"))

    class Meta:
        verbose_name = _("progress reminder")
        verbose_name_plural = _("progress reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "organisation", "period_year", "period_quarter"],
                name="progress_reminder_once_a_quarter",
                violation_error_message=_(
                    "This organisation was already reminded of this quarter's values."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(period_quarter__gte=1, period_quarter__lte=4),
                name="progress_reminder_quarter_known",
                violation_error_message=_("A quarter is numbered 1 to 4."),
            ),
        ]

    def __str__(self) -> str:
        period = quarter_label(self.period_year, self.period_quarter)
        return f"{self.organisation} reminded of {period}"
