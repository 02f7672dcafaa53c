"""Screens follow the plan's status: outside a draft, no page offers a form or a link
that its save would refuse.

The pages are found, not listed: for each status a plan leaves the draft for (in
validation, validated, adopted), each member of the cast walks plan A from its overview,
following every link that stays inside the plan, and submits every form a page offers
(in a savepoint that is rolled back, so one submission does not change what the next
sees). A link must open (never "the plan cannot be changed now", never refused or
hidden); a form must not be refused for the plan's status. So a new page that offers a
content form on a frozen plan fails here without being named.
"""

from dataclasses import dataclass, field
from datetime import date
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse

from action_plans import workflow
from action_plans.models import ActionPlan, PlanStatus
from tests.conftest import Cast, approve_all
from tests.test_url_matrix import (
    _commitment_of_x,
    _consultation,
    _engagement,
    _framework,
    _need,
    _progress,
    _proposal_8_7,
)

# Everyone who sees plan A (those outside it see nothing of it to walk).
MEMBERS = [role for role in Cast.ROLES if role not in {"anonymous", "coordinator_b", "outsider"}]
# What a save refused for the plan's status says (the page, or a service's refusal).
REFUSALS = ("The plan cannot be changed now", "its content cannot change now")
# Links that leave the page for a file (the PDFs): the crawl reads pages.
FILES = (".pdf", ".csv", ".xlsx")


@dataclass
class Form:
    action: str
    fields: list[tuple[str, str]] = field(default_factory=list)


class _Page(HTMLParser):
    """The links and the POST forms (plain, or posted by htmx) of one page."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.forms: list[Form] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._select_value: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])
        if tag == "form":
            posted = attributes.get("method", "get").lower() == "post"
            target = attributes.get("hx-post") or attributes.get("action") or ""
            self._form = Form(target) if posted or attributes.get("hx-post") else None
        if self._form is None:
            return
        name = attributes.get("name")
        if tag == "input" and name:
            kind = attributes.get("type", "text")
            if kind in {"checkbox", "radio"} and "checked" not in attributes:
                return
            if kind not in {"submit", "button"}:
                self._form.fields.append((name, attributes.get("value") or ""))
        elif tag == "select" and name:
            self._select, self._select_value = name, None
        elif tag == "option" and self._select:
            if self._select_value is None or "selected" in attributes:
                self._select_value = attributes.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name

    def handle_endtag(self, tag):
        if tag == "form" and self._form is not None:
            self.forms.append(self._form)
            self._form = None
        elif tag == "select" and self._select and self._form is not None:
            self._form.fields.append((self._select, self._select_value or ""))
            self._select = None
        elif tag == "textarea" and self._textarea and self._form is not None:
            self._form.fields.append((self._textarea, "Written on a frozen plan"))
            self._textarea = None


def _inside(plan: ActionPlan, url: str) -> bool:
    path = urlsplit(url).path
    return path.startswith(f"/plans/{plan.pk}/") and not path.endswith(FILES)


def _crawl(client: Client, plan: ActionPlan) -> list[str]:
    """Walk the plan's pages as the client's user; the problems found."""
    start = reverse("plan_detail", args=[plan.pk])
    seen, queue, problems = {start}, [start], []
    while queue:
        url = queue.pop(0)
        response = client.get(url)
        if response.status_code != 200:
            problems.append(f"link {url}: answers {response.status_code}")
            continue
        if "text/html" not in response.get("Content-Type", ""):
            continue
        page = _Page()
        page.feed(response.content.decode())
        for form in page.forms:
            target = urljoin(url, form.action or url)
            if not _inside(plan, target):
                continue  # the language switch, signing out
            with transaction.atomic():
                answer = client.post(target, dict(_grouped(form.fields)))
                transaction.set_rollback(True)
            body = answer.content.decode(errors="replace")
            if answer.status_code in {403, 404, 409, 500} or any(r in body for r in REFUSALS):
                problems.append(f"form on {url} posting to {target}: {answer.status_code}")
        for link in page.links:
            target = urljoin(url, link)
            path = urlsplit(target).path
            if _inside(plan, target) and path not in seen:
                seen.add(path)
                queue.append(path)
    return problems


def _grouped(fields: list[tuple[str, str]]) -> dict[str, list[str]]:
    grouped: dict[str, list[str]] = {}
    for name, value in fields:
        grouped.setdefault(name, []).append(value)
    return grouped.items()


@pytest.fixture
def frozen_plan(cast, catalogue, ready, settings) -> Cast:
    """Plan A with a record of every kind (targets decided and proposed, a framework, a
    consultation, an intervention with its indicator and progress, a source, a
    commitment, an engagement, a local actor's capacity need), submitted for validation."""
    settings.PLAN_DOCUMENTS_ON_VALIDATION = False
    for make in (_proposal_8_7, _framework, _consultation, _commitment_of_x, _progress):
        make(cast)
    _engagement(cast)
    _need(cast)
    workflow.plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)
    return cast


def _to(status: str, cast: Cast, ready: dict) -> None:
    if status in {PlanStatus.VALIDATED, PlanStatus.ADOPTED}:
        approve_all(cast, ready)
    if status == PlanStatus.ADOPTED:
        workflow.plan_adopt(
            actor=cast.coordinator_a,
            plan=cast.plan_a,
            adoption_date=date.today(),
            reference="Cabinet decision 12/2026",
        )
    cast.plan_a.refresh_from_db()
    assert cast.plan_a.status == status


@pytest.mark.parametrize(
    "status", [PlanStatus.IN_VALIDATION, PlanStatus.VALIDATED, PlanStatus.ADOPTED]
)
def test_no_page_offers_what_the_plan_status_refuses(frozen_plan, ready, status):
    cast = frozen_plan
    _to(status, cast, ready)
    problems = []
    for role in MEMBERS:
        client = Client()
        client.force_login(cast.user(role))
        problems += [f"{role}: {problem}" for problem in _crawl(client, cast.plan_a)]
    assert problems == []


def test_an_edit_page_of_a_frozen_plan_says_why_and_keeps_what_was_typed(frozen_plan):
    """Typed by hand, or opened before the plan was submitted: the intervention's edit
    page of a plan in validation answers 409, says why and what to do (withdraw,
    linked for its coordinator), and gives back what was typed."""
    cast = frozen_plan
    intervention = cast.plan_a.interventions.get()
    edit = reverse("intervention_edit", args=[cast.plan_a.pk, intervention.pk])
    client = Client()
    client.force_login(cast.coordinator_a)
    opened = client.get(edit)
    assert opened.status_code == 409
    page = opened.content.decode()
    assert "This plan is in validation: its content is read-only" in page
    assert reverse("plan_withdraw", args=[cast.plan_a.pk]) in page, "what to do, linked"

    ActionPlan.objects.filter(pk=cast.plan_a.pk).update(status=PlanStatus.DRAFT)
    draft_form = _Page()
    draft_form.feed(client.get(edit).content.decode())
    ActionPlan.objects.filter(pk=cast.plan_a.pk).update(status=PlanStatus.IN_VALIDATION)
    (form,) = [form for form in draft_form.forms if "version" in dict(form.fields)]
    with transaction.atomic():
        answer = client.post(edit, dict(_grouped(form.fields)))
        transaction.set_rollback(True)
    assert answer.status_code == 409
    assert "Written on a frozen plan" in answer.content.decode(), "what was typed, to copy"


def test_the_living_plan_goes_on_once_adopted(frozen_plan, ready):
    """What stays open by design keeps its forms on an adopted plan: progress on an
    indicator, a comment on an intervention, the log of meetings with funding partners,
    the money disbursed of a commitment; the who-can-do-what page lists that work."""
    cast = frozen_plan
    _to(PlanStatus.ADOPTED, cast, ready)
    plan = cast.plan_a
    intervention = plan.interventions.get()
    indicator = intervention.indicators.get()
    client = Client()
    client.force_login(cast.coordinator_a)

    progress = client.post(
        reverse("progress_submit", args=[plan.pk, intervention.pk, indicator.pk]),
        {"measured_on": "2026-06-30", "value": "55", "source": "Labour register"},
    )
    comment = client.post(
        reverse("intervention_comment", args=[plan.pk, intervention.pk]),
        {"text": "First quarter went well"},
    )
    engagement = client.post(
        reverse("engagement_create", args=[plan.pk]),
        {
            "version": "0",
            "held_on": "2026-07-01",
            "partner": str(cast.outside_org.pk),
            "kind": "bilateral_meeting",
        },
    )

    commitment = intervention.commitments.get()
    funding_page = client.get(reverse("intervention_funding", args=[plan.pk, intervention.pk]))
    disbursement_url = reverse(
        "commitment_disbursement", args=[plan.pk, intervention.pk, commitment.pk]
    )
    assert disbursement_url in funding_page.content.decode(), "offered on an adopted plan"
    disbursement = client.post(
        disbursement_url, {"version": str(commitment.version), "disbursed": "60000"}
    )

    assert [progress.status_code, comment.status_code, engagement.status_code] == [302] * 3
    assert disbursement.status_code == 302
    commitment.refresh_from_db()
    assert (commitment.stage, commitment.disbursed) == ("disbursed", 60000)
    assert indicator.progress.filter(value=55).exists()
    assert intervention.comments.filter(text="First quarter went well").exists()
    assert plan.engagements.filter(held_on=date(2026, 7, 1)).exists()
    rules = client.get(reverse("plan_access", args=[plan.pk])).content.decode()
    assert "Once the plan leaves the draft" in rules
    assert "log of meetings with funding partners is kept" in rules
    assert "The money disbursed to date of a committed or disbursed commitment" in rules
