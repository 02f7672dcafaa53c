"""The ranking as a reader meets it: ties shown as ties, the order explained, and a local
adaptation beside the official text of the target, never in its place."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from targets.models import PrioritisedTarget, Target
from targets.services import prioritised_target_add, prioritised_target_update, target_scores_set

ADAPTATION = "Make labour migration from the northern regions safe and well informed."


@pytest.fixture
def plan_a(cast, catalogue):
    return cast.plan_a


def _add(cast, code: str, score: int | None) -> PrioritisedTarget:
    item = prioritised_target_add(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        target=Target.objects.get(code=code),
        rationale=f"Why {code} matters",
    )
    if score is not None:
        target_scores_set(
            actor=cast.coordinator_a,
            prioritised_target=item,
            expected_version=PrioritisedTarget.objects.get(pk=item.pk).version,
            scores={criterion.id: score for criterion in cast.plan_a.scoring_criteria.all()},
        )
    return PrioritisedTarget.objects.get(pk=item.pk)


def _rows(page: str) -> list[tuple[str, str]]:
    """(rank cell as read, target code) of each ranked row, visual markup stripped."""
    table = re.search(r"<table[^>]*rank-order.*?</table>", page, re.S)[0]
    rows = []
    for cell, code in re.findall(
        r"<tr>\s*<td>(.*?)</td>\s*<th scope=\"row\"[^>]*><a [^>]*><strong>([^<]+)</strong>",
        table,
        re.S,
    ):
        shown = re.sub(r"<[^>]+>", "|", cell).replace("&nbsp;", " ")
        rows.append((re.sub(r"\|+", "|", shown).strip("|"), code))
    return rows


def test_equal_weighted_scores_share_a_rank_shown_as_a_tie(client, cast, plan_a):
    _add(cast, "10.c", 4)
    _add(cast, "8.8", 5)
    _add(cast, "17.18", 3)
    _add(cast, "10.7", 4)
    client.force_login(cast.viewer_x)
    page = client.get(reverse("prioritised_target_list", args=[plan_a.pk])).content.decode()
    assert _rows(page) == [
        ("1", "8.8"),
        ("= 2|tied for 2nd|tied", "10.7"),  # tied: in the catalogue's order, 10.7 first
        ("= 2|tied for 2nd|tied", "10.c"),
        ("4", "17.18"),
    ]
    # The visual marker is hidden from screen readers, which read the sentence instead.
    assert page.count('<span aria-hidden="true">=&nbsp;2</span>') == 2
    assert page.count('<span class="visually-hidden">tied for 2nd</span>') == 2
    note = re.search(r'<p class="small" id="rank-order">(.*?)</p>', page, re.S)[1]
    assert "highest weighted score comes first" in note
    assert "set a target's rank by hand" in note
    assert "official order of the SDG catalogue" in note


def test_a_rank_set_by_hand_or_no_score_is_never_a_tie(client, cast, plan_a):
    _add(cast, "10.7", 4)
    by_hand = _add(cast, "10.c", 4)
    _add(cast, "8.8", None)
    _add(cast, "17.18", None)
    prioritised_target_update(
        actor=cast.coordinator_a,
        prioritised_target=by_hand,
        expected_version=by_hand.version,
        data={"rank_override": 1, "rank_override_reason": "Agreed at the May workshop"},
    )
    client.force_login(cast.coordinator_a)
    page = client.get(reverse("prioritised_target_list", args=[plan_a.pk])).content.decode()
    assert _rows(page) == [
        ("1|set by hand", "10.c"),
        ("2", "10.7"),
        ("3", "8.8"),
        ("4", "17.18"),
    ]
    assert "tied for" not in page


def test_a_target_page_says_with_whom_it_is_tied(client, cast, plan_a):
    first = _add(cast, "10.7", 4)
    _add(cast, "10.c", 4)
    _add(cast, "8.8", 4)
    client.force_login(cast.coordinator_a)
    url = reverse("prioritised_target_detail", args=[plan_a.pk, first.pk])
    page = client.get(url).content.decode()
    assert '<span aria-hidden="true">=&nbsp;1</span>' in page
    assert '<span class="visually-hidden">tied for 1st</span>' in page
    assert "Tied with 8.8, 10.c: an equal weighted score." in page
    assert "listed in the official order of the SDG catalogue" in page


def test_a_local_adaptation_shows_beside_the_official_text(client, cast, plan_a):
    item = _add(cast, "10.7", 4)
    official = item.target.title
    prioritised_target_update(
        actor=cast.coordinator_a,
        prioritised_target=item,
        expected_version=item.version,
        data={"local_adaptation": ADAPTATION},
    )
    client.force_login(cast.viewer_x)
    listing = client.get(reverse("prioritised_target_list", args=[plan_a.pk])).content.decode()
    row = re.search(r"<strong>10\.7</strong>.*?</th>", listing, re.S)[0]
    assert " ".join(official.split()[:10]) in row
    assert re.search(
        r'<span class="fw-semibold">Local adaptation:</span>\s*' + re.escape(ADAPTATION[:40]), row
    )
    assert row.index(official.split()[0]) < row.index("Local adaptation:")

    detail = client.get(
        reverse("prioritised_target_detail", args=[plan_a.pk, item.pk])
    ).content.decode()
    assert f'<span class="fw-semibold">Official text:</span> {official}' in detail
    assert re.search(r"<dt[^>]*>Local adaptation</dt><dd[^>]*>" + re.escape(ADAPTATION), detail)


def test_ties_and_adaptations_cost_no_query_more(client, cast, plan_a):
    """The list and a target's page read the same rows whether or not targets tie."""
    items = [_add(cast, code, score) for code, score in (("10.7", 5), ("10.c", 4), ("8.8", 3))]
    client.force_login(cast.coordinator_a)
    urls = [
        reverse("prioritised_target_list", args=[plan_a.pk]),
        reverse("prioritised_target_detail", args=[plan_a.pk, items[0].pk]),
    ]

    def queries() -> list[int]:
        counts = []
        for url in urls:
            client.get(url)
            with CaptureQueriesContext(connection) as context:
                client.get(url)
            counts.append(len(context))
        return counts

    untied = queries()
    for item in items[1:]:
        target_scores_set(
            actor=cast.coordinator_a,
            prioritised_target=item,
            expected_version=PrioritisedTarget.objects.get(pk=item.pk).version,
            scores={criterion.id: 5 for criterion in plan_a.scoring_criteria.all()},
        )
        fresh = PrioritisedTarget.objects.get(pk=item.pk)
        prioritised_target_update(
            actor=cast.coordinator_a,
            prioritised_target=fresh,
            expected_version=fresh.version,
            data={"local_adaptation": ADAPTATION},
        )
    assert "tied for 1st" in client.get(urls[0]).content.decode()
    assert queries() == untied
