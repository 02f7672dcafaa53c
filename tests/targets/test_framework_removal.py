"""A framework is removed from where it is managed, by those who may change the plan."""

import re

import pytest
from django.urls import reverse

from targets.models import Framework, Target
from targets.services import framework_create, prioritised_target_add


@pytest.fixture
def framework(cast, catalogue):
    prioritised_target_add(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        target=Target.objects.get(code="10.7"),
        rationale="Safe, orderly and regular migration",
    )
    return framework_create(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        framework=Framework(
            plan=cast.plan_a, name="Old Emigration Act", kind="legislation", level="national"
        ),
    )


def _removal_links(html: str, url: str) -> list[str]:
    return re.findall(rf'<a [^>]*href="{re.escape(url)}"[^>]*>(.*?)</a>', html, re.S)


def test_a_coordinator_finds_remove_on_the_matrix_and_the_edit_page(client, cast, framework):
    client.force_login(cast.coordinator_a)
    removal = reverse("framework_delete", args=[cast.plan_a.pk, framework.pk])
    matrix = client.get(reverse("coherence_matrix", args=[cast.plan_a.pk])).content.decode()
    assert _removal_links(matrix, removal) == [
        'Remove<span class="visually-hidden"> Old Emigration Act</span>'
    ]
    edit = client.get(reverse("framework_edit", args=[cast.plan_a.pk, framework.pk]))
    assert _removal_links(edit.content.decode(), removal) == [
        "Remove Old Emigration Act from the review"
    ]


@pytest.mark.parametrize("role", ["viewer_x", "editor_x"])
def test_who_may_not_change_the_plan_sees_no_remove_link(client, cast, framework, role):
    client.force_login(cast.user(role))
    matrix = client.get(reverse("coherence_matrix", args=[cast.plan_a.pk]))
    assert matrix.status_code == 200
    assert "Old Emigration Act" in matrix.content.decode()
    removal = reverse("framework_delete", args=[cast.plan_a.pk, framework.pk])
    assert removal not in matrix.content.decode()


def test_following_the_link_and_confirming_removes_the_framework(client, cast, framework):
    client.force_login(cast.coordinator_a)
    matrix_url = reverse("coherence_matrix", args=[cast.plan_a.pk])
    removal = re.search(
        r'href="([^"]+)"[^>]*>Remove<', client.get(matrix_url).content.decode()
    ).group(1)
    confirmation = client.get(removal)
    assert "Remove Old Emigration Act from the review?" in confirmation.content.decode()
    assert Framework.objects.filter(pk=framework.pk).exists()  # asking changed nothing
    response = client.post(removal, follow=True)
    assert response.redirect_chain == [(matrix_url, 302)]
    assert "Old Emigration Act removed." in response.content.decode()
    assert not Framework.objects.filter(pk=framework.pk).exists()
