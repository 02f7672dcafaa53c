"""Weighted scores and ranks of prioritised targets: pure functions, no database."""

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

TWO_PLACES = Decimal("0.01")


def weighted_score(scores: Mapping[int, int], weights: Mapping[int, Decimal]) -> Decimal | None:
    """Σ(weight × score) / Σ weight over the criteria, or None until every weighted
    criterion has a score."""
    weighted = {criterion: weight for criterion, weight in weights.items() if weight > 0}
    if not weighted or any(criterion not in scores for criterion in weighted):
        return None
    total_weight = sum(weighted.values(), Decimal(0))
    total = sum((weight * scores[criterion] for criterion, weight in weighted.items()), Decimal(0))
    return (total / total_weight).quantize(TWO_PLACES, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class Rankable:
    key: int
    score: Decimal | None
    official_position: int
    rank_override: int | None = None


def rank(items: Iterable[Rankable]) -> list[tuple[int, Rankable]]:
    """(rank, item) pairs, best first.

    Computed order: higher weighted score first; unscored targets last; ties in the
    official order of the catalogue, so the result is stable. A coordinator's override
    places an item at that rank, the others keeping their computed order around it;
    several overrides to one rank follow each other in their computed order.
    """
    computed = sorted(
        items,
        key=lambda item: (item.score is None, -(item.score or 0), item.official_position),
    )
    overridden = sorted(
        (item for item in computed if item.rank_override),
        key=lambda item: (item.rank_override, computed.index(item)),
    )
    ordered = [item for item in computed if not item.rank_override]
    previous = -1
    for item in overridden:
        # After the override placed before it, so that it does not push that one down.
        previous = max(min((item.rank_override or 0) - 1, len(ordered)), previous + 1)
        ordered.insert(previous, item)
    return list(enumerate(ordered, start=1))


def shared_ranks(ranked: list[tuple[int, Rankable]]) -> list[tuple[int, bool, Rankable]]:
    """(rank, tied, item) triples from ``rank``'s order: items side by side with the same
    weighted score, none placed by hand, are tied and share the first one's rank
    (1, =2, =2, 4); their order among themselves is the catalogue's. Unscored items and
    items placed by hand keep their own rank."""

    def ties(item: Rankable) -> bool:
        return item.score is not None and not item.rank_override

    shared: list[tuple[int, bool, Rankable]] = []
    for index, (position, item) in enumerate(ranked):
        before = ranked[index - 1][1] if index else None
        after = ranked[index + 1][1] if index + 1 < len(ranked) else None
        tied_before = (
            before is not None and ties(before) and ties(item) and before.score == item.score
        )
        tied_after = after is not None and ties(after) and ties(item) and after.score == item.score
        shared_rank = shared[-1][0] if tied_before else position
        shared.append((shared_rank, tied_before or tied_after, item))
    return shared
