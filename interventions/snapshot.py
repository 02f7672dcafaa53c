"""The interventions and their results framework in a plan's snapshot."""

import re
from collections import defaultdict

from django.db.models import Prefetch
from django.utils.translation import gettext_lazy

from action_plans.hooks import SnapshotSection, choice_term, date_term, number_term, pairs_term
from action_plans.models import ActionPlan
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
    ResultIndicator,
    Sector,
    TargetValue,
)


def _number(value) -> str | None:
    return None if value is None else format(value.normalize(), "f")


def _money(value) -> str | None:
    return None if value is None else format(value, "f")


def _grouped(rows) -> dict[int, list]:
    """``(parent id, *values)`` rows as lists of values per parent, in the rows' order."""
    grouped: dict[int, list] = defaultdict(list)
    for parent, *values in rows:
        grouped[parent].append(values if len(values) > 1 else values[0])
    return grouped


def build(plan: ActionPlan) -> dict:
    """Seven queries, however many interventions. The leaves (targets addressed,
    beneficiaries, yearly targets, progress) are read as plain rows, not model instances:
    a large plan has thousands of them, and the comparison with the draft builds this
    snapshot on every request."""
    interventions = (
        Intervention.objects.filter(plan=plan)
        .select_related("lead_organisation")
        .prefetch_related(
            Prefetch("partners", queryset=Partner.objects.select_related("organisation")),
            Prefetch(
                "indicators",
                queryset=ResultIndicator.objects.select_related(
                    "sdg_indicator", "reporting_organisation"
                ).order_by("pk"),
            ),
        )
        .order_by("title")
    )
    targets_of = _grouped(
        AddressedTarget.objects.filter(intervention__plan=plan)
        .order_by("prioritised_target__target__position")
        .values_list("intervention_id", "prioritised_target__target__code")
    )
    groups_of = _grouped(
        Beneficiaries.objects.filter(intervention__plan=plan).values_list(
            "intervention_id", "group", "estimated_number"
        )
    )
    yearly_of = _grouped(
        TargetValue.objects.filter(indicator__intervention__plan=plan)
        .order_by("year")
        .values_list("indicator_id", "year", "value")
    )
    progress_of = _grouped(
        Progress.objects.filter(indicator__intervention__plan=plan)
        .order_by("measured_on", "pk")
        .values_list("indicator_id", "measured_on", "value")
    )
    records, cost, counted = [], 0, 0
    for intervention in interventions:
        records.append(
            {
                "key": f"intervention:{intervention.pk}",
                "kind": "intervention",
                "label": intervention.title,
                "fields": {
                    "lead": str(intervention.lead_organisation),
                    "level": intervention.level,
                    "sector": intervention.sector,
                    "status": intervention.status,
                    "targets": targets_of[intervention.pk],
                    "partners": sorted(
                        [str(partner.organisation), partner.role]
                        for partner in intervention.partners.all()
                    ),
                    "beneficiaries": sorted(
                        groups_of[intervention.pk],
                        key=lambda item: _GROUP_ORDER.get(item[0], len(_GROUP_ORDER)),
                    ),
                    "start": intervention.start_date.isoformat()
                    if intervention.start_date
                    else None,
                    "end": intervention.end_date.isoformat() if intervention.end_date else None,
                    "cost": _money(intervention.estimated_cost),
                    "description": intervention.description,
                    "design": intervention.design,
                    "capacity_building": intervention.capacity_building,
                },
            }
        )
        if intervention.status != "dropped":
            counted += 1
            cost += intervention.estimated_cost or 0
        for indicator in intervention.indicators.all():
            name = indicator.name or (
                f"{indicator.sdg_indicator.code}" if indicator.sdg_indicator else ""
            )
            records.append(
                {
                    "key": f"indicator:{indicator.pk}",
                    "kind": "indicator",
                    "parent": f"intervention:{intervention.pk}",
                    "label": f"{name} — {intervention.title}",
                    "name": name,
                    "fields": {
                        "unit": indicator.unit,
                        "baseline": (
                            [_number(indicator.baseline_value), indicator.baseline_year]
                            if indicator.baseline_value is not None
                            else None
                        ),
                        "target_values": [
                            [year, _number(value)] for year, value in yearly_of[indicator.pk]
                        ],
                        "progress": [
                            [day.isoformat(), _number(value)]
                            for day, value in progress_of[indicator.pk]
                        ],
                        "reporting": str(indicator.reporting_organisation or "") or None,
                    },
                }
            )
    return {
        "records": records,
        "totals": {"interventions": str(counted), "cost": _money(cost) if counted else None},
    }


_GROUP_ORDER = {group: position for position, group in enumerate(BeneficiaryGroup.values)}
_role = choice_term(PartnerRole.choices)
_group = choice_term(BeneficiaryGroup.choices)


def _partner(organisation: str, role: str) -> str:
    return f"{organisation} ({_role(role)})"


def _beneficiary(group: str, number: int | str | None) -> str:
    return f"{_group(group)}: {number}" if number else _group(group)


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
