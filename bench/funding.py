"""Time the funding pages of a large plan.

Run: .venv/bin/python bench/funding.py     (from the repository's root)
     DATABASE_URL=postgres://msd_planner@127.0.0.1:5432/msd_planner \\
         .venv/bin/python bench/funding.py
     (DATABASE_URL picks PostgreSQL, SQLite otherwise. On PostgreSQL the bench builds
     its own database, <that database's name>_funding, and drops it at the end; the
     database named in DATABASE_URL is only connected to.)

Builds the large plan of bench/interventions.py (80 organisations, 40 prioritised targets,
300 interventions with their partners, beneficiaries, indicators and progress), then its
funding: 12 sources in four currencies (GHS, the base currency; EUR, USD, GBP) through
the services, six participating local actors, and 1,000 commitments over 270 of the
interventions (every tenth has none: its whole cost is a gap) at every stage, a fifth of
them with a part for local actors, plus a mobilisation strategy with two partners for
every third intervention and 40 engagements with funding partners. Commitments,
strategies and engagements are bulk-created: each commitment's values are first checked
by ``funding.services.commitment_problems`` and its base-currency amounts computed by
``funding.services.base_amounts``, as ``commitment_create`` does (a sample is then saved
through the service itself, rolled back, and compared), but no history rows are written.

Then prints median and 95th-percentile times and the query count of `funding_overview`,
`mobilisation_plan` and `funding_export` (xlsx), each opened by the plan's coordinator. A
page that answers other than 200 is reported, not timed.
"""

import os
import statistics
import sys
import time
from datetime import date
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "msd_planner.settings.test")

import django
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext, get_runner, setup_test_environment
from django.urls import NoReverseMatch, reverse

django.setup()

from bench.interventions import INTERVENTIONS, REPEAT, build_large_plan  # noqa: E402

COMMITMENTS = 1000
LOCAL_ACTORS = 6
ENGAGEMENTS = 40
PAGES = ("funding_overview", "mobilisation_plan", "funding_export")
CENT = Decimal("0.01")
# Rates of 1 unit in GHS at the start of 2026; each month adds a little.
RATES = {"EUR": Decimal("16.50"), "USD": Decimal("15.20"), "GBP": Decimal("19.30")}
# Name, kind, currency; the providers are the plan's organisations, in turn.
SOURCES = [
    ("Budget line: migration management", "national_budget", "GHS"),
    ("Budget line: labour migration", "national_budget", "GHS"),
    ("Budget line: statistics", "national_budget", "GHS"),
    ("Budget line: social protection", "national_budget", "GHS"),
    ("Remittance-matching scheme", "remittance_scheme", "GHS"),
    ("Partner migration fund (EUR)", "partner_migration_fund", "EUR"),
    ("Multilateral fund", "multilateral_fund", "EUR"),
    ("Joint SDG Fund – country window", "sdg_fund", "USD"),
    ("Diaspora foundation", "diaspora_foundation", "USD"),
    ("Diaspora bond", "diaspora_bond", "USD"),
    ("Partner migration fund (GBP)", "partner_migration_fund", "GBP"),
    ("Diaspora initiative", "diaspora_initiative", "GBP"),
]
STAGES = ["identified"] * 2 + ["pledged"] * 2 + ["committed"] * 3 + ["disbursed"] * 3


class _RolledBack(Exception):
    def __init__(self, commitment):
        self.commitment = commitment


def _commitment_values(number: int, intervention, sources, local_actors) -> dict:
    """The values of commitment ``number``, as the commitment form would hand them to the
    service (already normalised: no rate in the base currency, no channel without a
    local part)."""
    source = sources[(number * 7) % len(sources)]
    currency = source.currency
    dated = date(2025 + (number % 2), 1 + number % 12, 1 + number % 28)
    rate = None if currency == "GHS" else RATES[currency] + Decimal(dated.month) / 100
    about = Decimal(8000 + (number * 7919) % 70000)  # in GHS
    amount = (about if rate is None else about / rate).quantize(CENT, ROUND_HALF_EVEN)
    stage = STAGES[number % len(STAGES)]
    disbursed = Decimal(0)
    if stage == "disbursed":
        disbursed = (amount * Decimal(30 + number % 71) / 100).quantize(CENT, ROUND_HALF_EVEN)
    receivers = []
    to_local = Decimal(0)
    if number % 5 == 0:
        to_local = (amount / 4).quantize(CENT, ROUND_HALF_EVEN)
        receivers = [local_actors[number % LOCAL_ACTORS]]
        if number % 10 == 0:
            receivers.append(local_actors[(number + 1) % LOCAL_ACTORS])
    return {
        "source": source,
        "stage": stage,
        "amount": amount,
        "currency": currency,
        "exchange_rate": rate,
        "rate_date": dated if rate is not None else None,
        "disbursed": disbursed,
        "dated": dated,
        "to_local_actors": to_local,
        "local_channel": ("direct" if number % 2 else "intermediary") if to_local else "",
        "local_actors": receivers,
        "notes": "",
    }


def _fields(values: dict) -> dict:
    """A commitment's own fields among ``values`` (the local actors are links)."""
    return {name: value for name, value in values.items() if name != "local_actors"}


def _saved_by_service(intervention, values: dict):
    """The commitment ``commitment_create`` saves from ``values``, rolled back."""
    from funding.models import Commitment
    from funding.services import commitment_create

    try:
        with transaction.atomic():
            raise _RolledBack(
                commitment_create(
                    actor=None,
                    intervention=intervention,
                    commitment=Commitment(**_fields(values)),
                    local_actors=values["local_actors"],
                )
            )
    except _RolledBack as rolled_back:
        return rolled_back.commitment


def build_funding(plan, coordinator, interventions) -> dict:
    from funding.models import Commitment, Engagement, FundingSource, MobilisationStrategy
    from funding.services import (
        BASE_FIELDS,
        base_amounts,
        commitment_problems,
        source_create,
    )
    from governance.models import CreditPreference, Organisation
    from governance.services.participations import participation_add

    organisations = list(Organisation.objects.order_by("pk"))
    sources = [
        source_create(
            actor=coordinator,
            plan=plan,
            source=FundingSource(
                name=name,
                provider=organisations[index % len(organisations)],
                kind=kind,
                currency=currency,
            ),
        )
        for index, (name, kind, currency) in enumerate(SOURCES)
    ]
    preferences = CreditPreference.values
    local_actors = Organisation.objects.bulk_create(
        Organisation(
            name=f"Local association {n}",
            acronym=f"LA{n}",
            type="civil_society" if n % 2 else "migrant_led",
            level="local",
            country="GH",
            is_local_actor=True,
            led_by_women=n % 2 == 1,
            led_by_migrants=n % 2 == 0,
            credit_preference=preferences[n % len(preferences)],
        )
        for n in range(LOCAL_ACTORS)
    )
    for organisation in local_actors:
        participation_add(
            actor=coordinator, plan=plan, organisation=organisation, signatory_required=False
        )

    funded = [item for n, item in enumerate(interventions) if n % 10 != 9]
    specs = []
    for number in range(COMMITMENTS):
        intervention = funded[number % len(funded)]
        values = _commitment_values(number, intervention, sources, local_actors)
        problems = commitment_problems(plan, intervention, values)
        if problems:
            raise SystemExit(f"commitment {number} would be refused: {problems}")
        specs.append((intervention, values))
    commitments = Commitment.objects.bulk_create(
        Commitment(
            intervention=intervention,
            **_fields(values),
            **base_amounts(plan, values),
        )
        for intervention, values in specs
    )
    links = Commitment.local_actors.through
    links.objects.bulk_create(
        links(commitment_id=commitment.pk, organisation_id=organisation.pk)
        for commitment, (_, values) in zip(commitments, specs, strict=True)
        for organisation in values["local_actors"]
    )

    # The service, on a sample of every currency and stage: the same base amounts.
    for number in range(0, COMMITMENTS, 37):
        saved = _saved_by_service(*specs[number])
        for name in BASE_FIELDS:
            if getattr(saved, name) != getattr(commitments[number], name):
                raise SystemExit(f"commitment {number}: {name} differs from the service's")

    partners = organisations[: len(SOURCES)]
    strategies = MobilisationStrategy.objects.bulk_create(
        MobilisationStrategy(intervention=item, strategy="Approach the partners. " * 10)
        for n, item in enumerate(interventions)
        if n % 3 == 0
    )
    approached = MobilisationStrategy.partners_to_approach.through
    approached.objects.bulk_create(
        approached(
            mobilisationstrategy_id=strategy.pk,
            organisation_id=partners[(n + step) % len(partners)].pk,
        )
        for n, strategy in enumerate(strategies)
        for step in (0, 1)
    )
    engagements = Engagement.objects.bulk_create(
        Engagement(
            plan=plan,
            held_on=date(2026, 1 + n % 12, 1 + n % 28),
            partner=partners[n % len(partners)],
            kind=["bilateral_meeting", "proposal_sent", "other"][n % 3],
            interests="What the partner funds. " * 5,
            next_step="What happens next. " * 3,
            outcome="What was agreed. " * 3,
            recorded_by=coordinator,
        )
        for n in range(ENGAGEMENTS)
    )
    discussed = Engagement.interventions.through
    discussed.objects.bulk_create(
        discussed(
            engagement_id=engagement.pk,
            intervention_id=interventions[(n * 11 + step) % INTERVENTIONS].pk,
        )
        for n, engagement in enumerate(engagements)
        for step in (0, 1, 2)
    )
    return {
        "sources": len(sources),
        "commitments": len(commitments),
        "local parts": sum(1 for _, values in specs if values["to_local_actors"]),
        "strategies": len(strategies),
        "engagements": len(engagements),
    }


def _url(name: str, plan) -> str:
    if name == "funding_export":
        return reverse(name, kwargs={"pk": plan.pk, "file_format": "xlsx"})
    return reverse(name, args=[plan.pk])


def time_url(client: Client, label: str, url: str) -> None:
    """Print the median and 95th-percentile times and the query count of ``url``; a page
    that raises or answers other than 200 is reported, not timed."""
    try:
        first = client.get(url)
    except Exception as error:  # a page being written may still raise
        print(f"{label:32} raised {type(error).__name__}: {error}; not timed")
        return
    if first.status_code != 200:
        print(f"{label:32} answered {first.status_code}; not timed (page not built yet?)")
        return
    timings = []
    for _ in range(REPEAT):
        began = time.perf_counter()
        client.get(url)
        timings.append((time.perf_counter() - began) * 1000)
    with CaptureQueriesContext(connection) as queries:
        client.get(url)
    timings.sort()
    print(
        f"{label:32} median {statistics.median(timings):6.1f} ms  "
        f"p95 {timings[int(len(timings) * 0.95) - 1]:6.1f} ms  {len(queries):3d} queries"
    )


def time_pages(plan, coordinator, pages=PAGES) -> None:
    client = Client()
    client.force_login(coordinator)
    for name in pages:
        label = f"{name} (xlsx)" if name == "funding_export" else name
        try:
            url = _url(name, plan)
        except NoReverseMatch:
            print(f"{label:32} has no URL yet; not timed (page not built yet?)")
            continue
        time_url(client, label, url)


def main() -> None:
    setup_test_environment()
    if connection.vendor == "postgresql":
        # A database of its own, named after the one configured: a test run or another
        # bench on the same server keeps its own.
        connection.settings_dict["TEST"]["NAME"] = f"{connection.settings_dict['NAME']}_funding"
    runner = get_runner(django.conf.settings)(verbosity=0, interactive=False)
    old_config = runner.setup_databases()
    try:
        from funding.selectors import plan_figures

        started = time.perf_counter()
        plan, users, interventions = build_large_plan()
        built = build_funding(plan, users["coordinator"], interventions)
        print(
            f"built a plan with {INTERVENTIONS} interventions, "
            + ", ".join(f"{count} {what}" for what, count in built.items())
            + f" in {time.perf_counter() - started:.0f} s on {connection.vendor}"
        )
        figures = plan_figures(plan)
        print(
            f"plan figures (GHS): cost {figures.cost:,.2f}, committed {figures.committed:,.2f}, "
            f"disbursed {figures.disbursed:,.2f}, gap {figures.gap:,.2f}, "
            f"over-funded {figures.over_funded:,.2f}, local share of committed "
            f"{figures.local_share_of_committed:.1%}"
        )
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
            print("ran ANALYZE so that the planner has statistics (autovacuum is off here)")
        time_pages(plan, users["coordinator"])
    finally:
        connection.close()
        runner.teardown_databases(old_config)


if __name__ == "__main__":
    main()
