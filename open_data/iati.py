"""An adopted version of a plan as IATI 2.03 activity XML: one ``iati-activity`` per
intervention not dropped, read from the version's snapshot only (what was adopted, never
the live rows: nothing of a draft can appear).

Beside the snapshot the export reads two things that are not the plan's content: the
plan's language (the language its words were typed in) and the IATI identifiers of the
organisations the snapshot names (an organisation's public registration, kept on its
page). The mapping is summed up in docs/architecture.md ("IATI export").

* The **reporting organisation** is the plan's lead body: the one responsible for
  intervention design if it has an IATI identifier, else the first lead body that has
  one. Without one, the plan cannot publish in IATI (an activity's identifier begins with
  its publisher's): ``NoReportingOrganisation`` says so, and no file is made.
* ``iati-identifier``: the reporting organisation's identifier, ``-MSDP-``, the plan's
  id, ``-`` and the intervention's id (the snapshot's key: the same in every version).
* Organisations are credited as each chose in the snapshot: by name (with their IATI
  identifier as ``ref`` when they have one), anonymously (described by their type and who
  leads them, with no ``ref``), or not at all (left out).
* Transactions are the firm commitments the snapshot records, each in its own currency
  and dated the day it was committed, and what was disbursed of them by the day the
  version was frozen (a commitment keeps its amount disbursed to date, not each payment).
  A snapshot frozen before commitments were kept gives each intervention's totals in the
  base currency instead.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from lxml import etree

from action_plans.models import PlanVersion
from action_plans.snapshot import named
from funding.models import COMMITTED_STAGES
from open_data import selectors

IATI_VERSION = "2.03"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

# The plan's own sectors in the OECD DAC 5-digit codes (IATI sector vocabulary 1) where
# one says the same thing; every intervention also carries its sector in the app's own
# words (vocabulary 99, the reporting organisation's).
DAC_SECTORS = {
    "border": "15190",  # Facilitation of orderly, safe, regular and responsible migration
    "labour": "16070",  # Labour rights
    "health": "12110",  # Health policy and administrative management
    "education": "11110",  # Education policy and administrative management
    "social_protection": "16010",  # Social protection
    "justice": "15130",  # Legal and judicial development
    "local_development": "43030",  # Urban development and management
    "financial_inclusion": "24050",  # Remittance facilitation, promotion and optimisation
    "data": "16062",  # Statistical capacity building
}
# IATI activity status: the design stages are the pipeline; dropped ones are left out.
ACTIVITY_STATUS = {
    "proposed": "1",
    "designed": "1",
    "in_plan": "1",
    "under_way": "2",
    "completed": "3",
}
# IATI organisation types (OrganisationType codelist).
ORGANISATION_TYPES = {
    "ministry": "10",
    "statistics_office": "10",
    "planning_ministry": "10",
    "parliament": "10",
    "local_government": "11",
    "coordinating_body": "15",
    "international": "40",
    "development_partner": "10",  # a bilateral partner; a multilateral is "international"
    "civil_society": "22",
    "migrant_led": "22",
    "diaspora": "22",
    "private_sector": "70",
    "academia": "80",
    "community_leader": "90",
    "informal_actor": "90",
}
# IATI organisation roles of the plan's partners: funding 1, accountable 2 (the lead),
# implementing 4.
FUNDING, ACCOUNTABLE, IMPLEMENTING = "1", "2", "4"
PARTNER_ROLES = {
    "co_funding": FUNDING,
    "implementing": IMPLEMENTING,
    "technical_support": IMPLEMENTING,
    "local_partner": IMPLEMENTING,
}
# IATI transaction types. The reporting organisation (the plan's lead body) is the one
# that carries out the plan's interventions: money another provider commits to one is an
# obligation made to the reporter, so it reports an Incoming Commitment (11) and the money
# it receives of it as Incoming Funds (1); what it commits of its own budget is its own
# Outgoing Commitment (2), paid out as Disbursements (3).
INCOMING_FUNDS, OUTGOING_COMMITMENT, DISBURSEMENT, INCOMING_COMMITMENT = "1", "2", "3", "11"
# IATI calls a commitment "a firm, written obligation": the stages committed and disbursed
# (the ones the plan's committed figures count); money identified or only pledged is not.
FIRM_STAGES = frozenset(COMMITTED_STAGES)
# An SDG indicator's code, as the snapshot names an indicator that has no name of its own.
SDG_INDICATOR = re.compile(r"\d{1,2}\.[0-9a-z]{1,2}\.\d{1,2}")
SDG_INDICATORS_URI = "https://unstats.un.org/sdgs/indicators/indicators-list/"


class NoReportingOrganisation(Exception):
    """No lead body of the plan has an IATI organisation identifier."""

    def __str__(self) -> str:
        return _(
            "No lead body of the plan has an IATI organisation identifier: add one on the "
            "organisation's page, and the plan's IATI file can be made."
        )


@dataclass(frozen=True)
class Credited:
    """An organisation as the export names it: ``name`` as it chose to be credited, its
    IATI identifier only when it is credited by name."""

    name: str
    type: str | None
    ref: str | None


@dataclass
class Export:
    """An IATI file and what the reader of a command should know about it."""

    xml: bytes
    reporting: str
    activities: list[str]  # the identifiers, in the file's order
    notes: list[str] = field(default_factory=list)


def iati_activities(version: PlanVersion) -> bytes:
    """``version``'s IATI activity file (an adopted or superseded version)."""
    return iati_export(version).xml


def iati_export(version: PlanVersion) -> Export:
    """Three queries: the snapshot, the plan's language, the organisations' identifiers."""
    content = selectors.frozen_content(version)
    organisations = _organisation_ids(content)
    return activities_xml(
        content,
        plan_id=version.plan_id,
        language=selectors.plan_language(version),
        identifiers=selectors.iati_identifiers(organisations),
        frozen_on=version.submitted_at,
        adopted_at=version.adopted_at or version.submitted_at,
    )


def _organisation_ids(content: dict[str, Any]) -> set[int]:
    records = content["sections"].get("governance", {}).get("records", [])
    return {
        int(record["key"].split(":", 1)[1])
        for record in records
        if record["kind"] in ("participant", "lead")
    }


# --- the file ------------------------------------------------------------------------


def activities_xml(
    content: dict[str, Any],
    *,
    plan_id: int,
    language: str,
    identifiers: dict[int, str],
    frozen_on: datetime,
    adopted_at: datetime,
) -> Export:
    """The IATI file of a frozen plan (``content``: a version's snapshot), its words in
    ``language``; ``identifiers``: the IATI identifiers of its organisations, by id."""
    with translation.override(language):
        return _Builder(content, plan_id, language, identifiers, frozen_on, adopted_at).build()


class _Builder:
    def __init__(
        self,
        content: dict[str, Any],
        plan_id: int,
        language: str,
        identifiers: dict[int, str],
        frozen_on: datetime,
        adopted_at: datetime,
    ) -> None:
        self.plan = content["plan"]
        self.plan_id = plan_id
        self.language = language
        self.currency = self.plan["base_currency"]
        self.frozen_on = timezone.localdate(frozen_on)
        self.adopted_at = adopted_at
        self.identifiers = identifiers
        sections = content["sections"]
        words = named(content)["sections"]
        self.records = _by_kind(sections)
        self.words = {
            record["key"]: record for data in words.values() for record in data.get("records", [])
        }
        self.organisations = self._organisations()
        self.indicators_of: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for record in self.records["indicator"]:
            self.indicators_of[record["parent"]].append(record)
        self.funding_of = {record["parent"]: record for record in self.records["funding"]}
        self.commitments_of: dict[str, list[dict[str, Any]]] = defaultdict(list)
        for record in self.records["commitment"]:
            self.commitments_of[record["parent"]].append(record)
        # a snapshot frozen before commitments were kept: the interventions' totals
        self.commitments_kept = bool(self.records["commitment"])
        self.target_titles = {
            record["key"].split(":", 1)[1]: record.get("titles") or {}
            for record in self.records["target"]
        }
        self.period_years = _years(self.plan.get("period", ""))

    # the organisations

    def _organisations(self) -> dict[str, tuple[int, Credited | None]]:
        """Each organisation the snapshot names, by the name it is named by: its id and
        how it is credited (None: not at all)."""
        found: dict[str, tuple[int, Credited | None]] = {}
        for record in self.records["participant"]:
            pk = int(record["key"].split(":", 1)[1])
            type_code = record["fields"].get("type")
            credit = record["fields"].get("credit") or record.get("credit")
            iati_type = ORGANISATION_TYPES.get(type_code) if type_code else None
            if credit == "not_credited":
                credited = None
            elif credit == "anonymous":
                credited = Credited(_anonymous(self.words[record["key"]]), iati_type, None)
            else:
                credited = Credited(record["label"], iati_type, self.identifiers.get(pk) or None)
            found[record["label"]] = (pk, credited)
        for record in self.records["lead"]:  # a lead body is a participant too
            pk = int(record["key"].split(":", 1)[1])
            found.setdefault(
                record["label"],
                (pk, Credited(record["label"], None, self.identifiers.get(pk) or None)),
            )
        return found

    def _reporting(self) -> Credited:
        leads = self.records["lead"]
        designing = [
            record
            for record in leads
            if "intervention_design" in record["fields"].get("responsible_for", [])
        ]
        for record in [*designing, *leads]:
            pk = int(record["key"].split(":", 1)[1])
            if self.identifiers.get(pk):
                _pk, credited = self.organisations.get(record["label"], (pk, None))
                type_code = credited.type if credited and credited.type else "10"
                return Credited(record["label"], type_code, self.identifiers[pk])
        raise NoReportingOrganisation

    def _credited(self, name: str | None) -> Credited | None:
        if not name:
            return None
        found = self.organisations.get(name)
        if found is None:  # not a participant any more: named as the snapshot names it
            return Credited(name, None, None)
        return found[1]

    # the file

    def build(self) -> Export:
        reporting = self._reporting()
        root = etree.Element(
            "iati-activities",
            {"version": IATI_VERSION, "generated-datetime": _moment(timezone.now())},
        )
        identifiers, notes = [], []
        for record in self.records["intervention"]:
            if record["fields"].get("status") == "dropped":
                notes.append(_("Left out, dropped: %(title)s") % {"title": record["label"]})
                continue
            activity = self._activity(record, reporting)
            identifiers.append(activity.findtext("iati-identifier"))
            root.append(activity)
        if not identifiers:
            raise NoInterventions
        xml = etree.tostring(root, xml_declaration=True, encoding="UTF-8", pretty_print=True)
        return Export(xml, f"{reporting.name} ({reporting.ref})", identifiers, notes)

    def _activity(self, record: dict[str, Any], reporting: Credited) -> etree._Element:
        fields, words = record["fields"], self.words[record["key"]]["fields"]
        pk = record["key"].split(":", 1)[1]
        activity = etree.Element(
            "iati-activity",
            {
                XML_LANG: self.language,
                "default-currency": self.currency,
                "last-updated-datetime": _moment(self.adopted_at),
            },
        )
        _text(activity, "iati-identifier", f"{reporting.ref}-MSDP-{self.plan_id}-{pk}")
        org = _sub(activity, "reporting-org", ref=reporting.ref or "", type=reporting.type or "10")
        _narrative(org, reporting.name)
        _narrative(_sub(activity, "title"), record["label"])
        self._descriptions(activity, record, words)
        self._participants(activity, fields, reporting)
        _sub(activity, "activity-status", code=ACTIVITY_STATUS.get(fields.get("status"), "1"))
        start, end = self._dates(fields)
        _sub(activity, "activity-date", type="1", **{"iso-date": start.isoformat()})
        _sub(activity, "activity-date", type="3", **{"iso-date": end.isoformat()})
        _sub(activity, "recipient-country", code=self.plan["country"], percentage="100")
        self._sectors(activity, fields, words)
        self._tags(activity, fields)
        self._budget(activity, fields, start, end)
        if self.commitments_kept:
            for commitment in self.commitments_of.get(record["key"], []):
                self._commitment_transactions(activity, commitment["fields"], reporting)
        else:
            self._transactions(activity, record["key"])
        self._results(activity, record)
        return activity

    def _descriptions(
        self, activity: etree._Element, record: dict[str, Any], words: dict[str, Any]
    ) -> None:
        fields = record["fields"]
        _narrative(
            _sub(activity, "description", type="1"), fields.get("description") or record["label"]
        )
        if fields.get("design"):
            _narrative(_sub(activity, "description", type="2"), fields["design"])
        if words.get("beneficiaries"):
            _narrative(_sub(activity, "description", type="3"), "; ".join(words["beneficiaries"]))

    def _participants(
        self, activity: etree._Element, fields: dict[str, Any], reporting: Credited
    ) -> None:
        roles: list[tuple[str, Credited]] = []
        if (lead := self._credited(fields.get("lead"))) is not None:
            roles.append((ACCOUNTABLE, lead))
        for name, role in fields.get("partners") or []:
            if (partner := self._credited(name)) is not None:
                roles.append((PARTNER_ROLES.get(role, IMPLEMENTING), partner))
        if not roles:  # everyone asked not to be credited: the plan's lead body answers for it
            roles.append((ACCOUNTABLE, reporting))
        for role, organisation in sorted(roles, key=lambda item: item[0]):
            attributes = {"role": role}
            if organisation.ref:
                attributes["ref"] = organisation.ref
            if organisation.type:
                attributes["type"] = organisation.type
            _narrative(_sub(activity, "participating-org", **attributes), organisation.name)

    def _dates(self, fields: dict[str, Any]) -> tuple[date, date]:
        """The planned start and end; the plan's period where the intervention has none."""
        first, last = self.period_years
        start = _day(fields.get("start")) or date(first, 1, 1)
        end = _day(fields.get("end")) or date(max(last, start.year), 12, 31)
        return start, max(start, end)

    def _sectors(
        self, activity: etree._Element, fields: dict[str, Any], words: dict[str, Any]
    ) -> None:
        sector = fields.get("sector")
        if not sector:
            return
        if sector in DAC_SECTORS:
            _sub(activity, "sector", vocabulary="1", code=DAC_SECTORS[sector], percentage="100")
        own = _sub(activity, "sector", vocabulary="99", code=sector, percentage="100")
        _narrative(own, str(words.get("sector") or sector))

    def _tags(self, activity: etree._Element, fields: dict[str, Any]) -> None:
        targets = fields.get("targets") or []
        for goal in dict.fromkeys(code.split(".", 1)[0] for code in targets):
            _sub(activity, "tag", vocabulary="2", code=goal)
        for code in targets:
            tag = _sub(activity, "tag", vocabulary="3", code=code)
            for language, title in sorted(self.target_titles.get(code, {}).items()):
                if title:
                    _narrative(tag, f"{code} {title}", language)

    def _budget(
        self, activity: etree._Element, fields: dict[str, Any], start: date, end: date
    ) -> None:
        cost = _amount(fields.get("cost"))
        if cost is None:
            return
        budget = _sub(activity, "budget", type="1", status="1")
        _sub(budget, "period-start", **{"iso-date": start.isoformat()})
        _sub(budget, "period-end", **{"iso-date": end.isoformat()})
        self._value(budget, cost, start)

    def _transactions(self, activity: etree._Element, key: str) -> None:
        """What was committed and disbursed when the version was frozen, in the plan's
        base currency (the snapshot's figures), dated that day: a snapshot frozen before
        its commitments were kept one by one."""
        figures = self.funding_of.get(key, {}).get("fields", {})
        for type_code, name in ((OUTGOING_COMMITMENT, "committed"), (DISBURSEMENT, "disbursed")):
            amount = _amount(figures.get(name))
            if amount:
                self._transaction(activity, type_code, amount, self.currency, self.frozen_on)

    def _commitment_transactions(
        self, activity: etree._Element, fields: dict[str, Any], reporting: Credited
    ) -> None:
        """A firm commitment in its own currency, dated the day it was committed, and
        what was disbursed of it by the day the version was frozen; from the reporting
        organisation's own budget or received from another provider (``INCOMING_*``),
        the provider credited as it chose (not named at all if it chose so)."""
        amount, day = _amount(fields.get("amount")), _day(fields.get("dated"))
        if fields.get("stage") not in FIRM_STAGES or not amount or day is None:
            return
        currency = fields.get("currency") or self.currency
        own = fields.get("provider") == reporting.name
        provider = reporting if own else self._credited(fields.get("provider"))
        committed = OUTGOING_COMMITMENT if own else INCOMING_COMMITMENT
        self._transaction(activity, committed, amount, currency, day, provider)
        if disbursed := _amount(fields.get("disbursed_to_date")):
            paid = DISBURSEMENT if own else INCOMING_FUNDS
            self._transaction(activity, paid, disbursed, currency, self.frozen_on, provider)

    def _transaction(
        self,
        activity: etree._Element,
        type_code: str,
        amount: Decimal,
        currency: str,
        day: date,
        provider: Credited | None = None,
    ) -> None:
        transaction = _sub(activity, "transaction")
        _sub(transaction, "transaction-type", code=type_code)
        _sub(transaction, "transaction-date", **{"iso-date": day.isoformat()})
        self._value(transaction, amount, day, currency)
        if provider is not None:
            attributes = {"ref": provider.ref} if provider.ref else {}
            if provider.type:
                attributes["type"] = provider.type
            _narrative(_sub(transaction, "provider-org", **attributes), provider.name)

    def _value(
        self, parent: etree._Element, amount: Decimal, day: date, currency: str | None = None
    ) -> None:
        value = _sub(
            parent,
            "value",
            currency=currency or self.currency,
            **{"value-date": day.isoformat()},
        )
        value.text = format(amount, "f")

    def _results(self, activity: etree._Element, record: dict[str, Any]) -> None:
        indicators = self.indicators_of.get(record["key"], [])
        if not indicators:
            return
        result = _sub(activity, "result", type="2")
        _narrative(_sub(result, "title"), record["label"])
        for indicator in indicators:
            self._indicator(result, indicator)

    def _indicator(self, result: etree._Element, record: dict[str, Any]) -> None:
        fields = record["fields"]
        name = record.get("name") or record["label"]
        unit = fields.get("unit") or ""
        element = _sub(result, "indicator", measure="2" if "%" in unit else "1")
        _narrative(_sub(element, "title"), name)
        if unit:
            _narrative(_sub(element, "description"), unit)
        # the SDG indicator it follows; a snapshot frozen before that was kept names it
        # by its code when the indicator has no name of its own
        sdg_code = record.get("sdg_indicator") or (name if SDG_INDICATOR.fullmatch(name) else None)
        if sdg_code:
            _sub(
                element,
                "reference",
                vocabulary="9",
                code=sdg_code,
                **{"indicator-uri": SDG_INDICATORS_URI},
            )
        baseline = fields.get("baseline")
        if isinstance(baseline, list) and baseline[1]:
            _sub(element, "baseline", year=str(baseline[1]), value=str(baseline[0]))
        targets = {int(year): value for year, value in fields.get("target_values") or []}
        actuals: dict[int, list[str]] = defaultdict(list)
        for day, value in fields.get("progress") or []:
            actuals[int(day[:4])].append(value)
        for year in sorted({*targets, *actuals}):
            period = _sub(element, "period")
            _sub(period, "period-start", **{"iso-date": f"{year}-01-01"})
            _sub(period, "period-end", **{"iso-date": f"{year}-12-31"})
            if year in targets:
                _sub(period, "target", value=str(targets[year]))
            if actuals[year]:  # the latest value approved in the year
                _sub(period, "actual", value=str(actuals[year][-1]))


class NoInterventions(Exception):
    """Every intervention of the version was dropped: an IATI file needs an activity."""

    def __str__(self) -> str:
        return _(
            "The version has no intervention that was not dropped: there is nothing to publish."
        )


# --- helpers ---------------------------------------------------------------------------


def _by_kind(sections: dict[str, Any]) -> dict[str, list[dict[str, Any]]]:
    records: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for data in sections.values():
        for record in data.get("records", []):
            records[record["kind"]].append(record)
    return records


def _anonymous(record: dict[str, Any]) -> str:
    """An organisation credited anonymously: its type and who leads it, in words."""
    fields = record["fields"]
    return ", ".join(
        [
            str(fields.get("type") or _("An organisation")),
            *(_("led by %(who)s") % {"who": who} for who in fields.get("led_by") or []),
        ]
    )


def _sub(parent: etree._Element, tag: str, **attributes: str) -> etree._Element:
    return etree.SubElement(parent, tag, attributes)


def _text(parent: etree._Element, tag: str, text: str) -> etree._Element:
    element = _sub(parent, tag)
    element.text = text
    return element


def _narrative(parent: etree._Element, text: str, language: str | None = None) -> None:
    element = _sub(parent, "narrative", **({XML_LANG: language} if language else {}))
    element.text = _clean(text)


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def _clean(text: Any) -> str:
    """Text as XML can hold it (no control characters)."""
    return _NOT_XML.sub("", str(text))


def _moment(value: datetime) -> str:
    return value.astimezone(UTC).replace(microsecond=0).isoformat()


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _amount(value: Any) -> Decimal | None:
    if value is None:
        return None
    try:
        return Decimal(str(value))
    except InvalidOperation:
        return None


def _years(period: str) -> tuple[int, int]:
    """The first and last year of a period written "2025–2030"."""
    years = [int(year) for year in re.findall(r"\d{4}", period)]
    if not years:
        today = timezone.localdate().year
        return today, today
    return years[0], years[-1]
