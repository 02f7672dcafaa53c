"""Weighted scores and ranks: properties that must hold for any scores and weights."""

from decimal import Decimal

from hypothesis import given
from hypothesis import strategies as st

from targets.ranking import Rankable, rank, shared_ranks, weighted_score

weights_strategy = st.dictionaries(
    st.integers(1, 6),
    st.decimals(min_value=0, max_value=10, places=2, allow_nan=False),
    min_size=1,
    max_size=6,
)


@given(weights=weights_strategy, data=st.data())
def test_a_weighted_score_stays_on_the_scale_and_follows_the_formula(weights, data):
    scores = {criterion: data.draw(st.integers(1, 5)) for criterion in weights}
    result = weighted_score(scores, weights)
    positive = {criterion: weight for criterion, weight in weights.items() if weight > 0}
    if not positive:
        assert result is None
        return
    expected = sum(weight * scores[c] for c, weight in positive.items()) / sum(positive.values())
    assert abs(result - expected) <= Decimal("0.005")
    assert Decimal(1) <= result <= Decimal(5)


def test_a_target_missing_a_weighted_score_has_no_weighted_score_yet():
    weights = {1: Decimal(2), 2: Decimal(1), 3: Decimal(0)}
    assert weighted_score({1: 5}, weights) is None
    # A criterion weighing nothing need not be scored.
    assert weighted_score({1: 5, 2: 2}, weights) == Decimal("4.00")


rankables = st.lists(
    st.builds(
        Rankable,
        key=st.integers(),
        score=st.one_of(st.none(), st.decimals(min_value=1, max_value=5, places=2)),
        official_position=st.integers(1000, 17999),
    ),
    max_size=25,
    unique_by=(lambda item: item.key, lambda item: item.official_position),
)


@given(items=rankables, seed=st.randoms())
def test_ranking_is_a_stable_order_of_weighted_scores(items, seed):
    ranked = rank(items)
    assert [position for position, _item in ranked] == list(range(1, len(items) + 1))
    ordered = [item for _position, item in ranked]
    keys = [(item.score is None, -(item.score or 0), item.official_position) for item in ordered]
    assert keys == sorted(keys)
    shuffled = list(items)
    seed.shuffle(shuffled)
    assert [item.key for _p, item in rank(shuffled)] == [item.key for item in ordered]


@given(items=rankables.filter(lambda items: len(items) >= 2), data=st.data())
def test_an_override_puts_the_target_at_its_rank_and_keeps_the_others_in_order(items, data):
    chosen = data.draw(st.sampled_from(items))
    wanted = data.draw(st.integers(1, len(items)))
    with_override = [
        Rankable(item.key, item.score, item.official_position, wanted) if item is chosen else item
        for item in items
    ]
    ranked = rank(with_override)
    assert next(position for position, item in ranked if item.key == chosen.key) == wanted
    others_before = [item.key for _p, item in rank(items) if item.key != chosen.key]
    others_after = [item.key for _p, item in ranked if item.key != chosen.key]
    assert others_after == others_before


@given(items=rankables.filter(lambda items: len(items) >= 3), data=st.data())
def test_several_overrides_to_one_rank_keep_their_computed_order(items, data):
    chosen = data.draw(
        st.lists(st.sampled_from(items), min_size=2, max_size=len(items), unique_by=id)
    )
    wanted = data.draw(st.integers(1, len(items)))
    chosen_keys = {item.key for item in chosen}
    with_override = [
        Rankable(item.key, item.score, item.official_position, wanted)
        if item.key in chosen_keys
        else item
        for item in items
    ]
    ranked = [item.key for _p, item in rank(with_override)]
    computed = [item.key for _p, item in rank(items)]
    overridden = [key for key in computed if key in chosen_keys]
    assert [key for key in ranked if key in chosen_keys] == overridden
    first = ranked.index(overridden[0]) + 1
    assert first == min(wanted, len(items) - len(chosen) + 1)
    assert ranked[first - 1 : first - 1 + len(chosen)] == overridden  # side by side
    assert [key for key in ranked if key not in chosen_keys] == [
        key for key in computed if key not in chosen_keys
    ]


ranked_with_overrides = st.lists(
    st.builds(
        Rankable,
        key=st.integers(),
        # Few distinct scores, so that ties are common.
        score=st.one_of(st.none(), st.sampled_from([Decimal("2.50"), Decimal("4.00")])),
        official_position=st.integers(1000, 17999),
        rank_override=st.one_of(st.none(), st.none(), st.integers(1, 6)),
    ),
    max_size=12,
    unique_by=(lambda item: item.key, lambda item: item.official_position),
)


@given(items=ranked_with_overrides)
def test_equal_scores_side_by_side_share_the_first_ones_rank(items):
    ranked = rank(items)
    shared = shared_ranks(ranked)
    assert [item for _rank, _tied, item in shared] == [item for _position, item in ranked]
    ranks = [shared_rank for shared_rank, _tied, _item in shared]
    assert ranks == sorted(ranks)
    for index, ((position, item), (shared_rank, tied, _same)) in enumerate(
        zip(ranked, shared, strict=True)
    ):
        neighbours = [ranked[i][1] for i in (index - 1, index + 1) if 0 <= i < len(ranked)]
        ties = item.score is not None and not item.rank_override
        expected_tied = ties and any(
            other.score == item.score and not other.rank_override for other in neighbours
        )
        assert tied == expected_tied
        if not tied:
            assert shared_rank == position
            continue
        first = index
        while first and shared[first - 1][1] and ranked[first - 1][1].score == item.score:
            first -= 1
        assert shared_rank == ranked[first][0]  # 1, =2, =2, 4: the next keeps its place
