"""An intervention's page leads to its funding, and to recording a commitment for those
who may record one while the plan is a draft (links funding adds to the page)."""

import re

import pytest
from django.urls import reverse

from action_plans import workflow

pytestmark = pytest.mark.django_db


def _links(client, cast, intervention) -> dict[str, str]:
    """The intervention page's links in its "More about this intervention" block."""
    page = client.get(reverse("intervention_detail", args=[cast.plan_a.pk, intervention.pk]))
    assert page.status_code == 200
    block = re.search(
        r'<nav aria-label="More about this intervention"[^>]*>(.*?)</nav>',
        page.content.decode(),
        re.S,
    )
    assert block, "the page has no links to the intervention's funding"
    return {label: url for url, label in re.findall(r'href="([^"]+)">([^<]+)</a>', block.group(1))}


@pytest.mark.parametrize(
    ("role", "may_record"),
    [("editor_x", True), ("coordinator_a", True), ("viewer_x", False), ("signatory_x", False)],
)
def test_the_intervention_page_leads_to_its_funding(client, cast, ready, role, may_record):
    intervention = ready["intervention"]
    client.force_login(cast.user(role))

    links = _links(client, cast, intervention)

    funding = reverse("intervention_funding", args=[cast.plan_a.pk, intervention.pk])
    record = reverse("commitment_create", args=[cast.plan_a.pk, intervention.pk])
    assert links["Funding and commitments"] == funding
    assert ("Record a commitment" in links) is may_record
    if may_record:
        assert links["Record a commitment"] == record
        assert client.get(record).status_code == 200  # the link leads to the form


def test_no_commitment_is_offered_once_the_plan_is_submitted(client, cast, ready):
    intervention = ready["intervention"]
    workflow.plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)
    client.force_login(cast.editor_x)

    links = _links(client, cast, intervention)

    assert list(links) == ["Funding and commitments"]
