"""Demonstration interventions of the national plan (``manage.py load_demo``), with their
partners, beneficiaries, costs, results framework and some progress; recorded once."""

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from action_plans import workflow
from action_plans.demo import DemoData, register_demo_step
from action_plans.models import ActionPlan, ChangeReason
from governance.models import Organisation, User
from interventions.models import Intervention, ResultIndicator
from interventions.services import (
    Links,
    indicator_create,
    intervention_create,
    intervention_update,
    progress_approve,
    progress_submit,
)
from interventions.snapshot import record_key
from targets.models import Indicator, ProposalStatus

D = Decimal


@dataclass(frozen=True)
class DemoIndicator:
    unit: str
    sdg: str = ""  # a global SDG indicator code, or
    name: str = ""  # a national indicator
    baseline: tuple[Decimal, int, str] | None = None  # value, year, source
    targets: dict[int, Decimal] = field(default_factory=dict)  # year → value
    progress: tuple[tuple[date, Decimal, str], ...] = ()  # measured on, value, source
    by_sex: bool = False
    by_migratory_status: bool = False


@dataclass(frozen=True)
class DemoIntervention:
    title: str
    lead: str  # acronym
    targets: tuple[str, ...]  # target codes, prioritised in the demo
    level: str
    sector: str
    start: date
    end: date
    cost: Decimal  # in the plan's base currency (GHS)
    status: str
    description: str
    design: str
    partners: dict[str, str]  # acronym → role
    beneficiaries: dict[str, int | None]
    indicators: tuple[DemoIndicator, ...]


LFS = "GSS Labour Force Survey"
DEMO_INTERVENTIONS = (
    DemoIntervention(
        "Fair recruitment: licensing and inspection of recruitment agencies",
        "MINT", ("10.7", "8.8"), "both", "labour",
        date(2026, 1, 1), date(2029, 12, 31), D("3800000"), "in_plan",
        "Workers pay no recruitment fees; agencies are licensed, rated and inspected, and "
        "lose their licence for charging fees or confiscating passports.",
        "Fee ban in the labour migration regulations; public register of licensed agencies "
        "with ratings; joint MELR–MINT inspections; complaints through AMWA's paralegals.",
        {"MELR": "implementing", "AMWA": "local_partner", "IOM": "technical_support"},
        {"migrant_workers": 25000, "women": 9000},
        (
            DemoIndicator(
                "% of monthly income", sdg="10.7.1",
                baseline=(D("21.5"), 2023, LFS),
                targets={2027: D("18"), 2028: D("15"), 2029: D("12")},
                progress=((date(2025, 12, 31), D("20.8"), LFS),
                          (date(2026, 6, 30), D("19.6"), LFS)),
                by_sex=True,
            ),
            DemoIndicator(
                "% of licensed agencies",
                name="Licensed recruitment agencies inspected in the year",
                baseline=(D("12"), 2025, "MELR inspection records"),
                targets={2026: D("40"), 2027: D("60"), 2029: D("80")},
            ),
        ),
    ),
    DemoIntervention(
        "Migrant resource centres in Accra, Kumasi and Tamale",
        "MINT", ("10.7",), "programme", "border",
        date(2026, 1, 1), date(2030, 12, 31), D("2450000"), "under_way",
        "Walk-in centres where people thinking of leaving, and those coming back, get "
        "reliable information on regular channels, contracts, costs and risks.",
        "Counsellors trained with IOM; outreach in Twi, Ga, Dagbani and Hausa with the "
        "women's network and the migrant workers' association; referrals to reintegration.",
        {"WOMN": "local_partner", "AMWA": "local_partner", "IOM": "technical_support"},
        {"migrant_workers": 18000, "youth": 12000, "women": 8000, "returnees": 3000},
        (
            DemoIndicator(
                "persons", name="People advised at migrant resource centres",
                baseline=(D("0"), 2025, "Centre registers"),
                targets={2026: D("4000"), 2027: D("10000"), 2028: D("16000"), 2030: D("30000")},
                progress=((date(2026, 3, 31), D("1100"), "Centre registers"),
                          (date(2026, 9, 30), D("3200"), "Centre registers")),
                by_sex=True, by_migratory_status=True,
            ),
        ),
    ),
    DemoIntervention(
        "Reintegration support for returnees from the Gulf and Libya",
        "MINT", ("10.7", "8.8"), "programme", "social_protection",
        date(2026, 1, 1), date(2029, 12, 31), D("1900000"), "designed",
        "Economic, social and psychosocial support planned with each returnee and the "
        "community they return to.",
        "A reintegration plan per returnee; business grants and skills certification; "
        "referrals to mental health services; follow-up survey at 12 months.",
        {"IOM": "implementing", "AMWA": "local_partner", "MOH": "technical_support"},
        {"returnees": 2500, "host_communities": 10000},
        (
            DemoIndicator(
                "% of returnees followed",
                name="Returnees reaching a sustainable reintegration score after 12 months",
                baseline=(D("38"), 2024, "IOM reintegration sustainability survey"),
                targets={2027: D("50"), 2029: D("65")},
                by_sex=True,
            ),
        ),
    ),
    DemoIntervention(
        "Bilateral labour agreements with Gulf destination countries",
        "MINT", ("8.8",), "policy", "labour",
        date(2025, 7, 1), date(2027, 12, 31), D("600000"), "in_plan",
        "Agreements with Saudi Arabia, Qatar and the United Arab Emirates on standard "
        "contracts, the fee ban and access to justice for Ghanaian workers.",
        "Negotiation team of MINT and MELR; standard contract for domestic work; a joint "
        "committee per agreement that meets twice a year.",
        {"MELR": "implementing"},
        {"migrant_workers": 40000},
        (
            DemoIndicator(
                "score (0–10)", sdg="8.8.2",
                baseline=(D("3.2"), 2022, "ILO NORMLEX"),
                targets={2027: D("2.5")},
            ),
        ),
    ),
    DemoIntervention(
        "Pre-departure orientation for women domestic workers",
        "MINT", ("8.8", "10.7"), "programme", "labour",
        date(2026, 1, 1), date(2028, 12, 31), D("750000"), "proposed",
        "Free orientation on rights, contracts and where to seek help abroad for women "
        "recruited as domestic workers.",
        "Three-day sessions run by the Women on the Move Network with returnee trainers; "
        "a helpline card in the worker's language; contacts of the labour attachés.",
        {"WOMN": "implementing", "MELR": "technical_support"},
        {"women": 6000, "migrant_workers": 6000},
        (
            DemoIndicator(
                "persons", name="Women domestic workers oriented before departure",
                baseline=(D("0"), 2025, "WOMN attendance lists"),
                targets={2026: D("1500"), 2027: D("3500"), 2028: D("6000")},
            ),
        ),
    ),
    DemoIntervention(
        "Complaints helpline and case register for migrant workers",
        "MINT", ("8.8",), "both", "labour",
        date(2026, 4, 1), date(2030, 12, 31), D("980000"), "designed",
        "Migrant workers abroad and at home report unpaid wages, confiscated passports and "
        "abuse, and their case is followed until it is resolved.",
        "A 24-hour helpline and messaging channel; one case register shared by MINT, MELR "
        "and the missions abroad; AMWA and WOMN paralegals follow cases after return.",
        {"MELR": "implementing", "AMWA": "local_partner", "WOMN": "local_partner"},
        {"migrant_workers": 30000, "returnees": 4000},
        (
            DemoIndicator(
                "% of complaints", name="Complaints from migrant workers resolved within 60 days",
                baseline=(D("22"), 2025, "MELR complaint files"),
                targets={2027: D("45"), 2030: D("70")},
            ),
        ),
    ),
    DemoIntervention(
        "Quarterly remittance price survey and comparison service",
        "GSS", ("10.c",), "programme", "financial_inclusion",
        date(2026, 1, 1), date(2028, 12, 31), D("1200000"), "under_way",
        "Prices of sending money to Ghana from the main corridors, collected each quarter "
        "and published in a comparison service for the diaspora.",
        "World Bank Remittance Prices Worldwide method; a website and app promoted through "
        "the Ghana Diaspora Forum; providers must show the total cost before payment.",
        {"GDF": "implementing", "NDPC": "co_funding"},
        {"diaspora": 300000, "migrant_workers": 50000},
        (
            DemoIndicator(
                "% of amount remitted", sdg="10.c.1",
                baseline=(D("8.1"), 2024, "World Bank Remittance Prices Worldwide"),
                targets={2027: D("6"), 2028: D("5")},
                progress=((date(2025, 12, 31), D("7.9"), "GSS remittance price survey"),
                          (date(2026, 6, 30), D("7.4"), "GSS remittance price survey")),
            ),
        ),
    ),
    DemoIntervention(
        "Women's remittances and digital financial literacy in Ashaiman",
        "GSS", ("10.c",), "programme", "financial_inclusion",
        date(2026, 1, 1), date(2028, 12, 31), D("420000"), "proposed",
        "Women who receive remittances learn to receive them into a mobile money or bank "
        "account and to compare costs.",
        "Sessions in community centres run by the women's network; a baseline and endline "
        "survey by GSS; mobile money agents trained on fees disclosure.",
        {"WOMN": "implementing", "AMWA": "local_partner"},
        {"women": 3500, "host_communities": 1200},
        (
            DemoIndicator(
                "% of women recipients",
                name="Women remittance recipients receiving into a mobile or bank account",
                baseline=(D("41"), 2025, "WOMN household survey"),
                targets={2028: D("70")},
                by_sex=True,
            ),
        ),
    ),
    DemoIntervention(
        "Migration module in the Labour Force Survey",
        "GSS", ("17.18", "10.7"), "programme", "data",
        date(2026, 1, 1), date(2027, 12, 31), D("1200000"), "in_plan",
        "The Labour Force Survey asks about country of birth, citizenship, previous "
        "residence abroad and recruitment costs from its 2026 round.",
        "Questions recommended by the Expert Group on Migration Statistics; enumerators "
        "trained; tables by migratory status published with each round.",
        {"MELR": "technical_support", "IOM": "co_funding"},
        {"migrant_workers": None, "returnees": None},
        (
            DemoIndicator(
                "indicators", name="SDG indicators published disaggregated by migratory status",
                baseline=(D("2"), 2024, "GSS publications"),
                targets={2026: D("6"), 2027: D("12")},
                progress=((date(2026, 3, 31), D("3"), "GSS publications"),
                          (date(2026, 9, 30), D("5"), "GSS publications")),
            ),
            DemoIndicator(
                "score (0–100)", sdg="17.18.1",
                baseline=(D("68"), 2023, "World Bank Statistical Performance Indicators"),
                targets={2027: D("75")},
            ),
        ),
    ),
    DemoIntervention(
        "Inter-agency agreement on sharing administrative migration data",
        "GSS", ("17.18",), "policy", "data",
        date(2025, 10, 1), date(2026, 12, 31), D("180000"), "under_way",
        "Immigration, labour, consular and social welfare records shared with GSS under "
        "agreements that protect personal data.",
        "A migration data working group chaired by GSS; common definitions and codes; a "
        "yearly migration profile.",
        {"MINT": "implementing", "MELR": "implementing", "NDPC": "technical_support"},
        {"migrant_workers": None, "refugees": None},
        (
            DemoIndicator(
                "agencies",
                name="Agencies sharing administrative migration data under an agreement",
                baseline=(D("0"), 2025, "GSS"),
                targets={2026: D("5")},
                progress=((date(2026, 3, 31), D("2"), "Signed agreements"),
                          (date(2026, 9, 30), D("3"), "Signed agreements")),
            ),
        ),
    ),
)  # fmt: skip


def _create(
    spec: DemoIntervention,
    plan: ActionPlan,
    actor: User,
    organisations: dict[str, Organisation],
    prioritised: dict[str, int],
    sdg: dict[str, Indicator],
) -> None:
    intervention = intervention_create(
        actor=actor,
        plan=plan,
        intervention=Intervention(
            title=spec.title,
            level=spec.level,
            sector=spec.sector,
            description=spec.description,
            design=spec.design,
            lead_organisation=organisations[spec.lead],
            start_date=spec.start,
            end_date=spec.end,
            estimated_cost=spec.cost,
            status=spec.status,
        ),
        links=Links(
            targets={prioritised[code]: "" for code in spec.targets},
            partners={organisations[acronym].pk: role for acronym, role in spec.partners.items()},
            beneficiaries=dict(spec.beneficiaries),
        ),
    )
    statistics = organisations["GSS"]
    reporter = statistics if plan.participations.filter(organisation=statistics).exists() else None
    for item in spec.indicators:
        value, year, source = item.baseline or (None, None, "")
        indicator = indicator_create(
            actor=actor,
            intervention=intervention,
            indicator=ResultIndicator(
                sdg_indicator=sdg[item.sdg] if item.sdg else None,
                name=item.name,
                unit=item.unit,
                baseline_value=value,
                baseline_year=year,
                baseline_source=source,
                by_sex=item.by_sex,
                by_migratory_status=item.by_migratory_status,
                reporting_organisation=reporter,
            ),
            target_values=dict(item.targets),
        )
        for measured_on, reached, where in item.progress:
            submitted = progress_submit(
                actor=actor,
                indicator=indicator,
                measured_on=measured_on,
                value=reached,
                source=where,
            )
            progress_approve(
                actor=_reviewer_for(actor), progress=submitted, expected_version=submitted.version
            )


def _reviewer_for(submitter: User) -> User:
    """Who approves the demo's values: the statistical office's editor (monitoring is
    its office's), or the lead ministry's coordinator for the office's own values."""
    name = "coordinator" if submitter.username == "stats.editor" else "stats.editor"
    return User.objects.get(username=name)


# A value the statistical office submitted that waits for review by the lead bodies.
WAITING = (date(2026, 9, 30), D("19.1"), LFS, "Third-quarter estimate, before revision.")


def load_waiting(data: DemoData) -> None:
    """One value of ``stats.editor`` waiting for review on the national plan, once."""
    plan = data.plans.get("national")
    if plan is None:
        return
    indicator = (
        ResultIndicator.objects.filter(intervention__plan=plan, sdg_indicator__code="10.7.1")
        .order_by("pk")
        .first()
    )
    measured_on, value, source, comment = WAITING
    if indicator is None or indicator.progress.filter(measured_on=measured_on).exists():
        return
    progress_submit(
        actor=User.objects.get(username="stats.editor"),
        indicator=indicator,
        measured_on=measured_on,
        value=value,
        source=source,
        comment=comment,
    )


def load(data: DemoData) -> None:
    """The national plan's interventions, once: nothing is added to a plan that has some."""
    plan = data.plans.get("national")
    if plan is None or plan.interventions.exists():
        return
    prioritised = dict(
        plan.prioritised_targets.filter(status=ProposalStatus.ACCEPTED).values_list(
            "target__code", "pk"
        )
    )
    if not prioritised:
        return
    actors = {
        "MINT": User.objects.get(username="coordinator"),
        "GSS": User.objects.get(username="stats.editor"),
    }
    codes = [item.sdg for spec in DEMO_INTERVENTIONS for item in spec.indicators if item.sdg]
    sdg = {indicator.code: indicator for indicator in Indicator.objects.filter(code__in=codes)}
    for spec in DEMO_INTERVENTIONS:
        _create(spec, plan, actors[spec.lead], data.organisations, prioritised, sdg)
    data.created["interventions"] += len(DEMO_INTERVENTIONS)


ACCRA_INTERVENTION = DemoIntervention(
    "Welcome desk for new arrivals at Kantamanto and Agbogbloshie",
    "AMA",
    ("10.7",),
    "programme",
    "local_development",
    date(2026, 3, 1),
    date(2028, 12, 31),
    D("640000"),
    "in_plan",
    "A welcome desk at the two markets where most new arrivals first look for work.",
    "Orientation on housing, health and work; referral to AMWA's paralegals; a register of "
    "arrivals for the Assembly's planning.",
    {"AMWA": "local_partner"},
    {"migrant_workers": 6000, "youth": 2500},
    (
        DemoIndicator(
            "people",
            name="New arrivals oriented at the welcome desks",
            baseline=(D("0"), 2025, "AMA records"),
            targets={2027: D("3000"), 2028: D("6000")},
        ),
    ),
)

# The national plan's revision: what changed since the adopted version 1.0.
REVISION_INTERVENTION = DemoIntervention(
    "Health screening and insurance enrolment for returnees",
    "MINT",
    ("10.7",),
    "programme",
    "health",
    date(2027, 1, 1),
    date(2029, 12, 31),
    D("1150000"),
    "designed",
    "Returnees are screened on arrival and enrolled in the National Health Insurance Scheme.",
    "Screening at Kotoka airport and the Aflao border post; enrolment desks of the National "
    "Health Insurance Authority; follow-up by district health officers.",
    {"MOH": "implementing", "IOM": "technical_support"},
    {"returnees": 8000},
    (
        DemoIndicator(
            "% of returnees",
            name="Returnees enrolled in health insurance within 3 months",
            baseline=(D("18"), 2025, "NHIA records"),
            targets={2028: D("45"), 2029: D("60")},
        ),
    ),
)
REVISION_COST = ("Migrant resource centres in Accra, Kumasi and Tamale", D("2750000"))


def load_local(data: DemoData) -> None:
    """The Accra plan's intervention, so that it can go to validation."""
    plan = data.plans.get("local")
    if plan is None or plan.interventions.exists():
        return
    prioritised = dict(plan.prioritised_targets.values_list("target__code", "pk"))
    if not prioritised:
        return
    _create(
        ACCRA_INTERVENTION,
        plan,
        User.objects.get(username="local.coordinator"),
        data.organisations,
        prioritised,
        {},
    )


def revise(data: DemoData) -> None:
    """The national plan's revision (opened after its adoption): a new intervention and a
    cost raised, each recorded with its reason and the record it explains, so that the
    draft has no difference without a reason. Once."""
    plan = data.plans.get("national")
    if plan is None:
        return
    plan.refresh_from_db()
    if (
        plan.status != "draft"
        or plan.interventions.filter(title=REVISION_INTERVENTION.title).exists()
    ):
        return
    if workflow.official_version(plan) is None:
        return
    coordinator = User.objects.get(username="coordinator")
    prioritised = dict(plan.prioritised_targets.values_list("target__code", "pk"))
    _create(REVISION_INTERVENTION, plan, coordinator, data.organisations, prioritised, {})
    added = plan.interventions.get(title=REVISION_INTERVENTION.title)
    workflow.plan_change_record(
        actor=coordinator,
        plan=plan,
        reason=ChangeReason.NEW_INTERVENTION,
        text="Health screening and insurance enrolment for returnees, asked for by the "
        "Ministry of Health at the mid-year review.",
        records=[record_key(added.pk)],
    )
    title, cost = REVISION_COST
    centres = plan.interventions.get(title=title)
    intervention_update(
        actor=coordinator,
        intervention=centres,
        expected_version=centres.version,
        data={"estimated_cost": cost},
    )
    workflow.plan_change_record(
        actor=coordinator,
        plan=plan,
        reason=ChangeReason.FUNDING_CHANGE,
        text="The Tamale centre opens a year early: its counsellors' salaries move into 2027.",
        records=[record_key(centres.pk)],
    )


def register() -> None:
    register_demo_step(load)
    register_demo_step(load_local)
    register_demo_step(load_waiting)
    register_demo_step(revise, after_content=True)
