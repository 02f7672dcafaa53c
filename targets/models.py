import re

from django.db import models
from django.utils.translation import gettext_lazy as _

from msd_planner.lib.translation import TranslatedFieldsMixin, active_content_language

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

    @property
    def is_migration_relevant(self) -> bool:
        return self.migration_relevance != MigrationRelevance.NONE


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
