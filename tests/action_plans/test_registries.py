"""The kernel lays out what the apps register: the chapters of the plan's document, the
tabs of a plan's pages, the main menu and the links one app adds to another's page. The
expected orders are written out here, by hand; a record type added by an app (a risk
register, in these tests) shows up in the document and the tabs without the kernel
knowing its name."""

import ast
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template.loader import render_to_string
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from action_plans import documents, hooks, workflow
from action_plans.hooks import DocumentChapter, snapshot_records
from action_plans.models import PlanDocument, PlanStatus
from tests.conftest import approve_all

ROOT = Path(settings.BASE_DIR)
APPS = ("governance", "targets", "interventions", "funding", "portal")

CHAPTERS = [
    ("governance", "Governance"),
    ("targets", "Prioritised targets"),
    ("frameworks", "Review of existing frameworks"),
    ("consultations", "Consultations held"),
    ("interventions", "Interventions"),
    ("funding", "Funding"),
    ("mobilisation", "Resource mobilisation plan"),
]
TABS = [
    ("Overview", "plan_detail"),
    ("Governance", "plan_governance"),
    ("Targets", "prioritised_target_list"),
    ("Existing frameworks", "coherence_matrix"),
    ("Interventions", "intervention_list"),
    ("Monitoring", "plan_monitoring"),
    ("Funding", "funding_overview"),
    ("Consultations", "consultation_list"),
    ("Validation", "plan_validation"),
    ("History", "plan_history"),
    ("Who can do what", "plan_access"),
]


def _contents(html: str) -> list[tuple[str, str]]:
    contents = html.split('<nav class="contents">', 1)[1].split("</nav>", 1)[0]
    return re.findall(r'<a href="#([a-z-]+)">([^<]+)</a>', contents)


def _tabs(page: str) -> list[tuple[str, str]]:
    tabs = page.split('aria-label="Plan sections"', 1)[1].split("</nav>", 1)[0]
    return [(label, href) for href, label in re.findall(r'href="([^"]+)">([^<]+)</a>', tabs)]


@pytest.fixture
def risks_registered(monkeypatch, tmp_path, settings):
    """A record type no kernel file knows: its chapter, read from the snapshot, and its
    tab, registered as an app would in its ``ready()``."""
    (tmp_path / "risks").mkdir()
    (tmp_path / "risks" / "chapter.html").write_text(
        "<p>{{ count }} prioritised targets, the first {{ first }}.</p>"
    )
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [*settings.TEMPLATES[0]["DIRS"], tmp_path]}
    ]
    monkeypatch.setattr(hooks, "_document_chapters", dict(hooks._document_chapters))
    monkeypatch.setattr(hooks, "_plan_tabs", dict(hooks._plan_tabs))

    def risks(content: dict) -> dict:
        targets = snapshot_records(content, "targets", "target")
        return {"count": len(targets), "first": targets[0]["label"] if targets else "—"}

    hooks.register_document_chapter(
        DocumentChapter("risks", "Risk register", 45, "risks/chapter.html", risks)
    )
    hooks.register_plan_tab("Risks", "plan_sign", order=85)


def test_the_document_has_the_apps_chapters_in_their_order_then_the_kernels(cast, ready):
    version = workflow.plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)
    approve_all(cast, ready)
    html = documents.document_html(PlanDocument(plan=cast.plan_a, version=version))
    assert _contents(html) == [*CHAPTERS, ("sign-offs", "Sign-offs")]
    for anchor, title in CHAPTERS:  # each chapter under its heading, in that order
        assert f'<section class="chapter" id="{anchor}">\n    <h2>{title}</h2>' in html
    body = html.split("</nav>", 1)[1]
    assert [anchor for anchor, _title in CHAPTERS] == re.findall(
        r'<section class="chapter" id="([a-z]+)">', body
    )[: len(CHAPTERS)]
    # each chapter still draws from the version: a target, the intervention, the charts
    assert "Fair recruitment" in body.split('id="interventions"')[1].split("</section>")[0]
    assert "Cost and funding of each prioritised target" in body.split('id="funding"')[1]


def test_the_chapters_are_titled_in_the_plans_language(cast, ready):
    cast.plan_a.language = "fr"
    html = documents.document_html(PlanDocument(plan=cast.plan_a, version=None))
    titles = [title for _anchor, title in _contents(html)]
    assert titles[0] == "Gouvernance"
    assert "Plan de mobilisation des ressources" in titles


def test_a_chapter_an_app_registers_is_printed_at_its_place(cast, ready, risks_registered):
    html = documents.document_html(PlanDocument(plan=cast.plan_a, version=None))
    anchors = [anchor for anchor, _title in _contents(html)]
    assert anchors.index("risks") == anchors.index("consultations") + 1
    chapter = html.split('<section class="chapter" id="risks">', 1)[1].split("</section>")[0]
    assert "<h2>Risk register</h2>" in chapter
    assert "1 prioritised targets, the first 10.7" in chapter


def test_every_plan_page_shows_the_registered_tabs_in_order(client, cast, ready):
    client.force_login(cast.coordinator_a)
    page = client.get(reverse("intervention_list", args=[cast.plan_a.pk])).content.decode()
    assert _tabs(page) == [(label, reverse(name, args=[cast.plan_a.pk])) for label, name in TABS]
    assert (
        'aria-current="page" href="{}">Interventions'.format(
            reverse("intervention_list", args=[cast.plan_a.pk])
        )
        in page
    )


def test_a_tab_is_current_on_the_pages_under_it(client, cast, ready):
    """A commitment's page is under Funding (highlighted, without aria-current: the page
    is not the tab's own)."""
    client.force_login(cast.coordinator_a)
    page = client.get(
        reverse("intervention_funding", args=[cast.plan_a.pk, ready["intervention"].pk])
    ).content.decode()
    funding = reverse("funding_overview", args=[cast.plan_a.pk])
    assert f'class="nav-link active"  href="{funding}">Funding' in page
    assert page.count('class="nav-link active"') == 1


def test_a_tab_an_app_registers_is_shown_at_its_place(client, cast, ready, risks_registered):
    client.force_login(cast.coordinator_a)
    page = client.get(reverse("plan_detail", args=[cast.plan_a.pk])).content.decode()
    labels = [label for label, _href in _tabs(page)]
    assert labels.index("Risks") == labels.index("History") + 1


@pytest.mark.parametrize(
    "role, menu",
    [
        ("anonymous", ["SDG catalogue", "Open plans"]),
        ("coordinator_a", ["Plans", "Organisations", "SDG catalogue", "Open plans"]),
        ("administrator", ["Plans", "Organisations", "Users", "SDG catalogue", "Open plans"]),
    ],
)
def test_the_main_menu_shows_each_user_the_links_registered_for_them(client, cast, role, menu):
    if cast.user(role):
        client.force_login(cast.user(role))
    page = client.get(reverse("catalogue")).content.decode()
    nav = page.split('<ul class="navbar-nav me-auto">', 1)[1].split("</ul>", 1)[0]
    assert re.findall(r'class="nav-link" href="[^"]+"[^>]*>([^<]+)</a>', nav) == menu


def test_the_validation_page_offers_signing_only_to_who_signs_while_in_validation(
    client, cast, ready
):
    """Governance adds the way to its signing page to the kernel's validation page."""
    validation = reverse("plan_validation", args=[cast.plan_a.pk])
    sign = reverse("plan_sign", args=[cast.plan_a.pk])
    client.force_login(cast.signatory_x)
    assert sign not in client.get(validation).content.decode()  # a draft: nothing to sign
    workflow.plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)
    cast.plan_a.refresh_from_db()
    assert cast.plan_a.status == PlanStatus.IN_VALIDATION
    assert f'href="{sign}">Sign for your organisation' in client.get(validation).content.decode()
    client.force_login(cast.editor_x)
    assert sign not in client.get(validation).content.decode()


# --- the kernel names no app ---------------------------------------------------------------


def _url_names_of_apps() -> set[str]:
    names: set[str] = set()

    def walk(patterns):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
            elif (
                isinstance(pattern, URLPattern)
                and pattern.name
                and pattern.callback.__module__.split(".")[0] in APPS
            ):
                names.add(pattern.name)

    walk(get_resolver().url_patterns)
    return names


def _kernel_python() -> list[Path]:
    files = [*ROOT.glob("action_plans/**/*.py"), *ROOT.glob("msd_planner/lib/**/*.py")]
    return [path for path in files if "migrations" not in path.parts]


def test_the_kernels_templates_link_to_no_apps_page():
    app_urls = _url_names_of_apps()
    named = {
        (path.relative_to(ROOT).as_posix(), name)
        for path in ROOT.glob("templates/action_plans/**/*.html")
        for name in re.findall(r"{% url '([a-z_]+)'", path.read_text())
        if name in app_urls
    }
    assert named == set()


def test_the_kernels_code_names_no_app():
    """No string of the kernel's code is an app's label or one of its URL names (the
    section of a snapshot, a route); docstrings and comments may speak of them."""
    names = set(APPS) | _url_names_of_apps()
    found = []
    for path in _kernel_python():
        tree = ast.parse(path.read_text())
        docstrings = {
            id(node.body[0].value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
            and node.body
            and isinstance(node.body[0], ast.Expr)
            and isinstance(node.body[0].value, ast.Constant)
        }
        found += [
            (path.relative_to(ROOT).as_posix(), node.value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Constant)
            and isinstance(node.value, str)
            and id(node) not in docstrings
            and node.value in names
        ]
    assert found == []


def test_the_kernels_files_render_nothing_an_app_owns():
    """The document's own template holds the cover, the contents, the sign-offs and the
    change log; every chapter comes from the registry."""
    html = render_to_string(
        "action_plans/pdf/document.html",
        {"chapters": [], "frozen": {"title": "T"}, "preview": True},
    )
    assert _contents(html) == []


# --- every record of a plan has its place in the snapshot ------------------------------------

# Where each record type a plan's history tracks is frozen in a version: the kind of
# snapshot record that holds it ("plan": the plan's own fields), or why it is not frozen.
NOT_FROZEN = "not frozen"
FROZEN_AS = {
    "action_plans.ActionPlan": "plan",
    "governance.LeadArrangement": "arrangement",
    "governance.LeadBody": "lead",
    "governance.Responsibility": "lead",  # what each lead body is responsible for
    "governance.Participation": "participant",
    "targets.PrioritisedTarget": "target",
    "targets.FollowedIndicator": "target",
    "targets.ScoringCriterion": "target",  # through the scores it weighs
    "targets.TargetScore": "target",
    "targets.Framework": "framework",
    "targets.FrameworkAssessment": "framework",
    "targets.Consultation": "consultation",
    "interventions.Intervention": "intervention",
    "interventions.AddressedTarget": "intervention",
    "interventions.Partner": "intervention",
    "interventions.Beneficiaries": "intervention",
    "interventions.ResultIndicator": "indicator",
    "interventions.TargetValue": "indicator",
    "interventions.Progress": "indicator",
    "interventions.Comment": NOT_FROZEN,  # a discussion about the plan, not the plan
    "funding.FundingSource": "source",
    "funding.Commitment": "funding",  # summed per intervention and per target
    "funding.MobilisationStrategy": "strategy",
    "funding.Engagement": NOT_FROZEN,  # the log of meetings with funding partners
    # stated by local actors and addressed as the plan lives, whatever its status
    "funding.CapacityNeed": NOT_FROZEN,
    # a plan-wide figure: in the funding section's totals, beside the shares it targets
    "funding.LocalisationTarget": "plan",
}


def test_every_record_type_of_a_plan_has_its_place_in_the_snapshot():
    """A record type added to a plan (tracked in its history) is frozen in a version by
    its app's snapshot section, or said here to be left out and why."""
    from action_plans import history
    from action_plans.hooks import snapshot_sections

    assert {model._meta.label for model in history._tracked} == set(FROZEN_AS)
    kinds = {kind for section in snapshot_sections() for kind in section.kinds} | {"plan"}
    assert {kind for kind in FROZEN_AS.values() if kind != NOT_FROZEN} <= kinds
