"""A frozen plan as its public materials show it: each organisation taking part named
as it chose to be credited (by name, anonymously, or not at all). The portal's pages, the
open formats and the official edition of the plan's document read a version's snapshot
through ``credited``; the annual report, made from the live rows, names each organisation
through ``organisation_credited``."""

from typing import Any

from django.utils.translation import gettext as _

from action_plans.hooks import snapshot_records
from governance.models import CreditPreference, Organisation
from governance.snapshot import SECTION

# The fields of a record that hold one organisation's name, and those that hold a list
# of names, in any section.
NAME_FIELDS = ("lead", "reporting", "provider", "responsible", "owner")
NAMES_FIELDS = ("present", "partners_to_approach")


def _credited_name(name: str | None, credit: str | None) -> str | None:
    """An organisation's name as it chose to be credited: by name, anonymously, or not
    at all (None)."""
    if name is None or credit in (None, CreditPreference.BY_NAME):
        return name
    if credit == CreditPreference.ANONYMOUS:
        return _("A local organisation")
    return None


def anonymous_description(record: dict[str, Any]) -> str:
    """A participant credited anonymously, described in the active language: its type
    and who leads it, never its name."""
    fields = record["fields"]
    kind = SECTION.terms["type"](fields["type"]) if fields.get("type") else None
    leaders = SECTION.terms["led_by"](fields.get("led_by") or [])
    details = ", ".join(
        [
            str(kind or _("An organisation")),
            *(_("led by %(who)s") % {"who": who} for who in leaders),
        ]
    )
    return f"{_('A local organisation')} ({details})"


def organisation_credited(organisation: Organisation) -> str | None:
    """``organisation`` (a live row) named as it chose to be credited in public material:
    its name, its anonymous description in the active language, or None when it is not
    to be credited."""
    if organisation.credit_preference == CreditPreference.ANONYMOUS:
        fields = {"type": organisation.type, "led_by": organisation.leadership_flags}
        return anonymous_description({"fields": fields})
    return _credited_name(organisation.name, organisation.credit_preference)


def credited(content: dict[str, Any]) -> dict[str, Any]:
    """``content`` (a version's snapshot) with the organisations taking part named as
    each chose to be credited in public materials wherever a record names them (partners,
    leads, reporting organisations, providers of funds, owners of frameworks, those
    present at a consultation, the participants themselves): an organisation credited
    anonymously is described, one not to be credited is left out. The stored content is
    left as it is; words are in the active language."""
    participants = snapshot_records(content, "governance", "participant")
    credit_of = {record["label"]: record.get("credit") for record in participants}
    if all(credit in (None, CreditPreference.BY_NAME) for credit in credit_of.values()):
        return content

    def name(value: Any) -> Any:
        return _credited_name(value, credit_of.get(value)) if isinstance(value, str) else value

    def record_credited(record: dict[str, Any]) -> dict[str, Any] | None:
        if record["kind"] == "participant":
            credit = record.get("credit")
            if credit == CreditPreference.NOT_CREDITED:
                return None
            if credit == CreditPreference.ANONYMOUS:
                return {**record, "label": anonymous_description(record)}
            return record
        if record["kind"] in ("lead", "adviser"):
            label = name(record["label"])
            return None if label is None else {**record, "label": label}
        fields = dict(record["fields"])
        for field in NAME_FIELDS:
            if fields.get(field):
                fields[field] = name(fields[field])
        for field in NAMES_FIELDS:
            if isinstance(fields.get(field), list):
                fields[field] = [
                    shown for shown in (name(item) for item in fields[field]) if shown is not None
                ]
        if isinstance(fields.get("partners"), list):
            fields["partners"] = [
                [name(partner[0]), *partner[1:]] if isinstance(partner, list) else partner
                for partner in fields["partners"]
                if not isinstance(partner, list) or name(partner[0]) is not None
            ]
        shown = {**record, "fields": fields}
        if isinstance(record.get("credits"), list):  # a consultation: who was there, counted
            shown["credits"] = [[name(who), credit] for who, credit in record["credits"]]
        return shown

    sections = {}
    for section_name, data in content["sections"].items():
        records = (record_credited(record) for record in data.get("records", []))
        sections[section_name] = {**data, "records": [record for record in records if record]}
    return {**content, "sections": sections}
