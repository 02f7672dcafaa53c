"""Interventions' chapter of the plan's PDF: the interventions under each prioritised
target they address, with their results framework, as the version froze them."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from action_plans.hooks import DocumentChapter, snapshot_records


@dataclass
class Intervention:
    record: dict
    indicators: list[dict]

    @property
    def anchor(self) -> str:
        return self.record["key"].replace(":", "-")


@dataclass
class Entry:
    """An intervention under one of the targets it addresses: described in full under
    the first, referred to under the others (a document a ministry publishes does not
    print the same text twice)."""

    item: Intervention
    first: bool
    described_under: dict  # the target record it is described under


def interventions_by_target(
    targets: list[dict], interventions: list[Intervention]
) -> list[tuple[dict, list[Entry]]]:
    """Each target record with the interventions that address it, in the targets' order
    and then the interventions': each described under the first target it addresses."""
    by_target: list[tuple[dict, list[Entry]]] = []
    described_under: dict[str, dict] = {}
    for target in targets:
        code = target["key"].split(":", 1)[1]
        entries = []
        for item in interventions:
            if code not in item.record["fields"]["targets"]:
                continue
            first = item.record["key"] not in described_under
            described_under.setdefault(item.record["key"], target)
            entries.append(Entry(item, first, described_under[item.record["key"]]))
        by_target.append((target, entries))
    return by_target


def interventions_chapter(content: dict) -> dict:
    indicators_of: dict[str, list[dict]] = {}
    for record in snapshot_records(content, "interventions", "indicator"):
        indicators_of.setdefault(record.get("parent", ""), []).append(record)
    interventions = [
        Intervention(record, indicators_of.get(record["key"], []))
        for record in snapshot_records(content, "interventions", "intervention")
    ]
    targets = snapshot_records(content, "targets", "target")
    return {"by_target": interventions_by_target(targets, interventions)}


CHAPTERS = [
    DocumentChapter(
        "interventions",
        _("Interventions"),
        50,
        "interventions/pdf/interventions.html",
        interventions_chapter,
    ),
]
