"""History rows (django-simple-history): who made each change, and one row per save."""

from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models
from django.utils.translation import gettext as _
from simple_history.models import HistoricalRecords

from msd_planner.lib.types import User

# The ``history_change_reason`` of rows the demo loader wrote without a user.
WRITTEN_BY_DEMO_LOADER = "demo-loader"


def attribute(instance: models.Model, actor: User | None) -> None:
    """Record ``actor`` as the author of the next history row ``instance`` writes.

    Requests get this from simple-history's middleware; services set it explicitly so
    that changes made by commands, jobs and tests are attributed too.
    """
    instance._history_user = actor  # type: ignore[attr-defined]  # read by simple-history


def unattributed_author(row: Any) -> str | None:
    """Who wrote a history row that names no user, when known (the demo loader)."""
    if row.history_user_id is None and row.history_change_reason == WRITTEN_BY_DEMO_LOADER:
        return _("the demo loader")
    return None


class HistoryWithLinks(HistoricalRecords):  # type: ignore[misc]  # simple-history ships no types
    """simple-history's records for a model with many-to-many fields, one row per save.

    simple-history writes a row for every change of links on its own, so one save that
    changes three sets of links writes four rows, three of them states that never
    existed. Here links are recorded with the save of their record only: write them
    with ``save_with_links``.
    """

    def m2m_changed(self, *args: Any, **kwargs: Any) -> None:
        return None  # recorded by the save that goes with the change

    def finalize(self, sender: type[models.Model], **kwargs: Any) -> None:
        super().finalize(sender, **kwargs)
        if sender is self.cls:
            sender._history_with_links = self  # for save_with_links to write a creation


def save_with_links(
    instance: models.Model,
    links: Mapping[str, Iterable[models.Model]],
    *,
    update_fields: Iterable[str] | None = None,
) -> None:
    """Save ``instance`` and set its many-to-many ``links`` (field name → records), with
    one history row that holds the record and its links as they now are."""
    if instance.pk is None:
        instance.save_without_historical_record()  # type: ignore[attr-defined]  # simple-history adds it
        for name, records in links.items():
            getattr(instance, name).set(records)
        history = type(instance)._history_with_links  # type: ignore[attr-defined]  # set by finalize
        history.create_historical_record(instance, "+")
        return
    for name, records in links.items():
        getattr(instance, name).set(records)
    instance.save(update_fields=update_fields)
