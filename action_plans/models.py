from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _
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
    status = models.CharField(
        _("status"), max_length=16, choices=PlanStatus.choices, default=PlanStatus.DRAFT
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    history = HistoricalRecords()

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


# Direct foreign-key permission tables: plan permissions are read on every page, and
# guardian's generic tables (text object ids) get slow at scale.
class ActionPlanUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(ActionPlan, on_delete=models.CASCADE)


class ActionPlanGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(ActionPlan, on_delete=models.CASCADE)
