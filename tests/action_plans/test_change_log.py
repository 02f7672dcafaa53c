"""A revision's change log leaves nothing out: every difference from the official version
is named by a recorded change before the revision can be submitted; and the comparison
is one click away from the overview, the versions and the validation page."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from action_plans import workflow
from action_plans.models import PlanChange, PlanStatus, PlanVersion
from action_plans.workflow import TransitionRefused
from interventions.models import Intervention, ResultIndicator
from interventions.services import (
    Links,
    indicator_create,
    intervention_create,
    intervention_remove,
    intervention_update,
)
from tests.action_plans.test_versions_stored import _decoded
from tests.conftest import approve_all
from tests.interventions.test_interventions import _form_data, _grow

ADDED = "Reintegration of returnees"


def _adopted(cast, ready) -> PlanVersion:
    """Plan A adopted as 1.0: the official version."""
    workflow.plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)
    approve_all(cast, ready)
    return workflow.plan_adopt(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        adoption_date=timezone.localdate(),
        reference="Cabinet decision 12/2026",
    )


def _revised(cast) -> None:
    workflow.plan_revision_open(
        actor=cast.coordinator_a, plan=cast.plan_a, reason="re_scoping", text="Mid-term review"
    )
    cast.plan_a.refresh_from_db()


def _adopted_and_revised(cast, ready) -> PlanVersion:
    """Plan A adopted as 1.0, then opened for revision: the official version."""
    official = _adopted(cast, ready)
    _revised(cast)
    return official


def _add_intervention(cast, title: str = ADDED) -> Intervention:
    """A complete intervention (readiness asks for a timeline, a cost and an indicator)."""
    target = cast.plan_a.prioritised_targets.get()
    intervention = intervention_create(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        intervention=Intervention(
            title=title,
            level="programme",
            sector="labour",
            lead_organisation=cast.ministry_x,
            start_date=date(2026, 1, 1),
            end_date=date(2028, 12, 31),
            estimated_cost=Decimal(500000),
        ),
        links=Links(targets={target.pk: "Returnees find work"}),
    )
    indicator_create(
        actor=cast.coordinator_a,
        intervention=intervention,
        indicator=ResultIndicator(
            name="Returnees in work", unit="people", baseline_value=Decimal(0), baseline_year=2025
        ),
        target_values={2028: Decimal(400)},
    )
    return intervention


def _set_cost(cast, intervention: Intervention, cost: int) -> None:
    intervention = Intervention.objects.get(pk=intervention.pk)
    intervention_update(
        actor=cast.coordinator_a,
        intervention=intervention,
        expected_version=intervention.version,
        data={"estimated_cost": Decimal(cost)},
    )


def _unexplained(cast) -> list[tuple[str, str]]:
    cast.plan_a.refresh_from_db()
    revision = workflow.revision_changes(cast.plan_a)
    return [(item.kind, item.subject) for item in revision.unexplained]


def test_an_added_intervention_without_a_reason_blocks_the_revision(cast, ready):
    _adopted_and_revised(cast, ready)
    added = _add_intervention(cast)
    with pytest.raises(TransitionRefused) as refused:
        workflow.plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)
    text = " ".join(refused.value.messages)
    assert "Every change since version 1.0 has its reason" in text
    assert f"Intervention “{ADDED}” (added): no reason recorded." in text
    assert cast.plan_a.versions.count() == 1  # no version 2.0

    change = workflow.plan_change_record(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        reason="new_intervention",
        text="Returnees asked for it",
        records=[f"intervention:{added.pk}"],
    )
    # the intervention with the records that belong to it and differ with it
    indicator = added.indicators.get()
    assert change.records == [
        f"intervention:{added.pk}",
        f"indicator:{indicator.pk}",
        f"funding:{added.pk}",
    ]
    version = workflow.plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)
    assert version.number == "2.0"
    assert [item.text for item in version.changes.all()] == [
        "Mid-term review",
        "Returnees asked for it",
    ]


def test_a_record_that_does_not_differ_cannot_be_named(cast, ready):
    _adopted_and_revised(cast, ready)
    with pytest.raises(ValidationError) as refused:
        workflow.plan_change_record(
            actor=cast.coordinator_a,
            plan=cast.plan_a,
            reason="correction",
            text="Nothing really",
            records=[f"intervention:{ready['intervention'].pk}"],
        )
    assert "records" in refused.value.error_dict
    assert not PlanChange.objects.filter(text="Nothing really").exists()


def test_removed_and_changed_records_need_a_reason_too(cast, ready):
    _adopted_and_revised(cast, ready)
    second = _add_intervention(cast, "Pre-departure orientation")
    workflow.plan_change_record(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        reason="new_intervention",
        text="Orientation",
        records=[f"intervention:{second.pk}"],
    )
    assert _unexplained(cast) == []
    _set_cost(cast, ready["intervention"], 1200000)
    assert _unexplained(cast) == [("changed", "Intervention “Fair recruitment”")]

    # undone: the record as it was is no longer a difference
    _set_cost(cast, ready["intervention"], 1000000)
    assert _unexplained(cast) == []

    intervention_remove(
        actor=cast.coordinator_a, intervention=Intervention.objects.get(pk=ready["intervention"].pk)
    )
    assert _unexplained(cast) == [("removed", "Intervention “Fair recruitment”")]


def test_a_record_explained_once_stays_explained_when_it_changes_again(cast, ready):
    _adopted_and_revised(cast, ready)
    intervention = ready["intervention"]
    _set_cost(cast, intervention, 1200000)
    workflow.plan_change_record(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        reason="funding_change",
        text="Higher costs",
        records=[f"intervention:{intervention.pk}"],
    )
    _set_cost(cast, intervention, 1300000)
    assert _unexplained(cast) == []


def test_over_http_the_submission_lists_the_unexplained_change_until_a_reason_covers_it(
    client, cast, ready
):
    official = _adopted_and_revised(cast, ready)
    added = _add_intervention(cast)
    client.force_login(cast.coordinator_a)
    submit = reverse("plan_submit", args=[cast.plan_a.pk])
    validation = reverse("plan_validation", args=[cast.plan_a.pk])

    confirmation = client.get(submit).content.decode()
    assert "This step will be refused until:" in confirmation
    assert f"Intervention “{ADDED}” (added): no reason recorded." in confirmation

    refused = client.post(submit, follow=True)
    assert f"Intervention “{ADDED}” (added): no reason recorded." in refused.content.decode()
    cast.plan_a.refresh_from_db()
    assert cast.plan_a.status == PlanStatus.DRAFT and cast.plan_a.versions.count() == 1

    page = client.get(validation).content.decode()
    assert "Differences without a reason" in page
    assert "Incomplete: blocks submission" in page  # the checklist
    assert f'value="intervention:{added.pk}"' in page  # a checkbox for it
    compare = f"{reverse('version_compare', args=[cast.plan_a.pk])}?from={official.pk}&amp;to=draft"
    assert f'href="{compare}#record-intervention-{added.pk}"' in page
    # the link leads to the record in the comparison
    compared = client.get(
        reverse("version_compare", args=[cast.plan_a.pk]), {"from": official.pk, "to": "draft"}
    ).content.decode()
    assert f'id="record-intervention-{added.pk}"' in compared

    recorded = client.post(
        reverse("plan_change_record", args=[cast.plan_a.pk]),
        {
            "records": [f"intervention:{added.pk}"],
            "reason": "new_intervention",
            "text": "Asked for by the returnees' associations",
        },
    )
    assert recorded.status_code == 302
    page = client.get(validation).content.decode()
    assert "Every difference from version 1.0 is explained by a recorded change." in page
    assert f'Explains:<ul class="mb-0"><li>Intervention “{ADDED}”</li>' in page
    assert client.post(submit).status_code == 302
    version = cast.plan_a.versions.first()
    assert version.number == "2.0"
    version_page = client.get(reverse("version_detail", args=[cast.plan_a.pk, version.pk]))
    assert f"<li>Intervention “{ADDED}”</li>" in version_page.content.decode()


def test_the_validation_page_names_a_removed_record_from_the_official_versions_records(
    client, cast, ready, derived_cache
):
    _adopted_and_revised(cast, ready)
    intervention = Intervention.objects.get(pk=ready["intervention"].pk)
    intervention_remove(actor=cast.coordinator_a, intervention=intervention)
    workflow.plan_change_record(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        reason="re_scoping",
        text="Merged into the national recruitment programme",
        records=[f"intervention:{intervention.pk}"],
    )
    client.force_login(cast.coordinator_a)
    validation = reverse("plan_validation", args=[cast.plan_a.pk])
    client.get(validation)  # the readiness, computed once per change of the plan
    with _decoded() as decoded:
        page = client.get(validation).content.decode()
    assert "Merged into the national recruitment programme" in page
    assert 'Explains:<ul class="mb-0"><li>Intervention “Fair recruitment”</li>' in page
    assert decoded["PlanSnapshot"] == 0  # only the records it names are read


def test_the_change_page_offers_the_differences_and_refuses_a_stale_one(client, cast, ready):
    _adopted_and_revised(cast, ready)
    added = _add_intervention(cast)
    client.force_login(cast.coordinator_a)
    url = reverse("plan_change_record", args=[cast.plan_a.pk])
    page = client.get(url).content.decode()
    assert f"Intervention “{ADDED}”, added" in page
    response = client.post(
        url, {"records": ["intervention:999999"], "reason": "correction", "text": "Gone"}
    )
    assert response.status_code == 200
    assert "A record chosen no longer differs from version 1.0" in response.content.decode()
    assert f'value="intervention:{added.pk}"' in response.content.decode()
    assert not PlanChange.objects.filter(text="Gone").exists()


def _links(page: str, plan_pk: int) -> set[str]:
    compare = reverse("version_compare", args=[plan_pk])
    return {
        label
        for label in (
            "Compare the draft with the official version",
            "Compare with the draft",
            "Compare with the official version",
            "Compare version 2.0 with the official version",
        )
        if label in page and compare in page
    }


def test_compare_is_one_click_away_for_an_official_version_and_a_draft(client, cast, ready):
    client.force_login(cast.viewer_x)
    plan = cast.plan_a.pk
    overview = reverse("plan_detail", args=[plan])
    validation = reverse("plan_validation", args=[plan])
    assert _links(client.get(overview).content.decode(), plan) == set()  # nothing to compare

    official = _adopted_and_revised(cast, ready)
    to_draft = f"?from={official.pk}&amp;to=draft"
    for url in (overview, validation):
        page = client.get(url).content.decode()
        assert "Compare the draft with the official version" in page
        assert to_draft in page
    official_page = client.get(reverse("version_detail", args=[plan, official.pk])).content.decode()
    assert _links(official_page, plan) == {"Compare with the draft"}
    assert f"?from={official.pk}&amp;to=draft" in official_page
    compared = client.get(
        reverse("version_compare", args=[plan]), {"from": official.pk, "to": "draft"}
    )
    assert "From version 1.0 to the current draft" in compared.content.decode()

    # in validation: the version with the official one; no draft to compare with
    _set_cost(cast, ready["intervention"], 1100000)
    workflow.plan_change_record(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        reason="funding_change",
        text="Costs",
        records=[f"intervention:{ready['intervention'].pk}"],
    )
    revision = workflow.plan_submit(actor=cast.coordinator_a, plan=cast.plan_a)
    pair = f"?from={official.pk}&amp;to={revision.pk}"
    for url in (overview, validation):
        page = client.get(url).content.decode()
        assert "Compare version 2.0 with the official version" in page and pair in page
        assert "Compare the draft with the official version" not in page
    revision_page = client.get(reverse("version_detail", args=[plan, revision.pk])).content.decode()
    assert "Compare with the official version (1.0)" in revision_page and pair in revision_page
    assert "Compare with the draft" not in revision_page
    assert "Intervention “Fair recruitment”" in revision_page  # the change log names it


@pytest.mark.parametrize("page", ["plan_validation", "plan_detail"])
def test_a_revisions_pages_cost_the_same_queries_for_10_or_100_interventions(
    client, cast, ready, page
):
    _adopted_and_revised(cast, ready)
    targets = {"10.7": cast.plan_a.prioritised_targets.get()}
    url = reverse(page, args=[cast.plan_a.pk])
    client.force_login(cast.coordinator_a)

    def queries() -> int:
        client.get(url)
        with CaptureQueriesContext(connection) as context:
            assert client.get(url).status_code == 200
        return len(context)

    _grow(cast, targets, 9)
    small = queries()
    assert (
        "Differences without a reason" in client.get(url).content.decode() or page == "plan_detail"
    )
    _grow(cast, targets, 90)
    assert queries() == small
    if page == "plan_validation":  # the checklist names ten, the list every one
        text = client.get(url).content.decode()
        assert "And 89 more differences without a reason." in text
        assert text.count('name="records"') == 99


def _intervention_form(cast, **changes) -> dict:
    target = cast.plan_a.prioritised_targets.get()
    return _form_data(cast, {"10.7": target}, **changes)


def test_the_reason_is_given_on_the_intervention_form_in_a_revision(client, cast, ready):
    plan = cast.plan_a.pk
    client.force_login(cast.coordinator_a)
    add = reverse("intervention_create", args=[plan])
    assert "Reason for this change" not in client.get(add).content.decode()  # not a revision

    _adopted_and_revised(cast, ready)
    assert "Reason for this change" in client.get(add).content.decode()
    # a reason needs its words; nothing is saved without them
    refused = client.post(add, _intervention_form(cast, title=ADDED, change_reason="re_scoping"))
    assert refused.status_code == 200
    assert "Say what changes and why." in refused.content.decode()
    assert not Intervention.objects.filter(title=ADDED).exists()

    response = client.post(
        add,
        _intervention_form(
            cast,
            title=ADDED,
            change_reason="new_intervention",
            change_text="Asked for at the mid-term review",
        ),
        follow=True,
    )
    assert "The reason is recorded in the revision&#x27;s change log." in response.content.decode()
    added = Intervention.objects.get(title=ADDED)
    change = PlanChange.objects.get(text="Asked for at the mid-term review")
    assert change.reason == "new_intervention" and change.records[0] == f"intervention:{added.pk}"
    assert _unexplained(cast) == []  # the intervention, its funding: all explained

    # an edit with its reason; one without is left for the validation page
    intervention = Intervention.objects.get(pk=ready["intervention"].pk)
    edit = reverse("intervention_edit", args=[plan, intervention.pk])
    client.post(
        edit,
        _intervention_form(
            cast,
            title="Fair recruitment",
            estimated_cost="1100000",
            version=intervention.version,
            change_reason="funding_change",
            change_text="Agencies' audits cost more",
        ),
    )
    assert PlanChange.objects.filter(text="Agencies' audits cost more").exists()
    assert _unexplained(cast) == []


def test_only_those_who_record_changes_are_asked_the_reason(client, cast, ready):
    _adopted_and_revised(cast, ready)
    client.force_login(cast.editor_x)  # edits ministry X's interventions, records no change
    intervention = ready["intervention"]
    page = client.get(reverse("intervention_edit", args=[cast.plan_a.pk, intervention.pk]))
    assert page.status_code == 200
    assert "Reason for this change" not in page.content.decode()


def test_the_living_plan_needs_no_reason_in_the_next_revision(cast, ready):
    """Progress measured and money disbursed after adoption are the plan being carried
    out, not changed: the comparison shows them, the revision asks no reason for them."""
    from action_plans.snapshot import compare
    from funding.services import commitment_disbursement_record
    from interventions.services import progress_approve, progress_submit
    from tests.test_url_matrix import _commitment_of_x

    commitment = _commitment_of_x(cast)
    official = _adopted(cast, ready)
    indicator = ready["intervention"].indicators.get()
    progress = progress_submit(
        actor=cast.coordinator_a,
        indicator=indicator,
        measured_on=timezone.localdate(),
        value=Decimal(300),
        source="Labour register",
    )
    progress_approve(actor=cast.editor_s, progress=progress, expected_version=progress.version)
    commitment.refresh_from_db()
    commitment_disbursement_record(
        actor=cast.coordinator_a,
        commitment=commitment,
        expected_version=commitment.version,
        disbursed=Decimal(100000),
    )
    _revised(cast)

    assert _unexplained(cast) == []
    shown = compare(official.snapshot.content, workflow.draft_snapshot(cast.plan_a))
    details = [
        detail for section in shown for change in section.changes for detail in change.details
    ]
    assert any(detail.startswith("progress:") for detail in details)
    assert any(detail.startswith("disbursed:") for detail in details)

    _set_cost(cast, ready["intervention"], 1200000)  # a design change still needs its reason
    assert _unexplained(cast) == [("changed", "Intervention “Fair recruitment”")]
