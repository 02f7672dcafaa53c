"""Demonstration prioritised targets, framework review and consultation log of the
national plan (``manage.py load_demo``), recorded once."""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from action_plans.demo import DemoData, register_demo_step
from action_plans.models import ActionPlan
from governance.models import Organisation, User
from targets.models import (
    Coherence,
    Consultation,
    ConsultationKind,
    Framework,
    FrameworkKind,
    FrameworkLevel,
    Indicator,
    PrioritisedTarget,
    ProposalStatus,
    Target,
)
from targets.services import (
    baseline_update,
    catalogue_load,
    consultation_create,
    followed_indicator_add,
    framework_assessments_set,
    framework_create,
    prioritised_target_add,
    prioritised_target_update,
    target_scores_set,
)

# Target code → (rationale, scores on the five default criteria, baseline, indicators,
# responsible organisation's acronym).
DEMO_TARGETS = {
    "10.7": (
        "Most emigration from Ghana is irregular and unplanned; the 2016 National Migration "
        "Policy has no costed implementation plan.",
        [5, 5, 4, 4, 3],
        (Decimal("21.5"), "% of monthly income", 2023, "GSS Labour Force Survey 2023"),
        ["10.7.1", "10.7.2"],
        "MINT",
    ),
    "10.c": (
        "Remittances exceed official development assistance; sending GHS 500 from Europe "
        "still costs about 8%.",
        [5, 4, 4, 5, 4],
        (Decimal("8.1"), "% of amount remitted", 2024, "World Bank Remittance Prices"),
        ["10.c.1"],
        "GSS",
    ),
    "8.8": (
        "Returning labour migrants report unpaid wages and confiscated passports in the Gulf.",
        [4, 5, 3, 3, 2],
        None,
        ["8.8.2"],
        "MELR",
    ),
    "17.18": (
        "Migration data are scattered across five agencies; disaggregation by migratory "
        "status is rare.",
        [4, 3, 4, 3, 5],
        None,
        ["17.18.1"],
        "GSS",
    ),
}
DEMO_FRAMEWORKS = [
    ("National Migration Policy (2016)", FrameworkKind.POLICY_FRAMEWORK, "MINT", 2016, None,
     {"10.7": (Coherence.SYNERGY, "Sets the objectives; lacks an action plan and budget.")}),
    ("National Labour Migration Policy (2020–2024)", FrameworkKind.POLICY_FRAMEWORK, "MELR",
     2020, 2024,
     {"8.8": (Coherence.SYNERGY, "Covers bilateral labour agreements."),
      "10.7": (Coherence.DUPLICATION, "Its recruitment-cost work overlaps the new plan.")}),
    ("Labour Act, 2003 (Act 651)", FrameworkKind.LEGISLATION, "MELR", 2003, None,
     {"8.8": (Coherence.GAP, "No provision for Ghanaians employed abroad.")}),
    ("Diaspora remittance corridor pilot", FrameworkKind.PROJECT, "GDF", 2023, 2025,
     {"10.c": (Coherence.INCOHERENCE, "Subsidises one operator, which keeps prices up.")}),
]  # fmt: skip


def _ensure_targets(actor: User, plan: ActionPlan, organisations: dict[str, Organisation]) -> None:
    """Prioritised targets, a pending proposal and the framework review of the national plan."""
    if plan.prioritised_targets.exists():
        return
    items = {
        code: _demo_target(actor, plan, organisations, code, *row)
        for code, row in DEMO_TARGETS.items()
    }
    _demo_proposals(plan, organisations)
    _demo_frameworks(actor, plan, organisations, items)


def _demo_target(
    actor: User,
    plan: ActionPlan,
    organisations: dict[str, Organisation],
    code: str,
    rationale: str,
    scores,
    baseline,
    indicators,
    responsible: str,
) -> PrioritisedTarget:
    """One of ``DEMO_TARGETS``, prioritised, scored, with its baseline and indicators."""
    item = prioritised_target_add(
        actor=actor,
        plan=plan,
        target=Target.objects.get(code=code),
        rationale=rationale,
    )
    item = prioritised_target_update(
        actor=actor,
        prioritised_target=item,
        expected_version=item.version,
        data={"responsible_organisation": organisations[responsible]},
    ).instance
    if baseline:
        value, unit, year, source = baseline
        item = baseline_update(
            actor=actor,
            prioritised_target=item,
            expected_version=item.version,
            data={
                "baseline_value": value,
                "baseline_unit": unit,
                "baseline_year": year,
                "baseline_source": source,
            },
        ).instance
    criteria = list(plan.scoring_criteria.all())
    item = target_scores_set(
        actor=actor,
        prioritised_target=item,
        expected_version=item.version,
        scores={criterion.id: score for criterion, score in zip(criteria, scores, strict=True)},
    )
    for indicator in indicators:
        followed_indicator_add(
            actor=actor,
            prioritised_target=item,
            indicator=Indicator.objects.get(code=indicator),
        )
    return item


def _demo_proposals(plan: ActionPlan, organisations: dict[str, Organisation]) -> None:
    """Two targets proposed by ministries' editors, awaiting the coordinators' decision."""
    labour_editor = User.objects.get(username="editor")
    prioritised_target_add(
        actor=labour_editor,
        plan=plan,
        target=Target.objects.get(code="8.7"),
        rationale="Child labour in cocoa-growing areas draws on internal migrant children.",
        proposer_organisation=organisations["MELR"],
    )
    statistics_editor = User.objects.get(username="stats.editor")
    prioritised_target_add(
        actor=statistics_editor,
        plan=plan,
        target=Target.objects.get(code="16.9"),
        rationale="Returnees' children born abroad often have no birth record in Ghana.",
        proposer_organisation=organisations["GSS"],
    )


def _demo_frameworks(
    actor: User,
    plan: ActionPlan,
    organisations: dict[str, Organisation],
    items: dict[str, PrioritisedTarget],
) -> None:
    """``DEMO_FRAMEWORKS``, each assessed against the prioritised targets ``items``."""
    for name, kind, owner, start, end, assessments in DEMO_FRAMEWORKS:
        framework = framework_create(
            actor=actor,
            plan=plan,
            framework=Framework(
                name=name,
                kind=kind,
                owner=organisations[owner],
                level=FrameworkLevel.NATIONAL,
                period_start_year=start,
                period_end_year=end,
            ),
        )
        framework_assessments_set(
            actor=actor,
            framework=framework,
            expected_version=framework.version,
            assessments={items[code].id: value for code, value in assessments.items()},
        )


@dataclass(frozen=True)
class DemoConsultation:
    title: str
    held_on: date
    kind: str
    organisations: tuple[str, ...]  # acronyms
    topics: tuple[str, ...]  # Consultation.TOPIC_FIELDS
    targets: tuple[str, ...]  # target codes
    frameworks: tuple[str, ...]  # framework names
    outcomes: str
    decisions: str


DEMO_CONSULTATIONS = [
    DemoConsultation(
        "Review workshop on the prioritised targets with local partners",
        date(2025, 9, 17),
        ConsultationKind.REVIEW_WORKSHOP,
        ("MINT", "GSS", "MELR", "IOM", "AMWA", "WOMN"),
        ("topic_beneficiaries", "topic_implementation_stakeholders"),
        ("10.7", "8.8"),
        ("National Labour Migration Policy (2020–2024)",),
        "The migrant workers' and women's associations asked that returnees and the families "
        "of workers abroad count as beneficiaries, not only those leaving. Workers from "
        "Ashaiman reported recruitment fees of three to six months' wages.",
        "MINT adds returnees to the beneficiaries of 10.7. MELR and AMWA draft the "
        "recruitment-fee intervention together before the next review.",
    ),
    DemoConsultation(
        "Survey data by migratory status",
        date(2025, 10, 8),
        ConsultationKind.BILATERAL_MEETING,
        ("GSS", "MELR"),
        ("topic_technical_capacity",),
        ("17.18", "8.8"),
        (),
        "The Labour Force Survey can ask about migratory status from its 2026 round; the "
        "labour inspectorate's records of complaints cannot yet be linked to it.",
        "GSS drafts the survey module; MELR names a focal point for inspection data.",
    ),
    DemoConsultation(
        "Funding partners round table on remittance costs and migration data",
        date(2025, 11, 5),
        ConsultationKind.FUNDING_PARTNERS_MEETING,
        ("MINT", "NDPC", "GSS", "IOM", "GDF"),
        ("topic_resources_needed", "topic_technical_capacity"),
        ("10.c", "17.18"),
        ("Diaspora remittance corridor pilot",),
        "Partners would co-finance a price-comparison service for remittances once the "
        "corridor pilot ends; the survey module needs about GHS 1.2 million over two rounds.",
        "NDPC puts the data component in the 2026 budget request. IOM sends a costed "
        "proposal for the survey module by the end of January.",
    ),
]


def _ensure_consultations(
    actor: User, plan: ActionPlan, organisations: dict[str, Organisation]
) -> None:
    """The consultation log of the national plan, recorded once."""
    if plan.consultations.exists():
        return
    for spec in DEMO_CONSULTATIONS:
        consultation_create(
            actor=actor,
            plan=plan,
            consultation=Consultation(
                title=spec.title,
                held_on=spec.held_on,
                kind=spec.kind,
                outcomes=spec.outcomes,
                decisions=spec.decisions,
                **dict.fromkeys(spec.topics, True),
            ),
            organisations=[organisations[acronym] for acronym in spec.organisations],
            prioritised_targets=plan.prioritised_targets.filter(
                target__code__in=spec.targets, status=ProposalStatus.ACCEPTED
            ),
            frameworks=plan.frameworks.filter(name__in=spec.frameworks),
        )


ACCRA_TARGET = (
    "10.7",
    "Accra receives most of the country's internal and returning migrants; orderly, safe "
    "arrival and access to services are the Assembly's first concern.",
)


def _ensure_local_target(plan: ActionPlan) -> None:
    """The Accra plan's one prioritised target, so that it can go to validation."""
    if plan.prioritised_targets.exists():
        return
    code, rationale = ACCRA_TARGET
    prioritised_target_add(
        actor=User.objects.get(username="local.coordinator"),
        plan=plan,
        target=Target.objects.get(code=code),
        rationale=rationale,
    )


def load(data: DemoData) -> None:
    if not Target.objects.exists():
        catalogue_load()
    coordinator = User.objects.get(username="coordinator")
    national = data.plans["national"]
    _ensure_targets(coordinator, national, data.organisations)
    _ensure_consultations(coordinator, national, data.organisations)
    _ensure_local_target(data.plans["local"])


def register() -> None:
    register_demo_step(load)
