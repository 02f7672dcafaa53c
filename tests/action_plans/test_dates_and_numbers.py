"""Dates and numbers as the reader writes them, on the pages a user opens, in emails
and in the plan's document."""

import re
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone, translation

from action_plans import documents, workflow
from action_plans.models import ActionPlan, PlanDocument, PlanTransition, PlanVersion
from action_plans.snapshot import build_snapshot, compare, shown_sections
from interventions.models import Beneficiaries, Intervention, TargetValue
from targets.models import PrioritisedTarget
from tests.conftest import approve_all

# 01/02/2026, 2/1/26, 01.02.2026, 2026/02/01: a date that reads differently by country.
NUMERIC_DATE = re.compile(r"\b\d{1,4}[/.]\d{1,2}[/.]\d{2,4}\b")
SUBMITTED = datetime(2025, 2, 1, 9, 5, tzinfo=UTC)
VALIDATED = datetime(2025, 2, 1, 14, 30, tzinfo=UTC)
ADOPTED_ON = date(2025, 2, 3)
# The same moments as each language writes them (CLDR's medium date, 24-hour time).
WRITTEN = {
    "en": {"submitted": "1 Feb 2025, 09:05", "validated": "1 Feb 2025", "adopted": "3 Feb 2025"},
    "fr": {
        "submitted": "1 févr. 2025, 09:05",
        "validated": "1 févr. 2025",
        "adopted": "3 févr. 2025",
    },
    "es": {"submitted": "1 feb 2025, 9:05", "validated": "1 feb 2025", "adopted": "3 feb 2025"},
}


def _in(client, language: str):
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    return client


def _validated_on_1_february(cast, ready) -> PlanVersion:
    """Plan A submitted and validated, its version and steps dated 1 February 2025."""
    version = workflow.plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)
    approve_all(cast, ready)
    PlanVersion.objects.filter(pk=version.pk).update(submitted_at=SUBMITTED, validated_at=VALIDATED)
    PlanTransition.objects.filter(plan=cast.plan_a).update(created_at=SUBMITTED)
    version.refresh_from_db()
    return version


def _adopt(client, cast, day: date):
    return client.post(
        reverse("plan_adopt", args=[cast.plan_a.pk]),
        {"adoption_date": day.isoformat(), "reference": "Cabinet decision CD/2025/041"},
    )


@pytest.mark.parametrize("language", ["en", "fr", "es"])
def test_the_plans_pages_date_its_steps_unambiguously(client, cast, ready, language):
    version = _validated_on_1_february(cast, ready)
    client.force_login(cast.coordinator_a)
    assert _adopt(client, cast, ADOPTED_ON).status_code == 302
    written = WRITTEN[language]
    _in(client, language)

    page = client.get(reverse("version_detail", args=[cast.plan_a.pk, version.pk]))
    text = page.content.decode()
    assert written["submitted"] in text and written["adopted"] in text
    assert not NUMERIC_DATE.search(text)

    text = client.get(reverse("plan_validation", args=[cast.plan_a.pk])).content.decode()
    assert written["submitted"] in text  # the transitions, the versions' table
    assert written["adopted"] in text
    assert not NUMERIC_DATE.search(text)

    for name in ("plan_history", "plan_detail"):
        text = client.get(reverse(name, args=[cast.plan_a.pk])).content.decode()
        assert timezone.localdate().strftime("%Y") in text
        assert not NUMERIC_DATE.search(text), name


def test_a_notification_dates_the_adoption_as_the_reader_writes_dates(
    client, cast, ready, django_capture_on_commit_callbacks
):
    _validated_on_1_february(cast, ready)
    client.force_login(cast.coordinator_a)
    with django_capture_on_commit_callbacks(execute=True):
        _adopt(client, cast, ADOPTED_ON)
    text = client.get(reverse("notification_list")).content.decode()
    assert "was adopted on 3 Feb 2025 (Cabinet decision CD/2025/041)" in text
    assert not NUMERIC_DATE.search(text)
    assert "adopted on 3 Feb 2025" in mail.outbox[-1].body


def test_the_invitation_says_when_its_link_expires_with_the_time_zone(
    client, cast, django_capture_on_commit_callbacks
):
    client.force_login(cast.coordinator_x)
    _in(client, "fr")
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("organisation_member_invite", args=[cast.ministry_x.pk]),
            {
                "email": "new.person@example.org",
                "first_name": "New",
                "last_name": "Person",
                "role": "editor",
            },
        )
    body = mail.outbox[-1].body
    expires = timezone.localtime(timezone.now() + timedelta(days=7))
    assert re.search(rf"\b{expires.day} \w+\.? {expires.year}, \d\d:\d\d UTC", body), body
    assert not NUMERIC_DATE.search(body)


@pytest.mark.parametrize(
    ("language", "people", "baseline", "by_2028"),
    [
        ("en", "5,000", "12,000 people", "2028: 25,000"),
        ("fr", "5\u202f000", "12\u202f000 people", "2028: 25\u202f000"),
        ("es", "5.000", "12.000 people", "2028: 25.000"),
    ],
)
def test_the_document_groups_thousands_as_its_language_does(
    cast, ready, language, people, baseline, by_2028
):
    intervention = ready["intervention"]
    Beneficiaries.objects.create(intervention=intervention, group="youth", estimated_number=5000)
    PrioritisedTarget.objects.filter(plan=cast.plan_a).update(
        baseline_value=Decimal(12000), baseline_unit="people", baseline_year=2024
    )
    TargetValue.objects.filter(indicator__intervention=intervention).update(value=Decimal(25000))
    ActionPlan.objects.filter(pk=cast.plan_a.pk).update(language=language)
    cast.plan_a.refresh_from_db()
    version = workflow.plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)
    html = documents.document_html(PlanDocument.objects.create(plan=cast.plan_a, version=version))
    assert f": {people}</dd>" in html  # the youth reached
    assert f"<dd>{baseline} (2024)</dd>" in html  # the target's baseline
    assert by_2028 in html  # the indicator's target for 2028
    assert "5000" not in html and "12000" not in html and "25000" not in html
    assert not NUMERIC_DATE.search(html)


def test_a_versions_counts_group_their_thousands(cast, ready):
    """A plan of a thousand interventions says so as the reader writes numbers, on the
    version page and in the comparison's totals."""
    content = build_snapshot(cast.plan_a)
    many = {**content["sections"]["interventions"]}
    many["totals"] = {**many["totals"], "interventions": "1204"}
    larger = {**content, "sections": {**content["sections"], "interventions": many}}
    with translation.override("fr"):
        totals = dict(
            next(item for item in shown_sections(larger) if item.name == "interventions").totals
        )
        moved = [
            detail
            for section in compare(content, larger)
            for change in section.changes
            for detail in change.details
        ]
    assert "1\u202f204" in totals.values()  # "interventions (hors abandonnées)"
    assert any(detail.endswith(": 1 → 1\u202f204") for detail in moved), moved


def test_the_overview_counts_a_large_plans_interventions_as_the_reader_writes_numbers(
    client, cast, ready
):
    Intervention.objects.bulk_create(
        Intervention(
            plan=cast.plan_a,
            title=f"Intervention {index:04}",
            level="programme",
            sector="labour",
            lead_organisation=cast.ministry_x,
        )
        for index in range(1203)
    )
    client.force_login(cast.coordinator_a)
    _in(client, "fr")
    text = client.get(reverse("plan_detail", args=[cast.plan_a.pk])).content.decode()
    assert ">1\u202f204</dd>" in text  # with the plan's first intervention
    assert "1204" not in text
