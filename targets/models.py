import re
from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models.functions import Lower
from django.utils.text import capfirst, format_lazy
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from msd_planner.lib.fields import verbose_name
from msd_planner.lib.history import HistoryWithLinks
from msd_planner.lib.integers import SMALL_INTEGER_MAX, FitsTheColumn
from msd_planner.lib.translation import TranslatedFieldsMixin, active_content_language
from msd_planner.lib.versioned_edit import Versioned

_TARGET_CODE = re.compile(r"^(?P<goal>\d{1,2})\.(?P<part>\d{1,2}|[a-z])$")
_INDICATOR_CODE = re.compile(r"^(?P<target>\d{1,2}\.(?:\d{1,2}|[a-z]))\.(?P<number>\d{1,2})$")


def target_position(code: str) -> int:
    """Official order of a target code: numbered targets, then lettered ones.

    ``10.7`` < ``10.a`` < ``10.c`` and ``8.9`` < ``8.10`` — a string sort gets both wrong.
    """
    match = _TARGET_CODE.match(code)
    if match is None:
        raise ValueError(f"{code!r} is not an SDG target code (like 10.7 or 10.c)")
    part = match["part"]
    rank = int(part) if part.isdigit() else 100 + ord(part) - ord("a")
    return int(match["goal"]) * 1000 + rank


def indicator_position(code: str) -> int:
    """Official order of an indicator code (``10.7.2``), following its target."""
    match = _INDICATOR_CODE.match(code)
    if match is None:
        raise ValueError(f"{code!r} is not an SDG indicator code (like 10.7.2)")
    return target_position(match["target"]) * 100 + int(match["number"])


class MigrationRelevance(models.TextChoices):
    EXPLICIT = "explicit", _("Explicitly mentions migration")
    CROSS_CUTTING = "cross_cutting", _("Migration is cross-cutting")
    NONE = "none", _("Not listed as migration-related")


class Goal(TranslatedFieldsMixin, models.Model):
    number = models.PositiveSmallIntegerField(_("number"), unique=True)
    title_en = models.TextField(_("title (English)"))
    title_fr = models.TextField(_("title (French)"), blank=True)
    title_es = models.TextField(_("title (Spanish)"), blank=True)
    short_title_en = models.CharField(_("short title (English)"), max_length=100)
    short_title_fr = models.CharField(_("short title (French)"), max_length=100, blank=True)
    short_title_es = models.CharField(_("short title (Spanish)"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("SDG goal")
        verbose_name_plural = _("SDG goals")
        ordering = ["number"]

    def __str__(self) -> str:
        return f"{self.number}. {self.short_title}"

    @property
    def code(self) -> str:
        return str(self.number)

    @property
    def title(self) -> str:
        return self.translated("title")

    @property
    def short_title(self) -> str:
        return self.translated("short_title")


class Target(TranslatedFieldsMixin, models.Model):
    goal = models.ForeignKey(Goal, on_delete=models.PROTECT, related_name="targets")
    code = models.CharField(_("code"), max_length=8, unique=True)
    position = models.PositiveIntegerField(_("official order"), unique=True, editable=False)
    title_en = models.TextField(_("title (English)"))
    title_fr = models.TextField(_("title (French)"), blank=True)
    title_es = models.TextField(_("title (Spanish)"), blank=True)
    migration_relevance = models.CharField(
        _("migration relevance"),
        max_length=16,
        choices=MigrationRelevance.choices,
        default=MigrationRelevance.NONE,
    )
    migration_note = models.TextField(_("why it concerns migration"), blank=True)

    class Meta:
        verbose_name = _("SDG target")
        verbose_name_plural = _("SDG targets")
        ordering = ["position"]
        indexes = [models.Index(fields=["migration_relevance", "position"])]

    def __str__(self) -> str:
        return self.code

    @property
    def title(self) -> str:
        return self.translated("title")


class Indicator(TranslatedFieldsMixin, models.Model):
    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="indicators")
    code = models.CharField(_("code"), max_length=12, unique=True)
    position = models.PositiveIntegerField(_("official order"), unique=True, editable=False)
    unsd_code = models.CharField(_("UNSD code"), max_length=12)
    title_en = models.TextField(_("title (English)"))
    title_fr = models.TextField(_("title (French)"), blank=True)
    title_es = models.TextField(_("title (Spanish)"), blank=True)
    translation_note = models.CharField(
        _("translation note"),
        max_length=200,
        blank=True,
        help_text=_("Per language, e.g. 'fr:old-wording': the translation lags the English."),
    )

    class Meta:
        verbose_name = _("SDG indicator")
        verbose_name_plural = _("SDG indicators")
        ordering = ["position"]

    def __str__(self) -> str:
        return self.code

    @property
    def title(self) -> str:
        return self.translated("title")

    @property
    def translation_lags_english(self) -> bool:
        """The title shown in the active language is not the current official wording."""
        language = active_content_language()
        if language == "en":
            return False
        flags = dict(item.split(":", 1) for item in self.translation_note.split() if ":" in item)
        return flags.get(language) in {"old-wording", "missing"}


# --- a plan's prioritised targets ------------------------------------------------------

SCORE_MIN = 1
SCORE_MAX = 5

# Free texts: long enough for what each is for, short enough that a page stays a page.
# Forms refuse more; the columns themselves have no limit, so older rows stay valid.
SHORT_TEXT_MAX_LENGTH = 2000  # a comment, a reason, a note
LONG_TEXT_MAX_LENGTH = 5000  # a rationale
MINUTES_MAX_LENGTH = 10000  # what came out of a meeting

RANK_NEEDS_A_REASON = _("Say why you set the rank by hand.")
INDICATOR_ALREADY_FOLLOWED = _("This indicator is already followed.")
PROXY_ALREADY_FOLLOWED = _("A national proxy indicator with this name is already followed.")

DEFAULT_CRITERIA = [
    _("Relevance to the migration context"),
    _("Urgency"),
    _("Feasibility"),
    _("Political support"),
    _("Data availability"),
]


class ScoringCriterion(models.Model):
    """A criterion the plan's coordinators score targets on, with its weight."""

    plan = models.ForeignKey(
        "action_plans.ActionPlan", on_delete=models.CASCADE, related_name="scoring_criteria"
    )
    name = models.CharField(_("criterion"), max_length=120)
    weight = models.DecimalField(
        _("weight"),
        max_digits=5,
        decimal_places=2,
        default=1,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    position = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("scoring criterion")
        verbose_name_plural = _("scoring criteria")
        ordering = ["position", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["plan", "name"],
                name="criterion_name_once_per_plan",
                violation_error_message=_("Two criteria have the same name."),
            ),
            models.CheckConstraint(
                condition=models.Q(weight__gte=0),
                name="criterion_weight_not_negative",
                violation_error_message=_("A weight cannot be negative."),
            ),
            models.CheckConstraint(
                condition=models.Q(weight__lte=100),
                name="criterion_weight_at_most_100",
                violation_error_message=_("A weight is at most 100."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class ProposalStatus(models.TextChoices):
    PROPOSED = "proposed", _("Proposed, awaiting a coordinator")
    ACCEPTED = "accepted", _("Prioritised")
    DECLINED = "declined", _("Declined")


class PrioritisedTarget(Versioned):
    """An SDG target a plan prioritises (or an editor proposes), with its baseline."""

    plan = models.ForeignKey(
        "action_plans.ActionPlan", on_delete=models.CASCADE, related_name="prioritised_targets"
    )
    target = models.ForeignKey(Target, on_delete=models.PROTECT, related_name="prioritisations")
    status = models.CharField(
        _("status"), max_length=16, choices=ProposalStatus.choices, default=ProposalStatus.ACCEPTED
    )
    rationale = models.TextField(_("rationale"), blank=True, max_length=LONG_TEXT_MAX_LENGTH)
    local_adaptation = models.TextField(
        _("local adaptation of the target"),
        blank=True,
        max_length=SHORT_TEXT_MAX_LENGTH,
        help_text=_("The target as phrased for this plan's context (optional)."),
    )
    responsible_organisation = models.ForeignKey(
        "governance.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="responsible_for_targets",
        verbose_name=_("responsible organisation"),
    )
    baseline_value = models.DecimalField(
        _("baseline value"), max_digits=18, decimal_places=4, null=True, blank=True
    )
    baseline_unit = models.CharField(_("baseline unit"), max_length=60, blank=True)
    baseline_year = models.PositiveSmallIntegerField(
        _("baseline year"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1990), MaxValueValidator(2030)],
    )
    baseline_source = models.CharField(_("baseline source"), max_length=300, blank=True)
    rank_override = models.PositiveSmallIntegerField(
        _("rank set by the coordinator"),
        null=True,
        blank=True,
        validators=[
            MinValueValidator(1, message=_("Ranks start at 1.")),
            FitsTheColumn(SMALL_INTEGER_MAX),
        ],
    )
    rank_override_reason = models.TextField(
        _("reason for setting the rank"), blank=True, max_length=SHORT_TEXT_MAX_LENGTH
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    proposed_by_organisation = models.ForeignKey(
        "governance.Organisation",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    decision_comment = models.TextField(
        _("coordinator's comment"), blank=True, max_length=SHORT_TEXT_MAX_LENGTH
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("prioritised target")
        verbose_name_plural = _("prioritised targets")
        constraints = [
            # A declined proposal does not count: the target may be proposed again.
            models.UniqueConstraint(
                fields=["plan", "target"],
                condition=~models.Q(status=ProposalStatus.DECLINED),
                name="target_prioritised_once_per_plan",
                violation_error_message=_("This target is already in the plan."),
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ProposalStatus.values),
                name="prioritised_target_status_known",
                violation_error_message=_("Choose one of the listed statuses."),
            ),
            models.CheckConstraint(
                condition=models.Q(rank_override__isnull=True) | ~models.Q(rank_override_reason=""),
                name="rank_override_needs_a_reason",
                violation_error_message=RANK_NEEDS_A_REASON,
                violation_error_code="rank_override_needs_a_reason",
            ),
            models.CheckConstraint(
                condition=models.Q(rank_override__isnull=True) | models.Q(rank_override__gte=1),
                name="rank_override_starts_at_1",
                violation_error_message=_("Ranks start at 1."),
            ),
        ]

    def __str__(self) -> str:
        return self.target.code


class TargetScore(models.Model):
    prioritised_target = models.ForeignKey(
        PrioritisedTarget, on_delete=models.CASCADE, related_name="scores"
    )
    criterion = models.ForeignKey(ScoringCriterion, on_delete=models.CASCADE, related_name="+")
    score = models.PositiveSmallIntegerField(
        _("score"), validators=[MinValueValidator(SCORE_MIN), MaxValueValidator(SCORE_MAX)]
    )

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["prioritised_target", "criterion"],
                name="one_score_per_criterion",
                violation_error_message=_("A target has one score per criterion."),
            ),
            models.CheckConstraint(
                condition=models.Q(score__gte=SCORE_MIN) & models.Q(score__lte=SCORE_MAX),
                name="score_within_scale",
                violation_error_message=format_lazy(
                    _("Score from {low} to {high}."), low=SCORE_MIN, high=SCORE_MAX
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.score}"


class FollowedIndicator(models.Model):
    """An indicator a prioritised target is followed by: global SDG, or a national proxy."""

    prioritised_target = models.ForeignKey(
        PrioritisedTarget, on_delete=models.CASCADE, related_name="indicators"
    )
    indicator = models.ForeignKey(
        Indicator, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    proxy_name = models.CharField(_("national proxy indicator"), max_length=300, blank=True)
    proxy_unit = models.CharField(_("unit"), max_length=60, blank=True)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=(models.Q(indicator__isnull=False) & models.Q(proxy_name=""))
                | (models.Q(indicator__isnull=True) & ~models.Q(proxy_name="")),
                name="indicator_global_or_proxy",
                violation_error_message=_(
                    "Choose a global indicator or name a national proxy indicator, not both."
                ),
            ),
            models.UniqueConstraint(
                fields=["prioritised_target", "indicator"],
                condition=models.Q(indicator__isnull=False),
                name="global_indicator_once_per_target",
                violation_error_message=INDICATOR_ALREADY_FOLLOWED,
            ),
            models.UniqueConstraint(
                Lower("proxy_name"),
                "prioritised_target",
                condition=models.Q(indicator__isnull=True),
                name="proxy_indicator_once_per_target",
                violation_error_message=PROXY_ALREADY_FOLLOWED,
            ),
        ]

    def __str__(self) -> str:
        return self.indicator.code if self.indicator is not None else self.proxy_name


# --- review of existing frameworks -----------------------------------------------------


class FrameworkKind(models.TextChoices):
    INSTITUTION = "institution", _("Institution")
    STRATEGY = "strategy", _("Strategy")
    LEGISLATION = "legislation", _("Legislation")
    POLICY_FRAMEWORK = "policy_framework", _("Policy framework")
    PLAN = "plan", _("Plan")
    PROJECT = "project", _("Project")


class FrameworkLevel(models.TextChoices):
    NATIONAL = "national", _("National")
    LOCAL = "local", _("Local")
    REGIONAL = "regional", _("Regional or international")


PERIOD_BACKWARDS = _("The period cannot end before it starts.")
FRAMEWORK_ALREADY_IN_PLAN = _("A framework of this kind with this name is already in the plan.")

# Years a framework can be in force: wide enough for old legislation still in force and
# long-term strategies, narrow enough to catch a mistyped year (0, 10000).
FRAMEWORK_FIRST_YEAR = 1900
FRAMEWORK_LAST_YEAR = 2100
FRAMEWORK_YEAR_OUT_OF_RANGE = format_lazy(
    _("Enter a year from {first} to {last}."), first=FRAMEWORK_FIRST_YEAR, last=FRAMEWORK_LAST_YEAR
)
FRAMEWORK_YEAR_VALIDATORS = [
    MinValueValidator(FRAMEWORK_FIRST_YEAR, message=FRAMEWORK_YEAR_OUT_OF_RANGE),
    MaxValueValidator(FRAMEWORK_LAST_YEAR, message=FRAMEWORK_YEAR_OUT_OF_RANGE),
]


class Framework(Versioned):
    """Something that already exists and is relevant to migration and development."""

    plan = models.ForeignKey(
        "action_plans.ActionPlan", on_delete=models.CASCADE, related_name="frameworks"
    )
    name = models.CharField(_("name"), max_length=250)
    kind = models.CharField(_("kind"), max_length=20, choices=FrameworkKind.choices)
    owner = models.ForeignKey(
        "governance.Organisation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="frameworks",
        verbose_name=_("owner organisation"),
    )
    level = models.CharField(_("level"), max_length=16, choices=FrameworkLevel.choices)
    period_start_year = models.PositiveSmallIntegerField(
        _("in force from"), null=True, blank=True, validators=FRAMEWORK_YEAR_VALIDATORS
    )
    period_end_year = models.PositiveSmallIntegerField(
        _("in force until"), null=True, blank=True, validators=FRAMEWORK_YEAR_VALIDATORS
    )
    reference = models.CharField(
        _("reference or link"), max_length=500, blank=True, help_text=_("A citation or a URL.")
    )

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("existing framework")
        verbose_name_plural = _("existing frameworks")
        ordering = ["kind", "name"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(period_start_year__isnull=True)
                | models.Q(period_end_year__isnull=True)
                | models.Q(period_end_year__gte=models.F("period_start_year")),
                name="framework_period_ends_after_it_starts",
                violation_error_message=PERIOD_BACKWARDS,
                violation_error_code="framework_period_ends_after_it_starts",
            ),
            models.CheckConstraint(
                condition=(
                    models.Q(period_start_year__isnull=True)
                    | models.Q(
                        period_start_year__gte=FRAMEWORK_FIRST_YEAR,
                        period_start_year__lte=FRAMEWORK_LAST_YEAR,
                    )
                )
                & (
                    models.Q(period_end_year__isnull=True)
                    | models.Q(
                        period_end_year__gte=FRAMEWORK_FIRST_YEAR,
                        period_end_year__lte=FRAMEWORK_LAST_YEAR,
                    )
                ),
                name="framework_period_years_in_range",
                violation_error_message=FRAMEWORK_YEAR_OUT_OF_RANGE,
            ),
            models.CheckConstraint(
                condition=models.Q(kind__in=FrameworkKind.values),
                name="framework_kind_known",
                violation_error_message=_("Choose one of the listed kinds of framework."),
            ),
            models.CheckConstraint(
                condition=models.Q(level__in=FrameworkLevel.values),
                name="framework_level_known",
                violation_error_message=_("Choose one of the listed levels."),
            ),
            models.UniqueConstraint(
                Lower("name"),
                "kind",
                "plan",
                name="framework_once_per_plan",
                violation_error_message=FRAMEWORK_ALREADY_IN_PLAN,
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Coherence(models.TextChoices):
    SYNERGY = "synergy", _("Synergy")
    INCOHERENCE = "incoherence", _("Incoherence")
    DUPLICATION = "duplication", _("Duplication")
    GAP = "gap", _("Gap to fill")


class FrameworkAssessment(models.Model):
    """How one existing framework relates to one prioritised target."""

    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="assessments")
    prioritised_target = models.ForeignKey(
        PrioritisedTarget, on_delete=models.CASCADE, related_name="assessments"
    )
    coherence = models.CharField(_("assessment"), max_length=16, choices=Coherence.choices)
    note = models.TextField(_("note"), blank=True, max_length=SHORT_TEXT_MAX_LENGTH)

    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["framework", "prioritised_target"],
                name="one_assessment_per_pair",
                violation_error_message=_(
                    "This framework is already assessed against this target."
                ),
            ),
            models.CheckConstraint(
                condition=models.Q(coherence__in=Coherence.values),
                name="assessment_coherence_known",
                violation_error_message=_("Choose one of the listed assessments."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.framework} / {self.prioritised_target}: {self.get_coherence_display()}"


# --- the consultation log ------------------------------------------------------------


class ConsultationKind(models.TextChoices):
    REVIEW_WORKSHOP = "review_workshop", _("Review workshop")
    BILATERAL_MEETING = "bilateral_meeting", _("Bilateral meeting")
    STAKEHOLDER_CONSULTATION = "stakeholder_consultation", _("Stakeholder consultation")
    FUNDING_PARTNERS_MEETING = "funding_partners_meeting", _("Funding partners meeting")


# No consultation for a Migration-SDG plan predates the 1990s; an earlier date is a typo.
CONSULTATIONS_FROM = date(1990, 1, 1)
CONSULTATION_TOO_EARLY = _("Enter a date from 1 January 1990.")


class ConsultationQuerySet(models.QuerySet):
    def with_links(self) -> "ConsultationQuerySet":
        """With who was present and what was linked: four queries, however many rows."""
        return self.prefetch_related("organisations", "prioritised_targets__target", "frameworks")

    def of_kind(self, kind: str = "") -> "ConsultationQuerySet":
        return self.filter(kind=kind) if kind else self


class Consultation(Versioned):
    """A workshop or meeting held while preparing a plan: who was there, what was
    discussed, and what came out of it (the consultation log of the guide)."""

    # The guide's four topics of a consultation; several may apply to one meeting.
    TOPIC_FIELDS = (
        "topic_beneficiaries",
        "topic_implementation_stakeholders",
        "topic_resources_needed",
        "topic_technical_capacity",
    )

    plan = models.ForeignKey(
        "action_plans.ActionPlan", on_delete=models.CASCADE, related_name="consultations"
    )
    held_on = models.DateField(
        _("date held"),
        validators=[MinValueValidator(CONSULTATIONS_FROM, message=CONSULTATION_TOO_EARLY)],
    )
    kind = models.CharField(_("kind"), max_length=32, choices=ConsultationKind.choices)
    title = models.CharField(_("title"), max_length=200)
    organisations = models.ManyToManyField(
        "governance.Organisation",
        related_name="consultations",
        verbose_name=_("organisations present"),
    )
    topic_beneficiaries = models.BooleanField(_("target beneficiaries"), default=False)
    topic_implementation_stakeholders = models.BooleanField(
        _("stakeholders for implementation"), default=False
    )
    topic_resources_needed = models.BooleanField(_("resources needed"), default=False)
    topic_technical_capacity = models.BooleanField(_("technical capacity"), default=False)
    outcomes = models.TextField(_("outcomes"), blank=True, max_length=MINUTES_MAX_LENGTH)
    decisions = models.TextField(_("decisions"), blank=True, max_length=MINUTES_MAX_LENGTH)
    prioritised_targets = models.ManyToManyField(
        PrioritisedTarget,
        blank=True,
        related_name="consultations",
        verbose_name=_("prioritised targets concerned"),
    )
    frameworks = models.ManyToManyField(
        Framework,
        blank=True,
        related_name="consultations",
        verbose_name=_("existing frameworks concerned"),
    )
    created_at = models.DateTimeField(_("recorded"), auto_now_add=True)

    history = HistoryWithLinks(m2m_fields=[organisations, prioritised_targets, frameworks])

    objects = ConsultationQuerySet.as_manager()

    class Meta:
        verbose_name = _("consultation")
        verbose_name_plural = _("consultations")
        ordering = ["-held_on", "-id"]
        indexes = [models.Index(fields=["plan", "-held_on"], name="consultation_plan_newest")]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=ConsultationKind.values),
                name="consultation_kind_known",
                violation_error_message=_("Choose one of the listed kinds of consultation."),
            ),
            models.CheckConstraint(
                condition=models.Q(held_on__gte=CONSULTATIONS_FROM),
                name="consultation_held_since_1990",
                violation_error_message=CONSULTATION_TOO_EARLY,
            ),
        ]

    def __str__(self) -> str:
        return self.title

    @property
    def topics(self) -> list[str]:
        """The topics discussed, in words."""
        return [
            str(capfirst(verbose_name(self, name)))
            for name in self.TOPIC_FIELDS
            if getattr(self, name)
        ]

    @property
    def local_actor_count(self) -> int:
        """How many local actors were present (reads prefetched organisations if any)."""
        return sum(1 for organisation in self.organisations.all() if organisation.is_local_actor)

    @property
    def linked_targets(self) -> list:
        """The prioritised targets concerned, in the official order of their codes."""
        return sorted(self.prioritised_targets.all(), key=lambda item: item.target.position)
