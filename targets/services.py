"""Writes to the targets app."""

import csv
from dataclasses import dataclass, field
from pathlib import Path

from django.db import models, transaction

from targets.models import (
    Goal,
    Indicator,
    MigrationRelevance,
    Target,
    indicator_position,
    target_position,
)

CATALOGUE_DIR = Path(__file__).resolve().parent / "data" / "sdg"


class CatalogueError(Exception):
    """The catalogue files cannot be read or are inconsistent; the message names the file."""


@dataclass
class CatalogueLoadResult:
    created: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)

    @property
    def changed(self) -> bool:
        return any(self.created.values()) or any(self.updated.values())


def _read_rows(path: Path, required: set[str]) -> list[dict[str, str]]:
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            missing = required - set(reader.fieldnames or [])
            if missing:
                raise CatalogueError(f"{path} lacks the column(s) {', '.join(sorted(missing))}.")
            return list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as error:
        reason = getattr(error, "strerror", None) or str(error)
        raise CatalogueError(f"cannot read SDG catalogue file {path}: {reason}") from None


def _sync(
    model: type[models.Model],
    key: str,
    wanted: dict[object, dict[str, object]],
) -> tuple[int, int]:
    """Create missing rows and update differing ones; returns (created, updated)."""
    existing = {getattr(row, key): row for row in model.objects.all()}
    to_create, to_update, changed_fields = [], [], set()
    for natural_key, values in wanted.items():
        row = existing.get(natural_key)
        if row is None:
            to_create.append(model(**{key: natural_key}, **values))
            continue
        differing = {name for name, value in values.items() if getattr(row, name) != value}
        if differing:
            for name in differing:
                setattr(row, name, values[name])
            to_update.append(row)
            changed_fields |= differing
    model.objects.bulk_create(to_create)
    if to_update:
        model.objects.bulk_update(to_update, sorted(changed_fields))
    return len(to_create), len(to_update)


@transaction.atomic
def catalogue_load(*, data_dir: Path = CATALOGUE_DIR) -> CatalogueLoadResult:
    """Load goals, targets, indicators and migration relevance from the shipped CSV files.

    Idempotent: a second run with the same files changes nothing. Rows missing from the
    files are kept (plans may refer to them); they are never deleted here.
    """
    goal_rows = _read_rows(data_dir / "goals.csv", {"code", "title_en", "short_en"})
    target_rows = _read_rows(data_dir / "targets.csv", {"goal", "code", "title_en"})
    indicator_rows = _read_rows(
        data_dir / "indicators.csv", {"target", "code", "unsd_code", "title_en"}
    )
    relevance_rows = _read_rows(data_dir / "migration_targets.csv", {"code", "relation"})

    result = CatalogueLoadResult()
    goals = {
        int(row["code"]): {
            **{f"title_{lang}": row.get(f"title_{lang}", "") for lang in ("en", "fr", "es")},
            **{f"short_title_{lang}": row.get(f"short_{lang}", "") for lang in ("en", "fr", "es")},
        }
        for row in goal_rows
    }
    result.created["goals"], result.updated["goals"] = _sync(Goal, "number", goals)
    goal_ids = dict(Goal.objects.values_list("number", "id"))

    relevance = {row["code"]: row for row in relevance_rows}
    known_relations = set(MigrationRelevance.values)
    targets = {}
    for row in target_rows:
        try:
            mention = relevance.get(row["code"], {})
            relation = mention.get("relation", MigrationRelevance.NONE)
            if relation not in known_relations:
                raise CatalogueError(
                    f"migration_targets.csv: {row['code']} has unknown relation {relation!r}."
                )
            targets[row["code"]] = {
                "goal_id": goal_ids[int(row["goal"])],
                "position": target_position(row["code"]),
                **{f"title_{lang}": row.get(f"title_{lang}", "") for lang in ("en", "fr", "es")},
                "migration_relevance": relation,
                "migration_note": mention.get("note", ""),
            }
        except (KeyError, ValueError) as error:
            raise CatalogueError(f"targets.csv: bad row for {row.get('code')!r}: {error}") from None
    unknown = set(relevance) - set(targets)
    if unknown:
        raise CatalogueError(
            f"migration_targets.csv names unknown target(s): {', '.join(sorted(unknown))}."
        )
    result.created["targets"], result.updated["targets"] = _sync(Target, "code", targets)
    target_ids = dict(Target.objects.values_list("code", "id"))

    indicators = {}
    for row in indicator_rows:
        try:
            indicators[row["code"]] = {
                "target_id": target_ids[row["target"]],
                "position": indicator_position(row["code"]),
                "unsd_code": row["unsd_code"],
                **{f"title_{lang}": row.get(f"title_{lang}", "") for lang in ("en", "fr", "es")},
                "translation_note": row.get("translation_note", ""),
            }
        except (KeyError, ValueError) as error:
            raise CatalogueError(
                f"indicators.csv: bad row for {row.get('code')!r}: {error}"
            ) from None
    result.created["indicators"], result.updated["indicators"] = _sync(
        Indicator, "code", indicators
    )
    return result
