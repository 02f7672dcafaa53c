"""Example interventions, import from CSV/XLSX, and the demo interventions: through HTTP,
signed in through the login page."""

import csv
import io
from collections import Counter

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from action_plans.models import ActionPlan
from interventions import library
from interventions.models import (
    BeneficiaryGroup,
    Intervention,
    InterventionLevel,
    InterventionStatus,
    Sector,
)
from targets.models import Indicator, MigrationRelevance, Target
from targets.services import prioritised_target_add
from tests.factories import PASSWORD

EXPLICIT_TARGETS = ["4.b", "5.2", "8.5", "8.7", "8.8", "10.7", "10.c", "16.2", "17.18"]
PRIORITISED = ["10.7", "10.c", "17.18"]


@pytest.fixture
def prioritised(cast, catalogue):
    """Plan A prioritises 10.7, 10.c and 17.18 (8.8, 16.2… are not)."""
    return {
        code: prioritised_target_add(
            actor=cast.coordinator_a,
            plan=cast.plan_a,
            target=Target.objects.get(code=code),
            rationale="r",
        )
        for code in PRIORITISED
    }


def signed_in(user) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": user.username, "password": PASSWORD})
    assert response.status_code == 302, "sign-in failed"
    return client


# --- the examples --------------------------------------------------------------------------


def test_every_explicitly_migration_related_target_has_two_examples_or_more(catalogue):
    explicit = set(
        Target.objects.filter(migration_relevance=MigrationRelevance.EXPLICIT).values_list(
            "code", flat=True
        )
    )
    assert explicit == set(EXPLICIT_TARGETS)
    per_target = Counter(code for example in library.examples() for code in example.targets)
    assert {code: per_target[code] >= 2 for code in EXPLICIT_TARGETS} == dict.fromkeys(
        EXPLICIT_TARGETS, True
    )


def test_every_example_is_valid(catalogue):
    examples = library.examples()
    assert len({example.slug for example in examples}) == len(examples)
    codes = set(Target.objects.values_list("code", flat=True))
    for example in examples:
        assert example.level in InterventionLevel.values, example.slug
        assert example.sector in Sector.values, example.slug
        assert set(example.beneficiaries) <= set(BeneficiaryGroup.values), example.slug
        assert set(example.targets) <= codes, example.slug
        assert example.title and len(example.title) <= 200 and example.description
        assert example.indicators, example.slug
        for indicator in example.indicators:
            assert indicator.unit and bool(indicator.sdg) != bool(indicator.name), example.slug
            if indicator.sdg:
                found = Indicator.objects.select_related("target").get(code=indicator.sdg)
                assert found.target.code in example.targets, (example.slug, indicator.sdg)


def test_the_examples_list_shows_them_and_which_targets_the_plan_prioritised(cast, prioritised):
    client = signed_in(cast.viewer_x)
    url = reverse("intervention_examples", args=[cast.plan_a.pk])
    page = client.get(url).content.decode()
    for example in library.examples():
        assert example.title in page
    assert "prioritised in this plan" in page
    assert "Use this example" not in page  # a viewer does not contribute

    filtered = client.get(url, {"target": "10.c"}).content.decode()
    shown = [example for example in library.examples() if example.title in filtered]
    assert shown and all("10.c" in example.targets for example in shown)


def test_using_an_example_creates_a_draft_with_its_indicators(cast, prioritised):
    client = signed_in(cast.editor_x)
    url = reverse(
        "intervention_example_use", args=[cast.plan_a.pk, "fair-recruitment-and-agency-licensing"]
    )
    page = client.get(url)
    assert page.status_code == 200
    # Only the example's targets the plan prioritised are offered (10.7, not 8.8).
    assert list(page.context["form"].fields["targets"].queryset) == [prioritised["10.7"]]
    assert list(page.context["form"].fields["lead_organisation"].queryset) == [cast.ministry_x]

    response = client.post(
        url, {"lead_organisation": cast.ministry_x.pk, "targets": [prioritised["10.7"].pk]}
    )
    intervention = Intervention.objects.get()
    assert response.status_code == 302
    assert response.url == reverse(
        "intervention_edit",
        kwargs={"pk": cast.plan_a.pk, "intervention_pk": intervention.pk},
    )
    assert intervention.status == InterventionStatus.PROPOSED
    assert intervention.lead_organisation == cast.ministry_x
    assert (
        intervention.title == "Fair recruitment: licensing and monitoring of recruitment agencies"
    )
    assert [link.prioritised_target for link in intervention.addressed_targets.all()] == [
        prioritised["10.7"]
    ]
    indicators = list(intervention.indicators.select_related("sdg_indicator"))
    assert [(item.sdg_indicator and item.sdg_indicator.code, item.unit) for item in indicators] == [
        ("10.7.1", "% of monthly income"),
        (None, "% of agencies"),
    ]
    assert set(intervention.beneficiaries.values_list("group", flat=True)) == {
        "migrant_workers",
        "women",
    }


def test_an_editor_cannot_create_an_intervention_led_by_another_organisation(cast, prioritised):
    url = reverse("intervention_example_use", args=[cast.plan_a.pk, "remittance-price-comparison"])
    data = {"lead_organisation": cast.ministry_y.pk, "targets": [prioritised["10.c"].pk]}
    response = signed_in(cast.editor_x).post(url, data)
    assert response.status_code == 200
    assert "Choose an organisation you act for" in response.content.decode()
    assert not Intervention.objects.exists()

    # Those who lead intervention design may name any participant.
    response = signed_in(cast.coordinator_a).post(url, data)
    assert response.status_code == 302
    assert Intervention.objects.get().lead_organisation == cast.ministry_y


def test_an_example_none_of_whose_targets_is_prioritised_cannot_be_used(cast, prioritised):
    client = signed_in(cast.editor_x)
    url = reverse(
        "intervention_example_use",
        args=[cast.plan_a.pk, "complaints-and-redress-for-migrant-workers"],
    )
    assert "cannot be used here yet" in client.get(url).content.decode()
    response = client.post(url, {"lead_organisation": cast.ministry_x.pk})
    assert response.status_code == 200
    assert not Intervention.objects.exists()


def test_an_unknown_example_is_not_found(cast, prioritised):
    url = reverse("intervention_example_use", args=[cast.plan_a.pk, "no-such-example"])
    assert signed_in(cast.editor_x).get(url).status_code == 404


# --- import --------------------------------------------------------------------------------

HEADER = ["title", "level", "sector", "targets", "start_date", "end_date", "estimated_cost",
          "beneficiaries", "partners", "status"]  # fmt: skip
GOOD_ROWS = [
    ["Remittance prices", "programme", "financial_inclusion", "10.c", "2026-01-01",
     "2028-12-31", "250000.50", "diaspora: 40000; migrant_workers", "MOH", ""],
    ["Migration data", "Policy", "data", "17.18; 10.7", "", "", "", "", "", "designed"],
]  # fmt: skip


def csv_file(rows, name="interventions.csv") -> io.BytesIO:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    upload = io.BytesIO(out.getvalue().encode("utf-8"))
    upload.name = name
    return upload


def xlsx_file(rows) -> io.BytesIO:
    workbook = Workbook()
    for row in rows:
        workbook.active.append(row)
    upload = io.BytesIO()
    workbook.save(upload)
    upload.seek(0)
    upload.name = "interventions.xlsx"
    return upload


def import_as(cast, user, upload, organisation=None):
    return signed_in(user).post(
        reverse("intervention_import", args=[cast.plan_a.pk]),
        {"lead_organisation": (organisation or cast.ministry_x).pk, "file": upload},
    )


@pytest.mark.parametrize("make_file", [csv_file, xlsx_file])
def test_a_good_file_imports_every_row(cast, prioritised, make_file):
    response = import_as(cast, cast.editor_x, make_file([HEADER, *GOOD_ROWS]))
    assert response.status_code == 302
    assert response.url == reverse("intervention_list", args=[cast.plan_a.pk])
    first, second = Intervention.objects.order_by("title")
    assert (second.title, second.level, second.sector, second.status) == (
        "Remittance prices",
        "programme",
        "financial_inclusion",
        "proposed",
    )
    assert str(second.estimated_cost) == "250000.50"
    assert second.start_date.isoformat() == "2026-01-01"
    assert dict(second.beneficiaries.values_list("group", "estimated_number")) == {
        "diaspora": 40000,
        "migrant_workers": None,
    }
    assert list(second.partners.values_list("organisation__acronym", "role")) == [
        ("MOH", "implementing")
    ]
    assert (first.level, first.status) == ("policy", "designed")
    assert set(
        first.addressed_targets.values_list("prioritised_target__target__code", flat=True)
    ) == {
        "17.18",
        "10.7",
    }
    assert {item.lead_organisation for item in (first, second)} == {cast.ministry_x}


def test_a_file_with_a_bad_row_imports_nothing_and_lists_every_problem(cast, prioritised):
    rows = [
        HEADER,
        GOOD_ROWS[0],
        ["", "sometimes", "labour", "8.8", "", "", "-5", "", "", ""],
        ["Late", "programme", "labour", "10.7", "2031-01-01", "01/02/2026", "", "aliens: x", "",
         "dropped"],
    ]  # fmt: skip
    response = import_as(cast, cast.editor_x, csv_file(rows))
    assert response.status_code == 200
    assert not Intervention.objects.exists()
    problems = {(problem.row, problem.column) for problem in response.context["problems"]}
    assert problems == {
        (3, "title"),
        (3, "level"),
        (3, "targets"),
        (3, "estimated_cost"),
        (4, "start_date"),
        (4, "end_date"),
        (4, "beneficiaries"),
        (4, "status"),
    }
    page = response.content.decode()
    assert "Nothing was imported" in page
    assert "Target 8.8 is not prioritised in this plan." in page


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (csv_file([HEADER, GOOD_ROWS[0]], name="interventions.txt"), "Choose a CSV or XLSX file"),
        (csv_file([[*HEADER, "colour"], [*GOOD_ROWS[0], "red"]]), "Unknown columns: colour."),
        (csv_file([["title", "level"], ["A", "policy"]]), "Missing columns: sector, targets."),
        (csv_file([HEADER]), "no intervention below its header row"),
    ],
    ids=["type", "unknown-column", "missing-columns", "no-rows"],
)
def test_a_file_that_cannot_be_imported_is_refused(cast, prioritised, upload, message):
    response = import_as(cast, cast.editor_x, upload)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Intervention.objects.exists()


def test_a_file_over_5_mb_is_refused(cast, prioritised):
    upload = io.BytesIO(b"title,level,sector,targets\n" + b"x" * (5 * 1024 * 1024))
    upload.name = "big.csv"
    response = signed_in(cast.editor_x).post(
        reverse("intervention_import", args=[cast.plan_a.pk]),
        {"lead_organisation": cast.ministry_x.pk, "file": upload},
        follow=True,
    )
    # Refused from its declared length, before the body is read.
    assert "larger than 5 MB" in response.content.decode()
    assert not Intervention.objects.exists()


def test_a_file_with_more_rows_than_an_import_takes_is_refused_whole(cast, prioritised):
    rows = [HEADER, *([GOOD_ROWS[0]] * 1001)]
    response = import_as(cast, cast.editor_x, xlsx_file(rows))
    assert "more than 1000 interventions" in response.content.decode()
    assert not Intervention.objects.exists()


def test_a_cell_too_long_for_a_csv_is_refused_with_a_message(cast, prioritised):
    response = import_as(cast, cast.editor_x, csv_file([HEADER, ["x" * 200_000]]))
    assert "The CSV file cannot be read" in response.content.decode()


def test_a_workbook_that_unpacks_to_gigabytes_is_refused_unopened(cast, prioritised):
    import zipfile

    upload = io.BytesIO()
    with zipfile.ZipFile(upload, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", b"\0" * (60 * 1024 * 1024))
    upload.seek(0)
    upload.name = "bomb.xlsx"
    assert len(upload.getvalue()) < 1024 * 1024  # small on the way in
    response = import_as(cast, cast.editor_x, upload)
    assert "unpacks to more than 50 MB" in response.content.decode()


def test_numbers_in_a_list_may_have_thousands_separators(cast, prioritised):
    row = [*GOOD_ROWS[0]]
    row[HEADER.index("beneficiaries")] = "migrant_workers: 1,200; women"
    response = import_as(cast, cast.editor_x, csv_file([HEADER, row]))
    assert response.status_code == 302
    assert dict(
        Intervention.objects.get().beneficiaries.values_list("group", "estimated_number")
    ) == {
        "migrant_workers": 1200,
        "women": None,
    }


def test_a_file_named_xlsx_that_is_not_a_workbook_is_refused(cast, prioritised):
    upload = csv_file([HEADER, GOOD_ROWS[0]], name="interventions.xlsx")
    response = import_as(cast, cast.editor_x, upload)
    assert "cannot be read as an XLSX workbook" in response.content.decode()


def test_an_editor_imports_only_for_their_own_organisation(cast, prioritised):
    response = import_as(cast, cast.editor_x, csv_file([HEADER, GOOD_ROWS[0]]), cast.ministry_y)
    assert response.status_code == 200
    assert "Choose an organisation you act for" in response.content.decode()
    assert not Intervention.objects.exists()
    response = import_as(
        cast, cast.coordinator_a, csv_file([HEADER, GOOD_ROWS[1]]), cast.ministry_y
    )
    assert response.status_code == 302
    assert Intervention.objects.get().lead_organisation == cast.ministry_y


def test_the_templates_download_and_import_as_they_are(cast, prioritised):
    client = signed_in(cast.editor_x)
    for file_format in ("csv", "xlsx"):
        response = client.get(
            reverse("intervention_import_template", args=[cast.plan_a.pk, file_format])
        )
        assert response.status_code == 200
        assert "attachment" in response["Content-Disposition"]
        if file_format == "csv":
            header = next(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
        else:
            sheet = load_workbook(io.BytesIO(response.content)).active
            header = [cell.value for cell in sheet[1]]
        assert header == list(library.COLUMN_NAMES)
        upload = io.BytesIO(response.content)
        upload.name = f"template.{file_format}"
        assert import_as(cast, cast.editor_x, upload).status_code == 302
    assert Intervention.objects.count() == 2
    other = reverse("intervention_import_template", args=[cast.plan_a.pk, "pdf"])
    assert client.get(other).status_code == 404


# --- demo ----------------------------------------------------------------------------------


def test_the_demo_gives_the_national_plan_its_interventions_once(db):
    call_command("load_demo")
    plan = ActionPlan.objects.get(level="national")
    interventions = plan.interventions.all()
    assert 8 <= interventions.count() <= 12
    assert {item.lead_organisation.acronym for item in interventions} == {"MINT", "GSS"}
    partners = set(interventions.values_list("partners__organisation__acronym", flat=True))
    assert {"AMWA", "WOMN"} <= partners
    assert all(item.estimated_cost for item in interventions)
    assert interventions.filter(indicators__progress__isnull=False).exists()
    counts = (
        Intervention.objects.count(),
        plan.interventions.filter(indicators__isnull=False).count(),
    )
    call_command("load_demo")
    assert (
        Intervention.objects.count(),
        plan.interventions.filter(indicators__isnull=False).count(),
    ) == counts
