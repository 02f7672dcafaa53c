"""Funding sources, commitments, gaps and the localisation share (step 5 of the guide).

A source is where money comes from (a national budget line, a development partner's
migration fund, a remittance-matching scheme), provided by one organisation in one
currency. A commitment is money of a source for one intervention, at a stage of its way
(identified → pledged → committed → disbursed), with the part channelled to local actors.
Each commitment also stores its amounts in the plan's base currency, converted once when
it is saved (``msd_planner.lib.money``): every figure of the plan is a sum of those.

The resource mobilisation plan says, per intervention that needs more, how the gap is to
be closed and whom to approach; the engagement log records the meetings with funding
partners.
"""

from datetime import date

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from msd_planner.lib.history import HistoryWithLinks
from msd_planner.lib.money import (
    MONEY_DIGITS,
    MONEY_PLACES,
    RATE_DIGITS,
    RATE_PLACES,
    currency_choices,
)
from msd_planner.lib.versioned_edit import Versioned

NOTE_MAX_LENGTH = 2000
TEXT_MAX_LENGTH = 5000
# No funding for a Migration-SDG plan predates the 2030 Agenda's negotiation; an earlier
# date is a typo.
FUNDING_DATES_FROM = date(2010, 1, 1)
FUNDING_DATE_TOO_EARLY = _("Enter a date from 1 January 2010.")


def money_field(verbose_name, **kwargs) -> models.DecimalField:
    return models.DecimalField(
        verbose_name, max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES, **kwargs
    )


class SourceKind(models.TextChoices):
    LOCAL_BUDGET = "local_budget", _("Local budget")
    NATIONAL_BUDGET = "national_budget", _("National budget")
    SDG_FUND = "sdg_fund", _("SDG-related fund")
    PARTNER_MIGRATION_FUND = (
        "partner_migration_fund",
        _("Migration fund of a development partner"),
    )
    MULTILATERAL_FUND = "multilateral_fund", _("Multilateral fund")
    REMITTANCE_SCHEME = "remittance_scheme", _("Remittance-based scheme")
    DIASPORA_FOUNDATION = "diaspora_foundation", _("Diaspora contribution: foundation")
    DIASPORA_BOND = "diaspora_bond", _("Diaspora contribution: bond")
    DIASPORA_INITIATIVE = "diaspora_initiative", _("Diaspora contribution: private initiative")
    PRIVATE_SECTOR = "private_sector", _("Private sector")
    OTHER = "other", _("Other")


# The kinds the guide calls innovative, shown as such in the funding mix.
INNOVATIVE_KINDS = frozenset(
    {
        SourceKind.REMITTANCE_SCHEME,
        SourceKind.DIASPORA_FOUNDATION,
        SourceKind.DIASPORA_BOND,
        SourceKind.DIASPORA_INITIATIVE,
    }
)


class FundingSource(Versioned):
    plan = models.ForeignKey(
        "action_plans.ActionPlan", on_delete=models.CASCADE, related_name="funding_sources"
    )
    name = models.CharField(_("name"), max_length=200)
    provider = models.ForeignKey(
        "governance.Organisation",
        on_delete=models.PROTECT,
        related_name="funding_sources",
        verbose_name=_("provided by"),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=SourceKind.choices)
    currency = models.CharField(_("currency"), max_length=3, choices=currency_choices)
    description = models.TextField(_("description"), blank=True, max_length=NOTE_MAX_LENGTH)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("funding source")
        verbose_name_plural = _("funding sources")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                "plan",
                "name",
                name="funding_source_name_unique_in_plan",
                violation_error_message=_("This plan already has a source of this name."),
            ),
            models.CheckConstraint(
                condition=Q(kind__in=SourceKind.values),
                name="funding_source_kind_known",
                violation_error_message=_("Choose one of the listed kinds of source."),
            ),
        ]

    def __str__(self) -> str:
        return self.name


class Stage(models.TextChoices):
    """Where a commitment stands, in order: each stage includes the ones before it."""

    IDENTIFIED = "identified", _("Identified")
    PLEDGED = "pledged", _("Pledged")
    COMMITTED = "committed", _("Committed")
    DISBURSED = "disbursed", _("Disbursed")


# What the figures count: an amount pledged, committed or disbursed counts as pledged; an
# amount committed or disbursed counts as committed.
PLEDGED_STAGES = (Stage.PLEDGED, Stage.COMMITTED, Stage.DISBURSED)
COMMITTED_STAGES = (Stage.COMMITTED, Stage.DISBURSED)


class LocalChannel(models.TextChoices):
    DIRECT = "direct", _("Directly")
    INTERMEDIARY = "intermediary", _("Through an intermediary")


class CommitmentQuerySet(models.QuerySet):
    def in_detail(self) -> "CommitmentQuerySet":
        return self.select_related(
            "source__provider", "intervention__lead_organisation", "intervention__plan"
        ).prefetch_related("local_actors")


class Commitment(Versioned):
    """Money of a source for an intervention. The amounts are in ``currency``; the
    ``base_*`` columns hold them in the plan's base currency (converted once, on save)."""

    intervention = models.ForeignKey(
        "interventions.Intervention",
        # Money recorded against an intervention does not vanish with it: the removal is
        # refused until the commitments are moved or removed.
        on_delete=models.PROTECT,
        related_name="commitments",
        verbose_name=_("intervention"),
        db_index=False,  # commitment_figures_idx starts with it
    )
    source = models.ForeignKey(
        FundingSource,
        on_delete=models.PROTECT,
        related_name="commitments",
        verbose_name=_("source"),
    )
    stage = models.CharField(_("stage"), max_length=16, choices=Stage.choices)
    amount = money_field(_("amount"))
    currency = models.CharField(_("currency"), max_length=3, choices=currency_choices)
    exchange_rate = models.DecimalField(
        _("exchange rate to the base currency"),
        max_digits=RATE_DIGITS,
        decimal_places=RATE_PLACES,
        null=True,
        blank=True,
    )
    rate_date = models.DateField(_("date of the rate"), null=True, blank=True)
    disbursed = money_field(_("disbursed to date"), default=0)
    dated = models.DateField(
        _("date"),
        validators=[MinValueValidator(FUNDING_DATES_FROM, message=FUNDING_DATE_TOO_EARLY)],
    )
    to_local_actors = money_field(_("channelled to local actors"), default=0)
    local_channel = models.CharField(
        _("how it reaches them"), max_length=16, choices=LocalChannel.choices, blank=True
    )
    local_actors = models.ManyToManyField(
        "governance.Organisation",
        blank=True,
        related_name="local_funding",
        verbose_name=_("local actors receiving it"),
    )
    notes = models.TextField(_("notes"), blank=True, max_length=NOTE_MAX_LENGTH)
    # In the plan's base currency, each rounded once (see the module's docstring).
    base_amount = money_field(_("amount in the base currency"))
    base_disbursed = money_field(_("disbursed in the base currency"), default=0)
    base_to_local_actors = money_field(_("to local actors in the base currency"), default=0)
    # The local actors' part of what is disbursed (to_local_actors × disbursed ÷ amount):
    # funds reach them as they are disbursed.
    base_disbursed_to_local_actors = money_field(
        _("disbursed to local actors in the base currency"), default=0
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoryWithLinks(m2m_fields=[local_actors])
    objects = CommitmentQuerySet.as_manager()

    class Meta:
        verbose_name = _("commitment")
        verbose_name_plural = _("commitments")
        ordering = ["-dated", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount__gt=0) & Q(base_amount__gte=0),
                name="commitment_amount_positive",
                violation_error_message=_("Enter an amount above zero."),
            ),
            models.CheckConstraint(
                condition=Q(disbursed__gte=0) & Q(disbursed__lte=models.F("amount")),
                name="commitment_disbursed_within_amount",
                violation_error_message=_("The amount disbursed cannot exceed the amount."),
            ),
            models.CheckConstraint(
                condition=Q(stage="disbursed") | Q(disbursed=0),
                name="commitment_disbursed_only_when_disbursed",
                violation_error_message=_("Only a disbursed commitment has an amount disbursed."),
            ),
            models.CheckConstraint(
                condition=Q(to_local_actors__gte=0) & Q(to_local_actors__lte=models.F("amount")),
                name="commitment_local_part_within_amount",
                violation_error_message=_("The part for local actors cannot exceed the amount."),
            ),
            models.CheckConstraint(
                condition=Q(exchange_rate__isnull=True) | Q(exchange_rate__gt=0),
                name="commitment_rate_positive",
                violation_error_message=_("Enter an exchange rate above zero."),
            ),
            models.CheckConstraint(
                condition=Q(stage__in=Stage.values)
                & Q(local_channel__in=["", *LocalChannel.values]),
                name="commitment_choices_known",
                violation_error_message=_("Choose one of the listed stages and channels."),
            ),
        ]
        indexes = [
            # Every figure sums these columns of an intervention's commitments, or of a
            # plan's, reached through its interventions: PostgreSQL reads them from the
            # index alone (an index-only scan), not the table's rows. Its first column
            # serves the foreign key's lookups.
            models.Index(
                fields=[
                    "intervention",
                    "stage",
                    "source",
                    "base_amount",
                    "base_disbursed",
                    "base_to_local_actors",
                    "base_disbursed_to_local_actors",
                ],
                name="commitment_figures_idx",
            ),
            # The committed funds that reach local actors: a few of the commitments,
            # found without reading the others (funding.selectors.local_recipients).
            models.Index(
                fields=["intervention"],
                condition=Q(base_to_local_actors__gt=0, stage__in=COMMITTED_STAGES),
                name="commitment_local_part_idx",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.source} → {self.intervention}"


class MobilisationStrategy(Versioned):
    """How the funding gap of one intervention is to be closed: the strategy, and the
    funding partners to approach."""

    intervention = models.OneToOneField(
        "interventions.Intervention",
        on_delete=models.CASCADE,
        related_name="mobilisation_strategy",
        verbose_name=_("intervention"),
    )
    strategy = models.TextField(_("strategy"), blank=True, max_length=TEXT_MAX_LENGTH)
    partners_to_approach = models.ManyToManyField(
        "governance.Organisation",
        blank=True,
        related_name="approached_for",
        verbose_name=_("funding partners to approach"),
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoryWithLinks(m2m_fields=[partners_to_approach])

    class Meta:
        verbose_name = _("mobilisation strategy")
        verbose_name_plural = _("mobilisation strategies")

    def __str__(self) -> str:
        return str(self.intervention)


class EngagementKind(models.TextChoices):
    BILATERAL_MEETING = "bilateral_meeting", _("Bilateral meeting")
    CONSULTATION = "consultation", _("Consultation")
    PROPOSAL_SENT = "proposal_sent", _("Proposal sent")
    OTHER = "other", _("Other contact")


class Engagement(Versioned):
    """A contact with a funding partner: a meeting, a consultation (linked to the plan's
    consultation log) or a proposal sent."""

    plan = models.ForeignKey(
        "action_plans.ActionPlan", on_delete=models.CASCADE, related_name="engagements"
    )
    held_on = models.DateField(
        _("date"),
        validators=[MinValueValidator(FUNDING_DATES_FROM, message=FUNDING_DATE_TOO_EARLY)],
    )
    partner = models.ForeignKey(
        "governance.Organisation",
        on_delete=models.PROTECT,
        related_name="funding_engagements",
        verbose_name=_("funding partner"),
    )
    kind = models.CharField(_("kind"), max_length=32, choices=EngagementKind.choices)
    consultation = models.ForeignKey(
        "targets.Consultation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="funding_engagements",
        verbose_name=_("consultation in the log"),
    )
    interventions = models.ManyToManyField(
        "interventions.Intervention",
        blank=True,
        related_name="engagements",
        verbose_name=_("interventions discussed"),
    )
    interests = models.TextField(
        _("the partner's interests"), blank=True, max_length=NOTE_MAX_LENGTH
    )
    next_step = models.TextField(_("next step"), blank=True, max_length=NOTE_MAX_LENGTH)
    outcome = models.TextField(_("outcome"), blank=True, max_length=NOTE_MAX_LENGTH)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoryWithLinks(m2m_fields=[interventions])

    class Meta:
        verbose_name = _("engagement with a funding partner")
        verbose_name_plural = _("engagements with funding partners")
        ordering = ["-held_on", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind__in=EngagementKind.values),
                name="engagement_kind_known",
                violation_error_message=_("Choose one of the listed kinds of engagement."),
            ),
            models.CheckConstraint(
                condition=~Q(kind="consultation") | Q(consultation__isnull=False),
                name="engagement_consultation_linked",
                violation_error_message=_("Choose the consultation in the log."),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.partner} ({self.held_on})"


# --- the localisation pledge -------------------------------------------------------------

SHARE_OUT_OF_RANGE = _("Enter a share from 0 to 100 percent.")


def target_share_field(verbose_name, help_text) -> models.DecimalField:
    return models.DecimalField(
        verbose_name,
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=help_text,
        validators=[
            MinValueValidator(0, message=SHARE_OUT_OF_RANGE),
            MaxValueValidator(100, message=SHARE_OUT_OF_RANGE),
        ],
    )


class LocalisationTarget(Versioned):
    """The plan's pledge to local actors, as a target: the share of committed and of
    disbursed funds, in percent, that should reach them (either may be left unset)."""

    plan = models.OneToOneField(
        "action_plans.ActionPlan", on_delete=models.CASCADE, related_name="localisation_target"
    )
    of_committed = target_share_field(
        _("target share of committed funds (%)"),
        _("The share of committed funds that should reach local actors, from 0 to 100."),
    )
    of_disbursed = target_share_field(
        _("target share of disbursed funds (%)"),
        _("The share of disbursed funds that should reach local actors, from 0 to 100."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = _("localisation target")
        verbose_name_plural = _("localisation targets")
        constraints = [
            models.CheckConstraint(
                condition=(Q(of_committed__isnull=True) | Q(of_committed__range=(0, 100)))
                & (Q(of_disbursed__isnull=True) | Q(of_disbursed__range=(0, 100))),
                name="localisation_target_share_in_range",
                violation_error_message=SHARE_OUT_OF_RANGE,
            ),
        ]

    def __str__(self) -> str:
        return str(self.plan)


# --- capacity-strengthening needs of local actors ----------------------------------------


class CapacityNeed(Versioned):
    """A capacity-strengthening need a local actor states for itself (the localisation
    pledge: local actors are best placed to say what they need): what, why and by when.
    It is met once an intervention of the plan addresses it."""

    plan = models.ForeignKey(
        "action_plans.ActionPlan", on_delete=models.CASCADE, related_name="capacity_needs"
    )
    organisation = models.ForeignKey(
        "governance.Organisation",
        on_delete=models.PROTECT,
        related_name="capacity_needs",
        verbose_name=_("local actor"),
    )
    what = models.CharField(_("what is needed"), max_length=200)
    why = models.TextField(_("why"), max_length=TEXT_MAX_LENGTH)
    by_when = models.DateField(_("needed by"))
    addressed_by = models.ManyToManyField(
        "interventions.Intervention",
        blank=True,
        related_name="capacity_needs",
        verbose_name=_("interventions addressing it"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    history = HistoryWithLinks(m2m_fields=[addressed_by])

    class Meta:
        verbose_name = _("capacity-strengthening need")
        verbose_name_plural = _("capacity-strengthening needs")
        ordering = ["by_when", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(what=""),
                name="capacity_need_what_stated",
                violation_error_message=_("Say what capacity is needed."),
            ),
            models.CheckConstraint(
                condition=~Q(why=""),
                name="capacity_need_why_stated",
                violation_error_message=_("Say why it is needed."),
            ),
            models.UniqueConstraint(
                "plan",
                "organisation",
                "what",
                name="capacity_need_unique_per_organisation",
                violation_error_message=_(
                    "This organisation has already recorded a need of this title in the plan."
                ),
            ),
        ]

    def __str__(self) -> str:
        return self.what
