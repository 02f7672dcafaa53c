"""Every edit form in the project goes through the versioned-edit contract.

The forms are found, not listed: every form class of every app's ``forms`` module must
either be a versioned edit form with a page below, or be named in ``NOT_AN_EDIT`` with
the reason. So a new edit form that skips the contract fails here until it is placed.

For each edit page, through real requests: a stale save (the version the user opened is
no longer the saved one) is refused with the conflict screen, the user's input kept and
nothing saved; a POST without a version is a form error, never a 500.
"""

import importlib
import inspect
import pkgutil
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django import forms
from django.db import models, transaction
from django.urls import reverse

from interventions.models import Intervention, ResultIndicator
from interventions.services import Links, indicator_create, intervention_create
from msd_planner.lib.versioned_edit import VersionedForm, VersionedModelForm
from targets.models import Consultation, Framework, PrioritisedTarget, Target
from targets.services import (
    consultation_create,
    framework_create,
    prioritised_target_add,
    target_scores_set,
)
from tests.conftest import Cast

APPS = ["action_plans", "governance", "targets", "interventions", "funding"]

# Forms that do not edit an existing record, with the reason.
NOT_AN_EDIT = {
    "CatalogueSearchForm": "a search",
    "TargetSearchForm": "a search",
    "LoginForm": "signs in",
    "PasswordChangeForm": "sets the user's own password",
    "SetPasswordForm": "sets a password once, through a single-use reset link",
    "CoherenceFilterForm": "a filter",
    "ConsultationFilterForm": "a filter",
    "OrganisationFilterForm": "a filter",
    "SortedFilterForm": "the base of a list's filters and sort",
    "FundingTableForm": "sorts a list",
    "UserFilterForm": "a filter",
    "HistoryPageForm": "a page of the history",
    "TargetPickForm": "adds a target (a new record)",
    "IndicatorForm": "adds an indicator (a new record)",
    "ProposalDecisionForm": "a one-way decision, refused once decided",
    "ParticipantAddForm": "adds a participant (a new record)",
    "InviteForm": "creates an account",
    "MemberInviteForm": "creates an account",
    "InterventionFilterForm": "filters a list",
    "ExampleFilterForm": "filters a list",
    "ExampleUseForm": "creates an intervention from an example (a new record)",
    "ImportForm": "uploads a file of new interventions",
    "CommentForm": "adds a comment (a new record)",
    "LimitedPasswordResetForm": "asks for a password reset email",
    "MembershipForm": "adds a membership (a new record)",
    "InvitationAcceptForm": "sets a password once, through a single-use link",
    "CriterionForm": "a row of the scoring criteria page, versioned on the plan by its page",
    "ProgressForm": "submits a progress value (a new record)",
    "ProgressDecisionForm": "a one-way review decision, refused once decided or changed since",
    "ProgressFilterForm": "a filter",
    "StepCommentForm": "a workflow step, refused once the plan has moved on",
    "ChangeForm": "records a change to an adopted plan (a new record)",
    "ChangeRecordForm": "records a change made in a revision, naming its records (a new record)",
    "AdoptionForm": "a workflow step, refused once the plan has moved on",
    "SignForm": "a sign-off (a new record), refused once given",
    "TwoFactorCodeForm": "a code for the second step of signing in, or to confirm an app",
}


def _form_modules(app: str) -> list[str]:
    """An app's ``forms`` module and any other ``…_forms`` module beside it."""
    try:
        package = importlib.import_module(app)
    except ModuleNotFoundError:
        return []
    return [
        f"{app}.{module.name}"
        for module in pkgutil.iter_modules(package.__path__)
        if module.name == "forms" or module.name.endswith("_forms")
    ]


def _project_forms() -> dict[str, type]:
    found = {}
    for app in APPS:
        for module_name in _form_modules(app):
            module = importlib.import_module(module_name)
            for name, cls in inspect.getmembers(module, inspect.isclass):
                if cls.__module__ == module.__name__ and issubclass(cls, forms.BaseForm):
                    assert name not in found, f"two forms named {name}: name them apart"
                    found[name] = cls
    return found


def test_forms_are_found_in_every_forms_module():
    """Guards the walk: the results framework's forms live beside the app's forms.py."""
    assert {"FrameworkForm", "IndicatorForm", "ResultIndicatorForm"} <= _project_forms().keys()


@dataclass(frozen=True)
class EditPage:
    url_name: str
    kwargs: Callable[[Cast], dict]
    role: str


def _plan_a(cast):
    return {"pk": cast.plan_a.pk}


def _target(cast):
    item = prioritised_target_add(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        target=Target.objects.get(code="10.7"),
        rationale="Labour migration governance",
    )
    return {"pk": cast.plan_a.pk, "item_pk": item.pk}


def _scored_target(cast):
    kwargs = _target(cast)
    item = PrioritisedTarget.objects.get(pk=kwargs["item_pk"])
    target_scores_set(
        actor=cast.coordinator_a,
        prioritised_target=item,
        expected_version=item.version,
        scores=dict.fromkeys(cast.plan_a.scoring_criteria.values_list("id", flat=True), 3),
    )
    return kwargs


def _proposal(cast):
    item = prioritised_target_add(
        actor=cast.editor_x,
        plan=cast.plan_a,
        target=Target.objects.get(code="8.7"),
        rationale="Forced labour among returnees",
        proposer_organisation=cast.ministry_x,
    )
    return {"pk": cast.plan_a.pk, "item_pk": item.pk}


def _plan_with_a_target(cast):
    _target(cast)
    return {"pk": cast.plan_a.pk}


def _framework(cast):
    _target(cast)
    framework = framework_create(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        framework=Framework(name="Labour Migration Policy", kind="plan", level="national"),
    )
    return {"pk": cast.plan_a.pk, "framework_pk": framework.pk}


def _consultation(cast):
    consultation = consultation_create(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        consultation=Consultation(
            held_on=date(2026, 1, 15), kind="review_workshop", title="Review workshop"
        ),
        organisations=[cast.lead_ministry],
        prioritised_targets=[],
        frameworks=[],
    )
    return {"pk": cast.plan_a.pk, "consultation_pk": consultation.pk}


def _intervention(cast):
    from tests.test_url_matrix import _intervention_kwargs

    return _intervention_kwargs(cast)


def _participation_y(cast):
    participation = cast.plan_a.participations.get(organisation=cast.ministry_y)
    return {"pk": cast.plan_a.pk, "participation_pk": participation.pk}


def _result_indicator(cast):
    prioritised = PrioritisedTarget.objects.get(pk=_target(cast)["item_pk"])
    intervention = intervention_create(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        intervention=Intervention(
            title="Fair recruitment",
            level="programme",
            sector="labour",
            lead_organisation=cast.ministry_x,
        ),
        links=Links(targets={prioritised.pk: "Lowers recruitment costs"}),
    )
    indicator = indicator_create(
        actor=cast.coordinator_a,
        intervention=intervention,
        indicator=ResultIndicator(name="Workers recruited fairly", unit="people"),
        target_values={2030: Decimal(300)},
    )
    return {"pk": cast.plan_a.pk, "intervention_pk": intervention.pk, "indicator_pk": indicator.pk}


def _returned_progress(cast):
    from tests.test_url_matrix import _returned_progress

    return {"pk": cast.plan_a.pk, "progress_pk": _returned_progress(cast).pk}


def _funding(name: str):
    def kwargs(cast):
        from tests import test_url_matrix

        return getattr(test_url_matrix, name)(cast)

    return kwargs


def _strategy(cast):
    """An intervention whose strategy was written once (a first save has nothing to
    conflict with)."""
    from funding.services import strategy_save
    from tests.test_url_matrix import _intervention_kwargs, _intervention_of_x

    strategy_save(
        actor=cast.coordinator_a,
        intervention=_intervention_of_x(cast),
        expected_version=0,
        data={"strategy": "Ask the EU facility", "partners_to_approach": []},
    )
    return _intervention_kwargs(cast)


def _localisation_target(cast):
    """A plan whose localisation target was set once (a first save has nothing to
    conflict with)."""
    from funding.services import localisation_target_save

    localisation_target_save(
        actor=cast.coordinator_a,
        plan=cast.plan_a,
        expected_version=0,
        data={"of_committed": Decimal(25), "of_disbursed": None},
    )
    return {"pk": cast.plan_a.pk}


def _capacity_need_with_interventions(cast):
    """A need of plan A, with an intervention of the plan to address it."""
    from tests.test_url_matrix import _intervention_of_x, _need_kwargs

    _intervention_of_x(cast)
    return _need_kwargs(cast)


def _membership_x(cast):
    return {"pk": cast.ministry_x.pk, "membership_pk": cast.editor_x.memberships.get().pk}


# The page of each versioned edit form, and who uses it.
EDIT_PAGES = {
    "ActionPlanForm": EditPage("plan_edit", _plan_a, "coordinator_a"),
    "OrganisationForm": EditPage(
        "organisation_edit", lambda cast: {"pk": cast.ministry_x.pk}, "administrator"
    ),
    "OrganisationProfileForm": EditPage(
        "organisation_edit", lambda cast: {"pk": cast.lead_ministry.pk}, "coordinator_a"
    ),
    "RoleForm": EditPage("organisation_member_edit", _membership_x, "coordinator_x"),
    "LeadArrangementForm": EditPage("lead_arrangement_edit", _plan_a, "coordinator_a"),
    "ParticipantEditForm": EditPage("participant_edit", _participation_y, "coordinator_a"),
    "PrioritisedTargetForm": EditPage("prioritised_target_edit", _target, "coordinator_a"),
    "BaselineForm": EditPage("prioritised_target_baseline", _target, "editor_s"),
    "ProposalForm": EditPage("proposal_edit", _proposal, "editor_x"),
    "ScoresForm": EditPage("prioritised_target_scores", _scored_target, "coordinator_a"),
    "CriteriaFormSet": EditPage("scoring_criteria_edit", _plan_with_a_target, "coordinator_a"),
    "FrameworkForm": EditPage("framework_edit", _framework, "coordinator_a"),
    "AssessmentsForm": EditPage("framework_assess", _framework, "coordinator_a"),
    "ConsultationForm": EditPage("consultation_edit", _consultation, "coordinator_a"),
    "InterventionForm": EditPage("intervention_edit", _intervention, "editor_x"),
    "StatusForm": EditPage("intervention_status", _intervention, "editor_x"),
    "ResultIndicatorForm": EditPage("result_indicator_edit", _result_indicator, "editor_x"),
    "ProgressCorrectionForm": EditPage("progress_correct", _returned_progress, "editor_y"),
    "SourceForm": EditPage("funding_source_edit", _funding("_source_kwargs"), "editor_x"),
    "CommitmentForm": EditPage("commitment_edit", _funding("_commitment_kwargs"), "editor_x"),
    "DisbursementForm": EditPage(
        "commitment_disbursement", _funding("_commitment_kwargs"), "editor_x"
    ),
    "StrategyForm": EditPage("mobilisation_strategy_edit", _strategy, "editor_x"),
    "EngagementForm": EditPage("engagement_edit", _funding("_engagement_kwargs"), "coordinator_a"),
    "LocalisationTargetForm": EditPage(
        "localisation_target_edit", _localisation_target, "coordinator_a"
    ),
    "CapacityNeedForm": EditPage("capacity_need_edit", _funding("_need_kwargs"), "coordinator_x"),
    "CapacityNeedAddressingForm": EditPage(
        "capacity_need_addressing", _capacity_need_with_interventions, "coordinator_a"
    ),
}


def test_every_form_is_a_versioned_edit_or_says_why_not():
    unplaced = []
    for name, cls in _project_forms().items():
        versioned = issubclass(cls, VersionedForm | VersionedModelForm)
        if versioned and name not in EDIT_PAGES:
            unplaced.append(f"{name}: a versioned form with no edit page in EDIT_PAGES")
        if not versioned and name not in NOT_AN_EDIT and name not in EDIT_PAGES:
            unplaced.append(f"{name}: an edit form must use the versioned-edit contract")
    assert unplaced == []


def _value(bound_field):
    value = bound_field.value()
    if isinstance(bound_field.field, forms.FileField):
        return None  # a file input comes back empty unless a file is chosen again
    if isinstance(bound_field.field.widget, forms.CheckboxInput):
        return "on" if value else None
    if value is None:
        return ""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, list | tuple | models.QuerySet):
        return [getattr(item, "pk", item) for item in value]
    return value


def _page_data(context) -> dict:
    """What the browser would send back for the page as opened: every field's value."""
    data = {}
    every_form = [context["form"]]
    if formset := context.get("formset"):
        every_form += [formset.management_form, *formset.forms]
    for form in every_form:
        for bound_field in form:
            value = _value(bound_field)
            if value is not None:
                data[bound_field.html_name] = value
    return data


def _text_field(form) -> str | None:
    """A free-text field to type into, to see the input kept."""
    for bound_field in form.visible_fields():
        field = bound_field.field
        if type(field) is forms.CharField and not getattr(field, "choices", None):
            return bound_field.html_name
    return None


@pytest.mark.parametrize("form_name", sorted(EDIT_PAGES))
def test_a_stale_save_shows_the_conflict_screen_and_keeps_the_input(
    client, cast, catalogue, form_name
):
    page = EDIT_PAGES[form_name]
    kwargs = page.kwargs(cast)
    url = reverse(page.url_name, kwargs=kwargs)
    client.force_login(cast.user(page.role))
    opened = client.get(url)
    assert opened.status_code == 200
    assert 'type="hidden" name="version"' in opened.content.decode()  # the page carries it
    data = _page_data(opened.context)
    current_version = int(data["version"])
    data["version"] = current_version - 1  # someone saved since the user opened the page
    typed = _text_field(opened.context["form"])
    if typed:
        data[typed] = "Typed by the user who opened the page first"

    response = client.post(url, data)

    assert response.status_code == 200
    form = response.context["form"]
    assert any(error.code == "conflict" for error in form.non_field_errors().as_data())
    assert form["version"].value() == current_version  # submitting again replaces on purpose
    assert response.context["saved_values"] is not None
    if typed:
        assert "Typed by the user who opened the page first" in response.content.decode()
    reopened = client.get(url)
    assert int(_page_data(reopened.context)["version"]) == current_version  # nothing saved


@pytest.mark.parametrize("form_name", sorted(EDIT_PAGES))
def test_a_post_without_a_version_is_a_form_error(client, cast, catalogue, form_name):
    page = EDIT_PAGES[form_name]
    url = reverse(page.url_name, kwargs=page.kwargs(cast))
    client.force_login(cast.user(page.role))
    opened = client.get(url)
    data = _page_data(opened.context)
    version = data.pop("version")

    response = client.post(url, data)

    assert response.status_code == 200
    assert "This form is out of date" in response.content.decode()
    reopened = client.get(url)
    assert _page_data(reopened.context)["version"] == version


def test_the_race_bench_races_every_edit_page():
    """bench/race_runner.py races two browsers on each page of EDIT_PAGES; a form added
    here and not there would go unmeasured."""
    from pathlib import Path

    bench = (Path(__file__).resolve().parent.parent / "bench" / "race_runner.py").read_text()
    raced = set(re.findall(r'EditPage\(\s*"(\w+)"', bench))
    assert raced == set(EDIT_PAGES)


@pytest.mark.parametrize(
    "form_name",
    sorted(
        name
        for name, page in EDIT_PAGES.items()
        # organisations are not a plan's; the log of meetings with funding partners and
        # the money disbursed go on whatever the plan's status (funding.rules
        # ENGAGEMENT_LOG, DISBURSEMENT_RECORD), as do the local actors' capacity needs
        # (CAPACITY_NEED_STATE, CAPACITY_NEED_ADDRESS) and progress (interventions.rules
        # PROGRESS_RECORD)
        if "organisation" not in page.url_name
        and "engagement" not in page.url_name
        and "capacity_need" not in page.url_name
        and "disbursement" not in page.url_name
        and "progress" not in page.url_name
    ),
)
def test_a_plan_in_validation_is_read_only_on_every_edit_page(client, cast, catalogue, form_name):
    """While a plan is in validation (or validated, or adopted) no edit page saves: a
    page opened before the plan was submitted answers that the plan cannot change now,
    says why, and gives back what was typed; nothing is saved."""
    from action_plans.models import ActionPlan, PlanStatus

    page = EDIT_PAGES[form_name]
    url = reverse(page.url_name, kwargs=page.kwargs(cast))
    client.force_login(cast.user(page.role))
    opened = client.get(url)
    data = _page_data(opened.context)
    typed = _text_field(opened.context["form"])
    if typed:
        data[typed] = "Typed while the plan is in validation"
    ActionPlan.objects.filter(pk=cast.plan_a.pk).update(status=PlanStatus.IN_VALIDATION)

    response = client.post(url, data)

    assert response.status_code == 409, "refused, not redirected as saved"
    page = response.content.decode()
    assert "The plan cannot be changed now" in page
    assert "This plan is in validation: its content is read-only" in page
    if typed:
        assert "Typed while the plan is in validation" in page, "what was typed, to copy"
    assert client.get(url).status_code == 409, "the edit page is no longer offered"
    ActionPlan.objects.filter(pk=cast.plan_a.pk).update(status=PlanStatus.DRAFT)
    reopened = client.get(url)
    assert _page_data(reopened.context)["version"] == _page_data(opened.context)["version"]


SAMPLED = 30  # options tried at most per field: a list of 155 currencies is tried in steps


def _offered_choices(form) -> list[tuple[str, str, bool]]:
    """Every (field, value, many) a page's selects and radios offer, a long list sampled."""
    offered = []
    for bound_field in form.visible_fields():
        field = bound_field.field
        if not hasattr(field, "choices"):
            continue
        values = [str(value) for value, _label in field.choices if str(value) != ""]
        step = max(1, len(values) // SAMPLED)
        many = isinstance(field, forms.MultipleChoiceField | forms.ModelMultipleChoiceField)
        offered += [(bound_field.html_name, value, many) for value in values[::step]]
    return offered


@pytest.mark.parametrize("form_name", sorted(EDIT_PAGES))
def test_every_choice_offered_saves_and_saves_again_unchanged(client, cast, catalogue, form_name):
    """Each choice an edit page offers, saved as the user would (the rest as the page
    shows it), then the page opened again and saved unchanged: a message on a field or a
    save, never an error page (a choice that made its own field fail on the next save
    once left an indicator unsavable)."""
    from governance.services.participations import participation_add

    # An organisation in two plans: a choice joined through participations comes twice.
    participation_add(
        actor=cast.administrator,
        plan=cast.plan_b,
        organisation=cast.ministry_y,
        signatory_required=False,
    )
    page = EDIT_PAGES[form_name]
    url = reverse(page.url_name, kwargs=page.kwargs(cast))
    client.force_login(cast.user(page.role))
    offered = _offered_choices(client.get(url).context["form"])
    saved = 0
    for name, value, many in offered:
        with transaction.atomic():
            data = _page_data(client.get(url).context)
            data[name] = [value] if many else value
            chosen = client.post(url, data)
            assert chosen.status_code in {200, 302}, f"{name}={value}: {chosen.status_code}"
            if chosen.status_code == 302:
                saved += 1
                reopened = client.get(url)
                if reopened.status_code == 200:  # still the user's to change
                    again = client.post(url, _page_data(reopened.context))
                    assert again.status_code in {200, 302}, f"{name}={value} saved again"
            transaction.set_rollback(True)
    assert saved or not offered, "no choice could be saved: the crawl would prove nothing"
