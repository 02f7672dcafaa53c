"""The prioritised targets and the review of existing frameworks in a plan's snapshot."""

import re

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy

from action_plans.hooks import (
    SnapshotSection,
    choice_term,
    date_term,
    frozen_number,
    number_term,
    pairs_term,
)
from action_plans.models import ActionPlan
from governance.models import Organisation
from msd_planner.lib.fields import verbose_name
from msd_planner.lib.translation import CONTENT_LANGUAGES, active_content_language
from targets.models import (
    Coherence,
    Consultation,
    ConsultationKind,
    Framework,
    FrameworkAssessment,
    FrameworkKind,
    FrameworkLevel,
    PrioritisedTarget,
    Target,
)
from targets.selectors import RankedTarget, ranked_targets


def target_titles(target: Target) -> dict[str, str]:
    """A target's official title in every language of the catalogue, for a record that
    is read in any of them (``target_label``)."""
    return {language: target.translated_in("title", language) for language in CONTENT_LANGUAGES}


def target_label(record: dict) -> str | None:
    """A target record's label in the active language: its code and title."""
    titles = record.get("titles")
    if not titles:
        return None
    code = record["key"].split(":", 1)[1]
    return f"{code} {titles.get(active_content_language()) or next(iter(titles.values()))}"


def build(plan: ActionPlan) -> dict:
    """Eight queries: the ranking's four, the frameworks and their assessments, the
    consultations and who was present."""
    _criteria, ranked = ranked_targets(plan)
    frameworks = _framework_records(plan)
    return {
        "records": [
            *(_target_record(entry) for entry in ranked),
            *frameworks,
            *_consultations(plan),
        ],
        "totals": {"targets": str(len(ranked)), "frameworks": str(len(frameworks))},
    }


def _target_record(entry: RankedTarget) -> dict:
    """A prioritised target as ranked, with its baseline and the indicators it follows."""
    item = entry.prioritised
    return {
        "key": f"target:{item.target.code}",
        "kind": "target",
        "label": f"{item.target.code} {item.target.title_en}",
        "titles": target_titles(item.target),
        "fields": {
            "rank": str(entry.rank),
            "score": frozen_number(entry.score),
            "rationale": item.rationale,
            "local_adaptation": item.local_adaptation,
            "responsible": str(item.responsible_organisation or "") or None,
            "baseline": _baseline_text(item),
            "indicators": [
                followed.indicator.code if followed.indicator else followed.proxy_name
                for followed in item.indicators.all()
            ],
        },
    }


def _baseline_text(item: PrioritisedTarget) -> str | None:
    """The baseline as one text: value, unit, (year), source; None without a value."""
    if item.baseline_value is None:
        return None
    return " ".join(
        part
        for part in (
            frozen_number(item.baseline_value),
            item.baseline_unit,
            f"({item.baseline_year})" if item.baseline_year else "",
            item.baseline_source,
        )
        if part
    )


def _framework_records(plan: ActionPlan) -> list[dict]:
    """The existing frameworks reviewed, each with its assessments by target."""
    frameworks = (
        Framework.objects.filter(plan=plan)
        .select_related("owner")
        .prefetch_related(
            Prefetch(
                "assessments",
                queryset=FrameworkAssessment.objects.select_related(
                    "prioritised_target__target"
                ).order_by("prioritised_target__target__position"),
            )
        )
        .order_by("name")
    )
    return [
        {
            "key": f"framework:{framework.pk}",
            "kind": "framework",
            "label": framework.name,
            "fields": {
                "framework_kind": framework.kind,
                "level": framework.level,
                "owner": str(framework.owner) if framework.owner_id else None,
                "assessments": [
                    [
                        assessment.prioritised_target.target.code,
                        assessment.coherence,
                        assessment.note,
                    ]
                    for assessment in framework.assessments.all()
                ],
            },
        }
        for framework in frameworks
    ]


def _consultations(plan: ActionPlan) -> list[dict]:
    """The consultation log, oldest first: codes for the kind and the topics, the date in
    ISO, what users typed as typed. ``credits`` keeps how each organisation present wishes
    to be credited, for the document (the version's page names them all, as the log does)."""
    records = []
    consultations = (
        Consultation.objects.filter(plan=plan)
        .prefetch_related(Prefetch("organisations", queryset=Organisation.objects.order_by("name")))
        .order_by("held_on", "pk")
    )
    for consultation in consultations:
        present = list(consultation.organisations.all())
        records.append(
            {
                "key": f"consultation:{consultation.pk}",
                "kind": "consultation",
                "label": consultation.title,
                "credits": [
                    [str(organisation), organisation.credit_preference] for organisation in present
                ],
                "fields": {
                    "held_on": consultation.held_on.isoformat(),
                    "consultation_kind": consultation.kind,
                    "present": [str(organisation) for organisation in present],
                    "topics": [
                        name for name in Consultation.TOPIC_FIELDS if getattr(consultation, name)
                    ],
                    "outcomes": consultation.outcomes,
                    "decisions": consultation.decisions,
                },
            }
        )
    return records


_coherence = choice_term(Coherence.choices)
_LEADING_NUMBER = re.compile(r"(-?\d+(?:\.\d+)?)(\s.*)?", re.DOTALL)


def _baseline(value: str) -> str:
    """A baseline stored as "12000 people (2024) survey": its value as the reader writes
    numbers, the rest (unit, year, source) as stored."""
    match = _LEADING_NUMBER.fullmatch(value) if isinstance(value, str) else None
    if match is None:
        return value
    return f"{number_term(match[1])}{match[2] or ''}"


def _assessment(target: str, coherence: str, note: str | None) -> str:
    return f"{target}: {_coherence(coherence)}" + (f" ({note})" if note else "")


_topics = [(name, verbose_name(Consultation, name)) for name in Consultation.TOPIC_FIELDS]

SECTION = SnapshotSection(
    name="targets",
    title=gettext_lazy("Prioritised targets, frameworks and consultations"),
    order=20,
    build=build,
    kinds={
        "target": gettext_lazy("Target"),
        "framework": gettext_lazy("Framework"),
        "consultation": gettext_lazy("Consultation"),
    },
    fields={
        "rank": gettext_lazy("rank"),
        "score": gettext_lazy("score"),
        "rationale": gettext_lazy("rationale"),
        "local_adaptation": gettext_lazy("local adaptation"),
        "responsible": gettext_lazy("responsible organisation"),
        "baseline": gettext_lazy("baseline"),
        "indicators": gettext_lazy("indicators"),
        "framework_kind": gettext_lazy("kind"),
        "level": gettext_lazy("level"),
        "owner": gettext_lazy("owner"),
        "assessments": gettext_lazy("coherence with the targets"),
        "held_on": gettext_lazy("date held"),
        "consultation_kind": gettext_lazy("kind of consultation"),
        "present": gettext_lazy("organisations present"),
        "topics": gettext_lazy("topics discussed"),
        "outcomes": gettext_lazy("outcomes"),
        "decisions": gettext_lazy("decisions"),
        "targets": gettext_lazy("prioritised targets"),
        "frameworks": gettext_lazy("frameworks reviewed"),
    },
    terms={
        "score": number_term,
        "baseline": _baseline,
        "framework_kind": choice_term(FrameworkKind.choices),
        "level": choice_term(FrameworkLevel.choices),
        # format 1 stored "10.7: Synergy (a note)"
        "assessments": pairs_term(_assessment, re.compile(r"(\S+): (.+?)(?: \((.*)\))?")),
        "held_on": date_term,
        "consultation_kind": choice_term(ConsultationKind.choices),
        "topics": choice_term(_topics),
    },
    # A label may be None (the stored one is kept); hooks.SnapshotSection says str for now.
    labels={"target": target_label},
)
