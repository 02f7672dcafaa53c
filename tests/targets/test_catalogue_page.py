import re

import pytest
from django.urls import reverse


def _targets_shown(response) -> list[str]:
    return re.findall(r'id="target-([0-9a-z.]+)"', response.content.decode())


def test_the_catalogue_shows_17_goals_and_169_targets(client, catalogue):
    response = client.get(reverse("catalogue"))
    assert response.status_code == 200
    page = response.content.decode()
    assert len(re.findall(r'<section class="mb-5" id="goal-', page)) == 17
    assert len(_targets_shown(response)) == 169
    assert "169 targets" in page
    assert "10.7.2" in page


def test_searching_by_target_code_finds_that_target(client, catalogue):
    response = client.get(reverse("catalogue"), {"q": "10.7"})
    assert _targets_shown(response) == ["10.7"]
    assert "Goal 10: Reduced inequalities" in response.content.decode()


def test_searching_by_indicator_code_finds_its_target(client, catalogue):
    assert _targets_shown(client.get(reverse("catalogue"), {"q": "8.8.2"})) == ["8.8"]


def test_searching_by_goal_number_lists_its_targets_in_order(client, catalogue):
    shown = _targets_shown(client.get(reverse("catalogue"), {"q": "10"}))
    assert shown == ["10.1", "10.2", "10.3", "10.4", "10.5", "10.6", "10.7", "10.a", "10.b", "10.c"]


def test_searching_by_words_needs_every_word(client, catalogue):
    shown = _targets_shown(client.get(reverse("catalogue"), {"q": "remittance costs"}))
    assert shown == ["10.c"]


def test_words_also_match_indicator_titles(client, catalogue):
    # "remittances" appears in indicator 17.3.2, not in target 17.3's own text
    assert "17.3" in _targets_shown(client.get(reverse("catalogue"), {"q": "remittances"}))


def test_filtering_to_migration_relevant_targets(client, catalogue):
    shown = _targets_shown(client.get(reverse("catalogue"), {"relevance": "migration"}))
    assert len(shown) == 58
    assert "15.7" not in shown
    explicit = _targets_shown(client.get(reverse("catalogue"), {"relevance": "explicit"}))
    assert explicit == ["4.b", "5.2", "8.5", "8.7", "8.8", "10.7", "10.c", "16.2", "17.18"]


def test_relevance_is_shown_in_words_not_colour_alone(client, catalogue):
    page = client.get(reverse("catalogue"), {"q": "10.7"}).content.decode()
    assert re.search(r'<span class="tag tag-explicit">\s*Explicit\s*</span>', page)


def test_an_unknown_filter_value_is_ignored_rather_than_crashing(client, catalogue):
    response = client.get(reverse("catalogue"), {"relevance": "bogus"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_no_match_says_so(client, catalogue):
    page = client.get(reverse("catalogue"), {"q": "zzzz-nothing"}).content.decode()
    assert "No target matches" in page


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("fr", "Faciliter la migration et la mobilité de façon ordonnée"),
        ("es", "Facilitar la migración y la movilidad ordenadas"),
        ("en", "Facilitate orderly, safe, regular and responsible migration"),
    ],
)
def test_the_catalogue_reads_in_the_chosen_language(client, catalogue, language, expected):
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    response = client.get(reverse("catalogue"), {"q": "10.7"})
    page = response.content.decode()
    assert expected in page
    assert f'<html lang="{language}">' in page


def test_french_search_matches_french_words(client, catalogue):
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    shown = _targets_shown(client.get(reverse("catalogue"), {"q": "envois de fonds"}))
    assert "10.c" in shown


def test_an_outdated_official_translation_shows_the_current_english(client, catalogue):
    client.post(reverse("set_language"), {"language": "fr", "next": "/"})
    page = client.get(reverse("catalogue"), {"q": "10.7"}).content.decode()
    # 10.7.2: the French title still says "Nombre de pays", the English now "Proportion"
    assert "Nombre de pays" in page
    assert "Proportion of countries with migration policies" in page


def test_the_page_costs_the_same_queries_whatever_is_shown(
    client, catalogue, django_assert_num_queries
):
    # goals, their targets, the targets' indicators
    with django_assert_num_queries(3):
        client.get(reverse("catalogue"))
    with django_assert_num_queries(3):
        client.get(reverse("catalogue"), {"q": "migration", "relevance": "migration"})


def test_the_catalogue_opens_on_its_goals_with_their_targets_folded(client, catalogue):
    page = client.get(reverse("catalogue")).content.decode()
    assert page.count('<details class="catalogue-goal">') == 17
    assert '<details class="catalogue-goal" open>' not in page
    assert "The 10 targets of goal 10" in page


@pytest.mark.parametrize("query", [{"q": "remittances"}, {"relevance": "explicit"}])
def test_the_goals_holding_a_match_open_on_a_search_or_filter(client, catalogue, query):
    response = client.get(reverse("catalogue"), query)
    page = response.content.decode()
    goals = len(re.findall(r'<section class="mb-5" id="goal-', page))
    assert goals >= 1
    assert page.count('<details class="catalogue-goal" open>') == goals
    assert _targets_shown(response)


def test_migration_notes_are_marked_english_and_say_so_in_other_languages(
    client, catalogue, settings
):
    note = '<strong>Migration:</strong> <span lang="en">'
    english = client.get(reverse("catalogue"), {"q": "10.7"}).content.decode()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fr"
    french = client.get(reverse("catalogue"), {"q": "10.7"}).content.decode()

    assert note in english and "(in English)" not in english
    # The hint's wording is the translator's; it follows the note.
    assert re.search(r'<span lang="en">[^<]+</span> <span class="text-body-secondary">\(', french)
