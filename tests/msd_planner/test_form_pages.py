"""Form and confirmation pages through real requests: the plan's layout around them, the
error summary linking to each field, and fields described by their hint and errors."""

import re
from html.parser import HTMLParser

import pytest
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from targets.models import Target
from targets.services import prioritised_target_add


class _Elements(HTMLParser):
    """Every start tag's attributes, in order, and which tags were seen how often."""

    def __init__(self, html: str):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, {name: value or "" for name, value in attrs}))

    def by_id(self, element_id: str) -> tuple[str, dict]:
        found = [(tag, attrs) for tag, attrs in self.tags if attrs.get("id") == element_id]
        assert len(found) == 1, f"{len(found)} elements with id {element_id!r}"
        return found[0]

    def count(self, tag: str) -> int:
        return sum(1 for name, _ in self.tags if name == tag)


def _text(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


def _title(page: str) -> str:
    return _text(re.search(r"<title>(.*?)</title>", page, re.S)[1])


def _breadcrumbs(page: str) -> list[str]:
    trail = re.search(r'<nav aria-label="Breadcrumb".*?</nav>', page, re.S)
    if trail is None:
        return []
    return [_text(item) for item in re.findall(r"<li[^>]*>(.*?)</li>", trail[0], re.S)]


def _error_summary(page: str) -> str:
    start = page.index('id="error-summary"')
    return page[start : page.index("</div>", start)]


def _described_by(elements: _Elements, element_id: str) -> list[str]:
    return elements.by_id(element_id)[1].get("aria-describedby", "").split()


# --- a form page inside a plan ------------------------------------------------------------


def test_a_form_with_errors_in_a_plan_links_each_error_to_its_described_field(client, cast):
    client.force_login(cast.coordinator_a)
    # Any field sent: an empty POST would count as no submission at all.
    page = client.post(
        reverse("participant_add", args=[cast.plan_a.pk]), {"signatory_required": "on"}
    ).content.decode()
    elements = _Elements(page)

    assert 'href="#id_organisation"' in _error_summary(page)
    tag, select = elements.by_id("id_organisation")
    assert tag == "select" and select["aria-invalid"] == "true"
    assert "id_organisation_error" in _described_by(elements, "id_organisation")
    elements.by_id("id_organisation_error")  # the description the input points at exists
    assert "This field is required." in page


def test_a_form_page_in_a_plan_has_the_plans_title_tabs_breadcrumbs_and_one_heading(client, cast):
    client.force_login(cast.coordinator_a)
    page = client.get(reverse("participant_add", args=[cast.plan_a.pk])).content.decode()

    assert _title(page) == "Add an organisation – Plan A – MSD Planner"
    assert _breadcrumbs(page) == ["Plans", "Plan A", "Governance", "Add an organisation"]
    assert 'aria-label="Plan sections"' in page
    assert _Elements(page).count("h1") == 1
    assert ">Save</button>" in page and ">Cancel</a>" in page


def test_a_group_of_options_is_a_fieldset_described_by_its_errors(client, cast):
    client.force_login(cast.coordinator_a)
    url = reverse("lead_arrangement_edit", args=[cast.plan_a.pk])
    page = client.post(url, {"notes": ""}).content.decode()
    elements = _Elements(page)

    assert 'href="#id_model_0"' in _error_summary(page)
    assert elements.by_id("id_model_0")[1]["type"] == "radio"
    fieldset = re.search(r"<fieldset[^>]*>\s*<legend[^>]*>Who leads the process</legend>", page)
    assert fieldset and 'aria-describedby="id_model_error"' in fieldset[0]
    elements.by_id("id_model_error")
    # A field without errors points at its hint only.
    assert _described_by(elements, "id_second_lead") == ["id_second_lead_helptext"]
    assert "aria-invalid" not in elements.by_id("id_second_lead")[1]


def test_a_field_with_a_hint_and_an_error_is_described_by_both(client, cast, catalogue):
    prioritised_target_add(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        target=Target.objects.get(code="10.7"),
        rationale="Seeds criteria",
    )
    proposal = prioritised_target_add(
        actor=cast.editor_x,
        plan=cast.plan_a,
        target=Target.objects.get(code="8.8"),
        rationale="Why 8.8 matters",
    )
    client.force_login(cast.coordinator_a)
    url = reverse("proposal_decide", args=[cast.plan_a.pk, proposal.pk])
    page = client.post(url, {"decision": "decline", "comment": ""}).content.decode()
    elements = _Elements(page)

    assert 'href="#id_comment"' in _error_summary(page)
    assert _described_by(elements, "id_comment") == ["id_comment_helptext", "id_comment_error"]
    assert elements.by_id("id_comment")[1]["aria-invalid"] == "true"
    assert _breadcrumbs(page) == ["Plans", "Plan A", "Targets", "Proposal 8.8"]


def test_a_formset_error_is_summarised_and_described_on_its_field(client, cast, catalogue):
    prioritised_target_add(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        target=Target.objects.get(code="10.7"),
        rationale="Seeds criteria",
    )
    criteria = list(cast.plan_a.scoring_criteria.all())
    data = {
        "form-TOTAL_FORMS": str(len(criteria)),
        "form-INITIAL_FORMS": str(len(criteria)),
        "form-MIN_NUM_FORMS": "0",
        "form-MAX_NUM_FORMS": "1000",
    }
    for index, criterion in enumerate(criteria):
        data |= {
            f"form-{index}-id": str(criterion.pk),
            f"form-{index}-name": criterion.name,
            f"form-{index}-weight": "not a number" if index == 0 else str(criterion.weight),
        }
    client.force_login(cast.coordinator_a)
    page = client.post(
        reverse("scoring_criteria_edit", args=[cast.plan_a.pk]), data
    ).content.decode()
    elements = _Elements(page)

    assert 'href="#id_form-0-weight"' in _error_summary(page)
    assert "id_form-0-weight_error" in _described_by(elements, "id_form-0-weight")
    elements.by_id("id_form-0-weight_error")
    assert _breadcrumbs(page) == ["Plans", "Plan A", "Targets", "Scoring criteria"]


def test_changing_a_plan_happens_inside_it_and_starting_one_outside_any(client, cast):
    client.force_login(cast.coordinator_a)
    editing = client.get(reverse("plan_edit", args=[cast.plan_a.pk])).content.decode()
    assert _breadcrumbs(editing) == ["Plans", "Plan A", "Change the plan's details"]
    assert _title(editing) == "Change the plan's details – Plan A – MSD Planner"
    assert "<h1>Change the plan's details</h1>" in editing

    client.force_login(cast.administrator)
    starting = client.get(reverse("plan_create")).content.decode()
    assert _breadcrumbs(starting) == []
    assert 'aria-label="Plan sections"' not in starting
    assert _title(starting) == "Start a plan – MSD Planner"
    assert "<h1>Start a Migration-SDG Action Plan</h1>" in starting
    assert ">Create the plan</button>" in starting


# --- confirmation pages -------------------------------------------------------------------


def test_a_confirmation_in_a_plan_keeps_the_plans_title_and_breadcrumbs(client, cast):
    client.force_login(cast.coordinator_a)
    participation = cast.plan_a.participations.get(organisation=cast.ministry_y)
    page = client.get(
        reverse("participant_remove", args=[cast.plan_a.pk, participation.pk])
    ).content.decode()
    question = "Remove Ministry of Health (MOH) from the plan?"

    assert _title(page) == f"{question} – Plan A – MSD Planner"
    assert _breadcrumbs(page) == ["Plans", "Plan A", question]
    assert 'aria-label="Plan sections"' in page
    assert "What will happen:" in page and "Its members no longer see the plan" in page
    assert ">Remove from the plan</button>" in page and ">Cancel</a>" in page
    assert _Elements(page).count("h1") == 1


def test_a_confirmation_outside_a_plan_stays_plain(client, cast):
    client.force_login(cast.administrator)
    page = client.get(reverse("user_deactivate", args=[cast.viewer_x.pk])).content.decode()

    assert _title(page) == f"Deactivate {cast.viewer_x}? – MSD Planner"
    assert _breadcrumbs(page) == []
    assert "What will happen:" in page and ">Deactivate account</button>" in page


# --- what the plan's pages offer comes from `plan_edits` (the actions open now) ------------


@pytest.mark.parametrize(
    ("actions", "shown"), [({"view", "change", "govern"}, True), ({"view"}, False)]
)
def test_the_plan_pages_offer_what_plan_actions_allow(cast, actions, shown):
    request = RequestFactory().get("/")
    request.user = cast.coordinator_a
    page = render_to_string(
        "action_plans/plan_detail.html",
        {"plan": cast.plan_a, "plan_actions": actions, "plan_edits": actions},
        request=request,
    )
    assert "Who can do what" in page  # everyone on the plan may read who may do what
    assert ("Change the plan's details" in page) is shown
