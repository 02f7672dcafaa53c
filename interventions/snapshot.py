"""The interventions and their results framework in a plan's snapshot."""

import re
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy

from action_plans.hooks import (
    SnapshotSection,
    choice_term,
    date_term,
    frozen_amount,
    frozen_number,
    number_term,
    pairs_term,
)
from action_plans.models import ActionPlan
from governance.models import Organisation
from interventions.models import (
    AddressedTarget,
    Beneficiaries,
    BeneficiaryGroup,
    Intervention,
    InterventionLevel,
    InterventionStatus,
    Partner,
    PartnerRole,
    Progress,
    ProgressStatus,
    ResultIndicator,
    Sector,
    TargetValue,
)


def record_key(intervention_pk: int) -> str:
    """An intervention's key in the plan's snapshot (its indicators, funding and
    strategy name it as their parent)."""
    return f"intervention:{intervention_pk}"


def _grouped(rows) -> dict[int, list]:
    """``(parent id, *values)`` rows as lists of values per parent, in the rows' order."""
    grouped: dict[int, list] = defaultdict(list)
    for parent, *values in rows:
        grouped[parent].append(values if len(values) > 1 else values[0])
    return grouped


@dataclass
class _Rows:
    """The plan's interventions and, by intervention or indicator, their smaller records,
    as plain rows."""

    interventions: Iterable[dict]
    partners_of: dict[int, list]
    indicators_of: dict[int, list]
    targets_of: dict[int, list]
    groups_of: dict[int, list]
    yearly_of: dict[int, list]
    progress_of: dict[int, list]


_INTERVENTION_COLUMNS = (
    "pk",
    "title",
    "level",
    "sector",
    "status",
    "start_date",
    "end_date",
    "estimated_cost",
    "description",
    "design",
    "capacity_building",
    "lead_organisation__name",
    "lead_organisation__acronym",
)
_INDICATOR_COLUMNS = (
    "intervention_id",
    "pk",
    "name",
    "sdg_indicator__code",
    "unit",
    "baseline_value",
    "baseline_year",
    "reporting_organisation__name",
    "reporting_organisation__acronym",
)


def _rows(plan: ActionPlan) -> _Rows:
    """The seven reads of ``build``; the interventions' runs when they are iterated."""
    return _Rows(
        interventions=Intervention.objects.filter(plan=plan)
        .order_by("title")
        .values(*_INTERVENTION_COLUMNS),
        partners_of=_grouped(
            Partner.objects.filter(intervention__plan=plan).values_list(
                "intervention_id", "organisation__name", "organisation__acronym", "role"
            )
        ),
        indicators_of=_grouped(
            (row["intervention_id"], row)
            for row in ResultIndicator.objects.filter(intervention__plan=plan)
            .order_by("pk")
            .values(*_INDICATOR_COLUMNS)
        ),
        targets_of=_grouped(
            AddressedTarget.objects.filter(intervention__plan=plan)
            .order_by("prioritised_target__target__position")
            .values_list("intervention_id", "prioritised_target__target__code")
        ),
        groups_of=_grouped(
            Beneficiaries.objects.filter(intervention__plan=plan).values_list(
                "intervention_id", "group", "estimated_number"
            )
        ),
        yearly_of=_grouped(
            TargetValue.objects.filter(indicator__intervention__plan=plan)
            .order_by("year")
            .values_list("indicator_id", "year", "value")
        ),
        progress_of=_grouped(
            # only approved values count: one waiting for review or returned is not
            # part of what the plan reports
            Progress.objects.filter(
                indicator__intervention__plan=plan, status=ProgressStatus.APPROVED
            )
            .order_by("measured_on", "pk")
            .values_list("indicator_id", "measured_on", "value")
        ),
    )


def build(plan: ActionPlan) -> dict:
    """Seven queries, however many interventions, read as plain rows, not model
    instances: a large plan has thousands of them (partners, yearly targets, progress…),
    and the comparison with the draft builds this snapshot on every request."""
    rows = _rows(plan)
    records, cost, counted = [], 0, 0
    for intervention in rows.interventions:
        records.append(_intervention_record(intervention, rows))
        if intervention["status"] != "dropped":
            counted += 1
            cost += intervention["estimated_cost"] or 0
        records.extend(
            _indicator_record(indicator, intervention, rows)
            for indicator in rows.indicators_of[intervention["pk"]]
        )
    return {
        "records": records,
        # cost stays the int 0 (stored "0.000000") when no counted intervention has one
        "totals": {"interventions": str(counted), "cost": frozen_amount(cost) if counted else None},  # type: ignore[arg-type]
    }


def _intervention_record(intervention: dict, rows: _Rows) -> dict:
    pk = intervention["pk"]
    start, end = intervention["start_date"], intervention["end_date"]
    return {
        "key": record_key(pk),
        "kind": "intervention",
        "label": intervention["title"],
        "fields": {
            "lead": Organisation.named(
                intervention["lead_organisation__name"],
                intervention["lead_organisation__acronym"],
            ),
            "level": intervention["level"],
            "sector": intervention["sector"],
            "status": intervention["status"],
            "targets": rows.targets_of[pk],
            "partners": sorted(
                [Organisation.named(name, acronym), role]
                for name, acronym, role in rows.partners_of[pk]
            ),
            "beneficiaries": sorted(
                rows.groups_of[pk],
                key=lambda item: _GROUP_ORDER.get(item[0], len(_GROUP_ORDER)),
            ),
            "start": start.isoformat() if start else None,
            "end": end.isoformat() if end else None,
            "cost": frozen_amount(intervention["estimated_cost"]),
            "description": intervention["description"],
            "design": intervention["design"],
            "capacity_building": intervention["capacity_building"],
        },
    }


def _indicator_record(indicator: dict, intervention: dict, rows: _Rows) -> dict:
    name = indicator["name"] or indicator["sdg_indicator__code"] or ""
    reporting = indicator["reporting_organisation__name"]
    return {
        "key": f"indicator:{indicator['pk']}",
        "kind": "indicator",
        "parent": record_key(intervention["pk"]),
        "label": f"{name} — {intervention['title']}",
        "name": name,
        # the SDG indicator it follows, whatever it is named (the IATI file's reference);
        # beside the fields, so that versions frozen before it was kept compare alike
        "sdg_indicator": indicator["sdg_indicator__code"],
        "fields": {
            "unit": indicator["unit"],
            "baseline": (
                [frozen_number(indicator["baseline_value"]), indicator["baseline_year"]]
                if indicator["baseline_value"] is not None
                else None
            ),
            "target_values": [
                [year, frozen_number(value)] for year, value in rows.yearly_of[indicator["pk"]]
            ],
            "progress": [
                [day.isoformat(), frozen_number(value)]
                for day, value in rows.progress_of[indicator["pk"]]
            ],
            "reporting": Organisation.named(reporting, indicator["reporting_organisation__acronym"])
            if reporting
            else None,
        },
    }


_GROUP_ORDER = {group: position for position, group in enumerate(BeneficiaryGroup.values)}
_role = choice_term(PartnerRole.choices)
_group = choice_term(BeneficiaryGroup.choices)


def _partner(organisation: str, role: str) -> str:
    return f"{organisation} ({_role(role)})"


def _beneficiary(group: str, number: int | str | None) -> str:
    return f"{_group(group)}: {number_term(number)}" if number else _group(group)


def _dated(measured_on: str, value: str) -> str:
    return f"{date_term(measured_on)}: {number_term(value)}"


def _yearly(year: int | str, value: str) -> str:
    return f"{year}: {number_term(value)}"


_OF_YEAR = re.compile(r"(\S+) \((\d{4})\)")  # "10 (2024)": a baseline of format 1


def _baseline(value) -> str:
    """``[value, year]`` in words; a baseline stored as words (format 1) is read back."""
    match = _OF_YEAR.fullmatch(value) if isinstance(value, str) else None
    if match:
        value = list(match.groups())
    if not isinstance(value, list):
        return value
    number, year = value
    return f"{number_term(number)} ({year})" if year else number_term(number)


SECTION = SnapshotSection(
    name="interventions",
    title=gettext_lazy("Interventions and their results framework"),
    order=30,
    build=build,
    kinds={"intervention": gettext_lazy("Intervention"), "indicator": gettext_lazy("Indicator")},
    # progress is recorded after adoption (interventions.rules.PROGRESS_RECORD)
    living=frozenset({"progress"}),
    fields={
        "lead": gettext_lazy("lead"),
        "level": gettext_lazy("level"),
        "sector": gettext_lazy("sector"),
        "status": gettext_lazy("status"),
        "targets": gettext_lazy("targets"),
        "partners": gettext_lazy("partners"),
        "beneficiaries": gettext_lazy("beneficiaries"),
        "start": gettext_lazy("start"),
        "end": gettext_lazy("end"),
        "cost": gettext_lazy("cost"),
        "description": gettext_lazy("description"),
        "design": gettext_lazy("design"),
        "capacity_building": gettext_lazy("capacity building"),
        "unit": gettext_lazy("unit"),
        "baseline": gettext_lazy("baseline"),
        "target_values": gettext_lazy("targets per year"),
        "progress": gettext_lazy("progress"),
        "reporting": gettext_lazy("reported by"),
        "interventions": gettext_lazy("interventions (not dropped)"),
    },
    money=frozenset({"cost"}),
    terms={
        "level": choice_term(InterventionLevel.choices),
        "sector": choice_term(Sector.choices),
        "status": choice_term(InterventionStatus.choices),
        # format 1 stored these as words: "MOH (Technical support)", "Youth: 100",
        # "2026-06-30: 12", "2028: 900"
        "partners": pairs_term(_partner, re.compile(r"(.*) \((.+)\)")),
        "beneficiaries": pairs_term(_beneficiary, re.compile(r"(.+?)(?:: (\d+))?")),
        "start": date_term,
        "end": date_term,
        "baseline": _baseline,
        "target_values": pairs_term(_yearly, re.compile(r"(\d{4}): (.+)")),
        "progress": pairs_term(_dated, re.compile(r"(\d{4}-\d{2}-\d{2}): (.+)")),
    },
)
