"""Demonstration funding of the national plan (``manage.py load_demo``): its sources, the
commitments to the demo interventions at every stage, the resource mobilisation plan and
the engagement log; recorded once, through the services.

Nothing is added to a plan that already has funding sources, so running the loader again
creates nothing and leaves what was recorded through the app alone.
"""

from dataclasses import dataclass
from datetime import date
from decimal import Decimal

from action_plans.demo import DemoData, register_demo_step
from action_plans.models import ActionPlan, PlanStatus
from funding.models import (
    CapacityNeed,
    Commitment,
    Engagement,
    EngagementKind,
    FundingSource,
    LocalChannel,
    LocalisationTarget,
    SourceKind,
    Stage,
)
from funding.services import (
    capacity_need_address,
    capacity_need_create,
    commitment_create,
    engagement_create,
    localisation_target_save,
    source_create,
    strategy_save,
)
from governance.models import Organisation, OrganisationLevel, OrganisationType, User
from interventions.models import Intervention
from targets.models import Consultation, ConsultationKind

D = Decimal
ZERO = D(0)

# The funding partners the demo adds to the organisations of governance/demo.py (looked up
# by name, as there). They provide money; they need not take part in the plan.
DEMO_FUNDERS = [
    {
        "name": "European Union Delegation to Ghana",
        "acronym": "EU",
        "type": OrganisationType.DEVELOPMENT_PARTNER,
        "level": OrganisationLevel.INTERNATIONAL,
    },
    {
        "name": "United Nations Resident Coordinator's Office in Ghana",
        "acronym": "UNRCO",
        "type": OrganisationType.INTERNATIONAL,
        "level": OrganisationLevel.INTERNATIONAL,
    },
    {
        "name": "Ministry of Finance",
        "acronym": "MOF",
        "type": OrganisationType.MINISTRY,
        "level": OrganisationLevel.NATIONAL,
        "country": "GH",
    },
]


@dataclass(frozen=True)
class DemoSource:
    name: str
    provider: str  # acronym
    kind: str
    currency: str
    description: str


DEMO_SOURCES = {
    "mint": DemoSource(
        "MINT budget: migration management programme",
        "MINT", SourceKind.NATIONAL_BUDGET, "GHS",
        "Goods and services and capital lines of the Ministry of the Interior's migration "
        "management programme, 2026 appropriation, with indicative ceilings for 2027–2028 "
        "in the medium-term expenditure framework.",
    ),
    "melr": DemoSource(
        "MELR budget: labour migration unit",
        "MELR", SourceKind.NATIONAL_BUDGET, "GHS",
        "Labour Department allocation for the labour migration unit, including inspection "
        "of private employment agencies and grants to workers' associations.",
    ),
    "gss": DemoSource(
        "GSS budget: surveys and administrative data",
        "GSS", SourceKind.NATIONAL_BUDGET, "GHS",
        "Ghana Statistical Service allocation for household surveys and the administrative "
        "data programme.",
    ),
    "sdg": DemoSource(
        "Joint SDG Fund – Ghana window",
        "UNRCO", SourceKind.SDG_FUND, "USD",
        "Country window of the UN Joint SDG Fund, allocated by the Resident Coordinator's "
        "steering committee on joint proposals of government and UN agencies.",
    ),
    "eu": DemoSource(
        "EU migration and mobility programme for Ghana",
        "EU", SourceKind.PARTNER_MIGRATION_FUND, "EUR",
        "Bilateral envelope for safe and regular migration, protection and sustainable "
        "reintegration, 2025–2028. Contracts are in euros and paid in tranches.",
    ),
    "matching": DemoSource(
        "Diaspora remittance-matching scheme",
        "MOF", SourceKind.REMITTANCE_SCHEME, "GHS",
        "The government adds one cedi for each cedi that hometown associations abroad "
        "remit for a community project approved by the district assembly.",
    ),
    "foundation": DemoSource(
        "Ghana Diaspora Forum Foundation",
        "GDF", SourceKind.DIASPORA_FOUNDATION, "USD",
        "Donations of diaspora members and associations in the United Kingdom, the United "
        "States and Germany, granted once a year.",
    ),
}  # fmt: skip

# Titles of the demo interventions (interventions/demo.py), the natural key here.
FAIR_RECRUITMENT = "Fair recruitment: licensing and inspection of recruitment agencies"
RESOURCE_CENTRES = "Migrant resource centres in Accra, Kumasi and Tamale"
REINTEGRATION = "Reintegration support for returnees from the Gulf and Libya"
LABOUR_AGREEMENTS = "Bilateral labour agreements with Gulf destination countries"
PRE_DEPARTURE = "Pre-departure orientation for women domestic workers"
HELPLINE = "Complaints helpline and case register for migrant workers"
PRICE_SURVEY = "Quarterly remittance price survey and comparison service"
WOMEN_REMITTANCES = "Women's remittances and digital financial literacy in Ashaiman"
SURVEY_MODULE = "Migration module in the Labour Force Survey"
DATA_SHARING = "Inter-agency agreement on sharing administrative migration data"

# Rates entered by the finance officer: 1 unit of the currency in GHS, on the date.
EUR_FEBRUARY = (D("16.4800"), date(2026, 2, 2))
EUR_MARCH = (D("16.5500"), date(2026, 3, 2))
USD_JANUARY = (D("15.1800"), date(2026, 1, 15))
USD_MARCH = (D("15.2400"), date(2026, 3, 16))


@dataclass(frozen=True)
class DemoCommitment:
    intervention: str  # title
    source: str  # key of DEMO_SOURCES
    stage: str
    amount: Decimal  # in the source's currency
    dated: date
    disbursed: Decimal = ZERO
    rate: tuple[Decimal, date] | None = None  # for a foreign currency
    to_local_actors: Decimal = ZERO
    channel: str = ""
    local_actors: tuple[str, ...] = ()  # acronyms
    notes: str = ""


DEMO_COMMITMENTS = [
    # Fair recruitment (GHS 3.8 million): both ministries and the EU; a gap remains.
    DemoCommitment(
        FAIR_RECRUITMENT, "mint", Stage.COMMITTED, D("900000"), date(2026, 1, 20),
        notes="2026 appropriation: public register of agencies and joint inspections.",
    ),
    DemoCommitment(
        FAIR_RECRUITMENT, "melr", Stage.DISBURSED, D("400000"), date(2026, 2, 10),
        disbursed=D("250000"), to_local_actors=D("60000"), channel=LocalChannel.DIRECT,
        local_actors=("AMWA",),
        notes="Includes a grant to AMWA for paralegals who take fee complaints in Ashaiman.",
    ),
    DemoCommitment(
        FAIR_RECRUITMENT, "eu", Stage.COMMITTED, D("80000"), date(2026, 2, 2),
        rate=EUR_FEBRUARY, to_local_actors=D("12000"), channel=LocalChannel.DIRECT,
        local_actors=("AMWA",),
        notes="Contract signed on 2 February 2026; first tranche expected in the third "
        "quarter.",
    ),
    # Migrant resource centres (GHS 2.45 million), under way.
    DemoCommitment(
        RESOURCE_CENTRES, "mint", Stage.DISBURSED, D("600000"), date(2026, 1, 20),
        disbursed=D("420000"),
        notes="Premises and counsellors' salaries in Accra and Kumasi.",
    ),
    DemoCommitment(
        RESOURCE_CENTRES, "eu", Stage.DISBURSED, D("60000"), date(2026, 3, 2),
        disbursed=D("35000"), rate=EUR_MARCH, to_local_actors=D("9000"),
        channel=LocalChannel.INTERMEDIARY, local_actors=("AMWA", "WOMN"),
        notes="Outreach by the local associations is paid through IOM's grant agreement.",
    ),
    DemoCommitment(
        RESOURCE_CENTRES, "matching", Stage.PLEDGED, D("150000"), date(2026, 3, 10),
        notes="For the Tamale centre, subject to the hometown associations' contributions.",
    ),
    # Reintegration (GHS 1.9 million): mostly pledges and prospects; the largest gap.
    DemoCommitment(
        REINTEGRATION, "mint", Stage.COMMITTED, D("250000"), date(2026, 1, 20),
        notes="Case management staff seconded from the Ghana Immigration Service.",
    ),
    DemoCommitment(
        REINTEGRATION, "foundation", Stage.PLEDGED, D("25000"), date(2026, 4, 15),
        rate=USD_MARCH, notes="Business grants for returnees; letter of intent received.",
    ),
    DemoCommitment(
        REINTEGRATION, "sdg", Stage.IDENTIFIED, D("60000"), date(2026, 2, 12),
        rate=USD_JANUARY, notes="In the joint proposal sent in February 2026.",
    ),
    # Bilateral labour agreements (GHS 600,000): both ministries budgeted the negotiation
    # rounds; over-funded.
    DemoCommitment(
        LABOUR_AGREEMENTS, "melr", Stage.COMMITTED, D("350000"), date(2026, 1, 25),
        notes="Negotiation rounds in Riyadh and Doha.",
    ),
    DemoCommitment(
        LABOUR_AGREEMENTS, "mint", Stage.DISBURSED, D("300000"), date(2025, 9, 1),
        disbursed=D("180000"),
        notes="Travel of the negotiation team and the legal adviser.",
    ),
    # Pre-departure orientation (GHS 750,000): run by the women's network.
    DemoCommitment(
        PRE_DEPARTURE, "foundation", Stage.COMMITTED, D("10000"), date(2026, 3, 16),
        rate=USD_MARCH, to_local_actors=D("10000"), channel=LocalChannel.DIRECT,
        local_actors=("WOMN",), notes="The first twelve sessions with returnee trainers.",
    ),
    # Complaints helpline (GHS 980,000): nothing committed yet.
    DemoCommitment(
        HELPLINE, "melr", Stage.PLEDGED, D("200000"), date(2026, 2, 20),
        notes="Proposed in MELR's 2027 budget request.",
    ),
    DemoCommitment(
        HELPLINE, "sdg", Stage.IDENTIFIED, D("30000"), date(2026, 2, 12),
        rate=USD_JANUARY, notes="In the joint proposal sent in February 2026.",
    ),
    # Remittance price survey (GHS 1.2 million), under way.
    DemoCommitment(
        PRICE_SURVEY, "sdg", Stage.DISBURSED, D("45000"), date(2026, 1, 15),
        disbursed=D("30000"), rate=USD_JANUARY,
        notes="Price collection for four quarters and the comparison website.",
    ),
    DemoCommitment(
        PRICE_SURVEY, "gss", Stage.COMMITTED, D("200000"), date(2026, 1, 20),
        notes="Field staff for the quarterly price collection.",
    ),
    DemoCommitment(
        PRICE_SURVEY, "foundation", Stage.COMMITTED, D("8000"), date(2026, 3, 16),
        rate=USD_MARCH, notes="Promotion of the comparison service among diaspora associations.",
    ),
    # Women's remittances (GHS 420,000): the matching scheme.
    DemoCommitment(
        WOMEN_REMITTANCES, "matching", Stage.COMMITTED, D("120000"), date(2026, 3, 10),
        to_local_actors=D("100000"), channel=LocalChannel.DIRECT, local_actors=("WOMN",),
        notes="Matched contributions of Ashaiman hometown associations in London and "
        "Hamburg.",
    ),
    # Migration module in the Labour Force Survey (GHS 1.2 million).
    DemoCommitment(
        SURVEY_MODULE, "gss", Stage.COMMITTED, D("500000"), date(2026, 1, 20),
        notes="Enumerator training and the 2026 round.",
    ),
    DemoCommitment(
        SURVEY_MODULE, "sdg", Stage.PLEDGED, D("20000"), date(2026, 2, 12),
        rate=USD_JANUARY, notes="Technical assistance for the questionnaire.",
    ),
    # Data-sharing agreement (GHS 180,000): fully funded by GSS.
    DemoCommitment(
        DATA_SHARING, "gss", Stage.DISBURSED, D("180000"), date(2025, 10, 1),
        disbursed=D("95000"), notes="Working group meetings and the legal review.",
    ),
]  # fmt: skip

# The interventions with the largest gaps get a strategy; the smaller gaps (pre-departure
# orientation, women's remittances, the price survey) have none yet.
DEMO_STRATEGIES = {
    REINTEGRATION: (
        "Submit a reintegration concept note to the EU for its 2027 call, building on the "
        "resource centres it already funds. Ask the Joint SDG Fund to move the reintegration "
        "component from identified to allocated at its May steering committee. Ask the "
        "diaspora foundation to extend its business grants to returnees' households.",
        ("EU", "UNRCO", "GDF"),
    ),
    FAIR_RECRUITMENT: (
        "Request a second EU tranche for the inspection component once the public register "
        "is online. Propose to the Ministry of Finance that licence fees and fines from "
        "recruitment agencies be retained for inspections from 2027.",
        ("EU", "MOF"),
    ),
    HELPLINE: (
        "Defend the helpline in MELR's 2027 budget hearing. Present the case register to "
        "the Joint SDG Fund as a joint MELR–MINT–IOM proposal; IOM to co-finance the "
        "messaging channel.",
        ("UNRCO", "IOM"),
    ),
    RESOURCE_CENTRES: (
        "Open the Tamale centre with the remittance-matching scheme; approach the EU to "
        "continue counsellors' salaries after 2027 and IOM for the training of new "
        "counsellors.",
        ("EU", "MOF", "IOM"),
    ),
    SURVEY_MODULE: (
        "Put the second survey round in GSS's 2027 budget request through NDPC. IOM to send "
        "a costed proposal for the module; the Joint SDG Fund for the questionnaire's "
        "technical assistance.",
        ("IOM", "UNRCO"),
    ),
}


@dataclass(frozen=True)
class DemoEngagement:
    held_on: date
    partner: str  # acronym
    kind: str
    interventions: tuple[str, ...]  # titles
    interests: str
    next_step: str
    outcome: str


DEMO_ENGAGEMENTS = [
    DemoEngagement(
        date(2025, 11, 5), "GDF", EngagementKind.CONSULTATION,
        (PRICE_SURVEY, WOMEN_REMITTANCES),
        "Lower remittance costs on the UK, US and German corridors; visibility of the "
        "diaspora's contribution to the plan.",
        "GDF to present the comparison service to its member associations; GSS to send "
        "the survey's budget.",
        "The foundation will co-finance the promotion of the comparison service once the "
        "corridor pilot ends.",
    ),
    DemoEngagement(
        date(2026, 1, 22), "EU", EngagementKind.BILATERAL_MEETING,
        (FAIR_RECRUITMENT, RESOURCE_CENTRES, REINTEGRATION),
        "Fair recruitment, protection of women migrant workers and sustainable "
        "reintegration, in line with its 2025–2028 programme.",
        "MINT to send a reintegration concept note by 31 March 2026.",
        "EUR 80,000 agreed for fair recruitment, signed on 2 February. Reintegration may be "
        "considered in the 2027 call.",
    ),
    DemoEngagement(
        date(2026, 2, 12), "UNRCO", EngagementKind.PROPOSAL_SENT,
        (REINTEGRATION, HELPLINE, SURVEY_MODULE),
        "Joint proposals of government and several UN agencies with disaggregated data.",
        "Follow up before the steering committee meets in May 2026.",
        "Receipt acknowledged; the technical assistance for the survey module was pledged.",
    ),
    DemoEngagement(
        date(2026, 3, 10), "MOF", EngagementKind.BILATERAL_MEETING,
        (WOMEN_REMITTANCES, RESOURCE_CENTRES),
        "Projects that hometown associations can fund together and that the district "
        "assemblies approve.",
        "Assemblies of Ashaiman and Tamale to approve the two projects by June 2026.",
        "GHS 120,000 matched for Ashaiman; GHS 150,000 pledged for the Tamale centre.",
    ),
    DemoEngagement(
        date(2026, 4, 15), "GDF", EngagementKind.BILATERAL_MEETING,
        (REINTEGRATION, PRE_DEPARTURE),
        "Returnees starting businesses; training by returnees for women who leave.",
        "GDF to raise the reintegration grants at its annual meeting in London in "
        "September.",
        "USD 25,000 pledged for reintegration grants. The foundation confirmed its March "
        "grant for the first orientation sessions.",
    ),
]  # fmt: skip


def _funders(data: DemoData) -> dict[str, Organisation]:
    for values in DEMO_FUNDERS:
        defaults = {key: value for key, value in values.items() if key != "name"}
        organisation, created = Organisation.objects.get_or_create(
            name=values["name"], defaults=defaults
        )
        data.organisations[values["acronym"]] = organisation
        data.created["organisations"] += created
    return data.organisations


def _consultation(plan: ActionPlan) -> Consultation | None:
    """The consultation of the log the demo's consultation engagement belongs to: a
    funding partners' meeting if the log has one, else the latest consultation."""
    consultations = Consultation.objects.filter(plan=plan).order_by("-held_on", "-pk")
    return (
        consultations.filter(kind=ConsultationKind.FUNDING_PARTNERS_MEETING).first()
        or consultations.first()
    )


def load(data: DemoData) -> None:
    """The national plan's funding, once: nothing is added to a plan that has sources."""
    plan = data.plans.get("national")
    if plan is None or plan.funding_sources.exists():
        return
    interventions = {item.title: item for item in Intervention.objects.filter(plan=plan)}
    if not interventions:
        return
    actor = User.objects.get(username="coordinator")
    organisations = _funders(data)
    sources = _demo_sources(actor, plan, organisations)
    data.created["funding sources"] += len(sources)
    _demo_commitments(data, actor, interventions, sources, organisations)
    for title, (strategy, partners) in DEMO_STRATEGIES.items():
        if title in interventions:
            strategy_save(
                actor=actor,
                intervention=interventions[title],
                expected_version=0,
                data={
                    "strategy": strategy,
                    "partners_to_approach": [organisations[acronym] for acronym in partners],
                },
            )
    _demo_engagements(actor, plan, interventions, organisations)


def _demo_sources(
    actor: User, plan: ActionPlan, organisations: dict[str, Organisation]
) -> dict[str, FundingSource]:
    """``DEMO_SOURCES``, by their key."""
    return {
        key: source_create(
            actor=actor,
            plan=plan,
            source=FundingSource(
                name=spec.name,
                provider=organisations[spec.provider],
                kind=spec.kind,
                currency=spec.currency,
                description=spec.description,
            ),
        )
        for key, spec in DEMO_SOURCES.items()
    }


def _demo_commitments(
    data: DemoData,
    actor: User,
    interventions: dict[str, Intervention],
    sources: dict[str, FundingSource],
    organisations: dict[str, Organisation],
) -> None:
    """``DEMO_COMMITMENTS`` to the interventions that still have their title."""
    for spec in DEMO_COMMITMENTS:
        intervention = interventions.get(spec.intervention)
        if intervention is None:  # renamed since: the demo adds nothing to it
            continue
        source = sources[spec.source]
        rate, rate_date = spec.rate or (None, None)
        commitment_create(
            actor=actor,
            intervention=intervention,
            commitment=Commitment(
                source=source,
                stage=spec.stage,
                amount=spec.amount,
                currency=source.currency,
                exchange_rate=rate,
                rate_date=rate_date,
                disbursed=spec.disbursed,
                dated=spec.dated,
                to_local_actors=spec.to_local_actors,
                local_channel=spec.channel,
                notes=spec.notes,
            ),
            local_actors=[organisations[acronym] for acronym in spec.local_actors],
        )
        data.created["commitments"] += 1


def _demo_engagements(
    actor: User,
    plan: ActionPlan,
    interventions: dict[str, Intervention],
    organisations: dict[str, Organisation],
) -> None:
    """``DEMO_ENGAGEMENTS``; a consultation becomes a bilateral meeting when the plan's
    log has no consultation to link it to."""
    consultation = _consultation(plan)
    for spec in DEMO_ENGAGEMENTS:
        kind = spec.kind
        if kind == EngagementKind.CONSULTATION and consultation is None:
            kind = EngagementKind.BILATERAL_MEETING
        engagement_create(
            actor=actor,
            plan=plan,
            engagement=Engagement(
                held_on=spec.held_on,
                partner=organisations[spec.partner],
                kind=kind,
                consultation=consultation if kind == EngagementKind.CONSULTATION else None,
                interests=spec.interests,
                next_step=spec.next_step,
                outcome=spec.outcome,
            ),
            interventions=[
                interventions[title] for title in spec.interventions if title in interventions
            ],
        )


# The national plan's localisation pledge, held as a target: a quarter of committed funds
# to local actors (the Grand Bargain's aim for humanitarian funding).
DEMO_LOCAL_TARGET_OF_COMMITTED = D(25)


def load_localisation_target(data: DemoData) -> None:
    """The national plan's target share of funds to local actors, once, while the plan
    is a draft (its first version then carries it)."""
    plan = data.plans.get("national")
    if plan is None or plan.status != PlanStatus.DRAFT:
        return
    if LocalisationTarget.objects.filter(plan=plan).exists():
        return
    localisation_target_save(
        actor=User.objects.get(username="coordinator"),
        plan=plan,
        expected_version=0,
        data={"of_committed": DEMO_LOCAL_TARGET_OF_COMMITTED, "of_disbursed": None},
    )


@dataclass(frozen=True)
class DemoNeed:
    what: str
    why: str
    by_when: date
    addressed_by: tuple[str, ...]  # intervention titles


# AMWA's capacity-strengthening needs in the national plan, stated by its coordinator:
# one met by an intervention it takes part in, one not met yet.
DEMO_NEEDS = (
    DemoNeed(
        "Case management for the paralegals who take fee complaints",
        "Our paralegals in Ashaiman take complaints about recruitment fees and unpaid wages "
        "on paper; cases are lost when a worker moves or travels again. We need training "
        "and a shared way to follow each case to its end.",
        date(2027, 6, 30),
        ("Complaints helpline and case register for migrant workers",),
    ),
    DemoNeed(
        "Financial management and reporting for direct grants",
        "Most of the funds that reach us pass through an intermediary because we cannot yet "
        "produce the audited accounts and reports partners ask of a direct grantee.",
        date(2028, 12, 31),
        (),
    ),
)


def load_capacity_needs(data: DemoData) -> None:
    """AMWA's needs in the national plan, once: nothing is added to a plan that has
    needs recorded. The plan's coordinator says which intervention addresses one."""
    plan = data.plans.get("national")
    if plan is None or CapacityNeed.objects.filter(plan=plan).exists():
        return
    organisation = data.organisations.get("AMWA")
    if organisation is None:
        return
    speaker = User.objects.get(username="amwa.coordinator")
    designer = User.objects.get(username="coordinator")
    interventions = {item.title: item for item in Intervention.objects.filter(plan=plan)}
    for spec in DEMO_NEEDS:
        need = capacity_need_create(
            actor=speaker,
            plan=plan,
            need=CapacityNeed(
                organisation=organisation, what=spec.what, why=spec.why, by_when=spec.by_when
            ),
        )
        data.created["capacity needs"] += 1
        addressing = [interventions[title] for title in spec.addressed_by if title in interventions]
        if addressing:
            capacity_need_address(
                actor=designer, need=need, expected_version=need.version, interventions=addressing
            )


def register() -> None:
    register_demo_step(load)
    register_demo_step(load_localisation_target)
    # Once the plan is adopted and under revision: needs are the living plan's.
    register_demo_step(load_capacity_needs, after_content=True)
