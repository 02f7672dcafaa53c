"""Demonstration data: a national and a local plan, their organisations, and a user per role.

Used by ``manage.py load_demo``. Every step looks records up by a natural key first and
goes through the same services as the app, so running it again creates nothing new and
leaves edits made through the app alone.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from django.db import transaction

from action_plans.models import ActionPlan, PlanLevel
from governance.models import (
    Activity,
    Consultation,
    ConsultationKind,
    CreditPreference,
    LeadArrangement,
    LeadModel,
    Organisation,
    OrganisationLevel,
    OrganisationType,
    Participation,
    Role,
    User,
)
from governance.services import (
    LeadArrangementData,
    consultation_save,
    lead_arrangement_set,
    membership_set,
    participation_add,
)
from targets.models import (
    Coherence,
    Framework,
    FrameworkKind,
    FrameworkLevel,
    Indicator,
    ProposalStatus,
    Target,
)
from targets.services import (
    catalogue_load,
    followed_indicator_add,
    framework_assessments_set,
    framework_save,
    prioritised_target_add,
    prioritised_target_update,
    target_scores_set,
)

DEMO_PASSWORD = "msd-demo-2030"  # noqa: S105 - documented in README, demo only


@dataclass(frozen=True)
class DemoUser:
    username: str
    first_name: str
    last_name: str
    email: str
    organisation: str | None = None  # acronym
    role: str | None = None
    is_superuser: bool = False


DEMO_USERS = [
    DemoUser("admin", "Ada", "Mensah", "admin@planner.example", is_superuser=True),
    DemoUser("coordinator", "Kofi", "Boateng", "k.boateng@mint.example", "MINT", Role.COORDINATOR),
    DemoUser("editor", "Efua", "Owusu", "e.owusu@melr.example", "MELR", Role.EDITOR),
    DemoUser("signatory", "Samuel", "Asante", "s.asante@melr.example", "MELR", Role.SIGNATORY),
    DemoUser("viewer", "Vida", "Addo", "v.addo@melr.example", "MELR", Role.VIEWER),
    DemoUser("stats.editor", "Yaw", "Darko", "y.darko@gss.example", "GSS", Role.EDITOR),
    DemoUser(
        "local.coordinator", "Lydia", "Tetteh", "l.tetteh@ama.example", "AMA", Role.COORDINATOR
    ),
]

_NATIONAL = {"level": OrganisationLevel.NATIONAL, "country": "GH"}
_LOCAL_ACTOR = {"level": OrganisationLevel.LOCAL, "country": "GH", "is_local_actor": True}
DEMO_ORGANISATIONS = [
    {
        "name": "Ministry of the Interior",
        "acronym": "MINT",
        "type": OrganisationType.MINISTRY,
        **_NATIONAL,
    },
    {
        "name": "Ghana Statistical Service",
        "acronym": "GSS",
        "type": OrganisationType.STATISTICS_OFFICE,
        **_NATIONAL,
    },
    {
        "name": "National Development Planning Commission",
        "acronym": "NDPC",
        "type": OrganisationType.PLANNING_MINISTRY,
        **_NATIONAL,
    },
    {
        "name": "Ministry of Employment and Labour Relations",
        "acronym": "MELR",
        "type": OrganisationType.MINISTRY,
        **_NATIONAL,
    },
    {
        "name": "Ministry of Health",
        "acronym": "MOH",
        "type": OrganisationType.MINISTRY,
        **_NATIONAL,
    },
    {
        "name": "International Organization for Migration",
        "acronym": "IOM",
        "type": OrganisationType.INTERNATIONAL,
        "level": OrganisationLevel.INTERNATIONAL,
    },
    {
        "name": "Accra Metropolitan Assembly",
        "acronym": "AMA",
        "type": OrganisationType.LOCAL_GOVERNMENT,
        "level": OrganisationLevel.LOCAL,
        "country": "GH",
    },
    {
        "name": "Ashaiman Migrant Workers' Association",
        "acronym": "AMWA",
        "type": OrganisationType.MIGRANT_LED,
        "led_by_migrants": True,
        **_LOCAL_ACTOR,
    },
    {
        "name": "Women on the Move Network",
        "acronym": "WOMN",
        "type": OrganisationType.CIVIL_SOCIETY,
        "led_by_women": True,
        "credit_preference": CreditPreference.ANONYMOUS,
        **_LOCAL_ACTOR,
    },
    {
        "name": "Ghana Diaspora Forum",
        "acronym": "GDF",
        "type": OrganisationType.DIASPORA,
        "level": OrganisationLevel.INTERNATIONAL,
        "country": "GH",
    },
]

NATIONAL_PLAN = {
    "title": "National Migration-SDG Action Plan 2025–2030",
    "country": "GH",
    "level": PlanLevel.NATIONAL,
    "area_name": "Ghana",
    "period_start_year": 2025,
    "period_end_year": 2030,
    "base_currency": "GHS",
}
LOCAL_PLAN = {
    "title": "Accra Metropolitan Migration-SDG Action Plan 2026–2030",
    "country": "GH",
    "level": PlanLevel.LOCAL,
    "area_name": "Accra Metropolitan Area",
    "period_start_year": 2026,
    "period_end_year": 2030,
    "base_currency": "GHS",
}


@dataclass
class DemoResult:
    users_created: int = 0
    organisations_created: int = 0
    plans_created: int = 0


def _ensure_user(spec: DemoUser, organisations: dict[str, Organisation]) -> bool:
    user, created = User.objects.get_or_create(
        username=spec.username,
        defaults={
            "first_name": spec.first_name,
            "last_name": spec.last_name,
            "email": spec.email,
            "is_superuser": spec.is_superuser,
            "is_staff": spec.is_superuser,
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    if created and spec.organisation:
        membership_set(
            actor=None, user=user, organisation=organisations[spec.organisation], role=spec.role
        )
    return created


def _ensure_plan(values: dict) -> tuple[ActionPlan, bool]:
    lookup = {key: values[key] for key in ("title", "country")}
    defaults = {key: value for key, value in values.items() if key not in lookup}
    return ActionPlan.objects.get_or_create(**lookup, defaults=defaults)


def _ensure_governance(
    actor: User,
    plan: ActionPlan,
    arrangement: LeadArrangementData,
    participants: dict[Organisation, bool],
) -> None:
    if not LeadArrangement.objects.filter(plan=plan).exists():
        lead_arrangement_set(actor=actor, plan=plan, data=arrangement)
    for organisation, signatory_required in participants.items():
        if not Participation.objects.filter(plan=plan, organisation=organisation).exists():
            participation_add(
                actor=actor,
                plan=plan,
                organisation=organisation,
                signatory_required=signatory_required,
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
    items = {}
    for code, (rationale, scores, baseline, indicators, responsible) in DEMO_TARGETS.items():
        item = prioritised_target_add(
            actor=actor,
            plan=plan,
            target=Target.objects.get(code=code),
            rationale=rationale,
        )
        changes = {"responsible_organisation": organisations[responsible]}
        if baseline:
            value, unit, year, source = baseline
            changes |= {
                "baseline_value": value,
                "baseline_unit": unit,
                "baseline_year": year,
                "baseline_source": source,
            }
        item = prioritised_target_update(
            actor=actor, prioritised_target=item, expected_version=item.version, changes=changes
        )
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
        items[code] = item
    labour_editor = User.objects.filter(username="editor").first()
    prioritised_target_add(
        actor=labour_editor,
        plan=plan,
        target=Target.objects.get(code="8.7"),
        rationale="Child labour in cocoa-growing areas draws on internal migrant children.",
        proposer_organisation=organisations["MELR"],
    )
    for name, kind, owner, start, end, assessments in DEMO_FRAMEWORKS:
        framework = framework_save(
            actor=actor,
            framework=Framework(
                plan=plan,
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
        consultation_save(
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


@transaction.atomic
def demo_load() -> DemoResult:
    """Build (or complete) the demonstration data set."""
    result = DemoResult()
    organisations = {}
    for values in DEMO_ORGANISATIONS:
        lookup = {"name": values["name"]}
        defaults = {key: value for key, value in values.items() if key != "name"}
        organisation, created = Organisation.objects.get_or_create(**lookup, defaults=defaults)
        organisations[organisation.acronym] = organisation
        result.organisations_created += created
    result.users_created = sum(_ensure_user(spec, organisations) for spec in DEMO_USERS)
    admin = User.objects.get(username="admin")

    national, created = _ensure_plan(NATIONAL_PLAN)
    result.plans_created += created
    mint, gss = organisations["MINT"], organisations["GSS"]
    _ensure_governance(
        admin,
        national,
        LeadArrangementData(
            model=LeadModel.JOINT,
            leads=[mint, gss],
            advisers=[organisations["IOM"]],
            responsibilities={
                activity.value: gss if activity == Activity.MONITORING else mint
                for activity in Activity
            },
            notes="The Ministry of the Interior leads prioritisation and intervention design; "
            "the Ghana Statistical Service leads monitoring and evaluation.",
        ),
        {
            organisations["MELR"]: True,
            organisations["MOH"]: True,
            organisations["NDPC"]: True,
            organisations["AMWA"]: True,
            organisations["WOMN"]: True,
            organisations["GDF"]: False,
        },
    )

    if not Target.objects.exists():
        catalogue_load()
    _ensure_targets(User.objects.get(username="coordinator"), national, organisations)
    _ensure_consultations(User.objects.get(username="coordinator"), national, organisations)

    local, created = _ensure_plan(LOCAL_PLAN)
    result.plans_created += created
    _ensure_governance(
        admin,
        local,
        LeadArrangementData(
            model=LeadModel.SINGLE, leads=[organisations["AMA"]], advisers=[organisations["IOM"]]
        ),
        {organisations["AMWA"]: True, organisations["WOMN"]: False},
    )
    return result
