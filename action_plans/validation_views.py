"""The plan's validation page and its workflow steps: submit, withdraw, adopt, open a
revision (signing is governance's page). Each step is one service of
``action_plans.workflow``; irreversible ones go through a confirmation page."""

from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from action_plans import selectors, snapshot, workflow
from action_plans.derived import derived
from action_plans.document_views import tell_if_not_queued
from action_plans.documents import change_log, version_document
from action_plans.forms import AdoptionForm, ChangeForm, ChangeRecordForm, StepCommentForm
from action_plans.hooks import PlanPage, plan_page, record_links, validation_policy
from action_plans.models import (
    ActionPlan,
    DocumentEdition,
    DocumentFormat,
    PlanChange,
    PlanStatus,
    PlanVersion,
    VersionStatus,
)
from action_plans.permissions import (
    PlanAccess,
    PlanAction,
    plan_for_user_or_404,
    plan_object_for_user_or_404,
)
from msd_planner.lib.errors import PlanClosed
from msd_planner.lib.pages import confirmation_page
from msd_planner.lib.pagination import paginate
from msd_planner.lib.types import UserRequest
from msd_planner.lib.versioned_edit import add_service_error

TRANSITIONS_SHOWN = 50  # the latest steps of the plan's workflow, on its validation page


@require_http_methods(["GET", "POST"])
@login_required
def plan_validation(request: HttpRequest, pk: int) -> HttpResponse:
    access = plan_for_user_or_404(request.user, pk, PlanAction.VIEW)
    plan = access.plan
    policy = validation_policy()
    version = workflow.open_version(plan)
    shown = version or selectors.latest_version(plan)
    signatures = policy.signatures(plan, shown)
    readiness = workflow.plan_readiness(plan) if plan.status == PlanStatus.DRAFT else None
    may_change = access.may(PlanAction.CHANGE)
    official = workflow.official_version(plan)
    revision = readiness.revision if readiness else None
    pending = list(workflow.pending_changes(plan)) if plan.status == PlanStatus.DRAFT else []
    if revision is not None and pending:
        _name_records(pending, workflow.draft_snapshot(plan), revision.official)
    explain_form = None
    if revision is not None and revision.unexplained and may_change:
        explain_form = ChangeRecordForm()
        explain_form.offer(revision.unexplained)
    return render(
        request,
        "action_plans/plan_validation.html",
        {
            **access.context,
            "readiness": readiness,
            "version": shown,
            "open_version": version,
            "official": official,
            "official_document": version_document(official) if official else None,
            "validation_document": version_document(shown, DocumentEdition.FOR_VALIDATION)
            if shown
            else None,
            "preview": selectors.plan_preview_document(plan),
            # the validated version's PDF, before its adoption makes it the official one
            "version_document": version_document(shown) if shown and shown != official else None,
            "versions": selectors.plan_versions(plan),
            "signatures": signatures,
            "approved": sum(1 for row in signatures if row.decision == "approve"),
            # why each organisation must sign is known while the version is in validation
            "with_reasons": any(row.required.reason for row in signatures),
            "transitions": selectors.plan_transitions(plan, limit=TRANSITIONS_SHOWN),
            "pending_changes": pending,
            "revision": revision,
            "explain_form": explain_form,
            "steps": {
                step.value
                for step in workflow.steps_from(plan.status)
                if may_change and workflow.TRANSITIONS[step].action == PlanAction.CHANGE
            },
            "sign_url": plan_page(PlanPage.SIGN, plan)
            if plan.status == PlanStatus.IN_VALIDATION and policy.signable(request.user, plan)
            else "",
        },
    )


def _name_records(changes: list[PlanChange], draft: dict[str, Any], official: PlanVersion) -> None:
    """Give each change of a change log the records it explains, in words
    (``change.subjects``): found in the ``draft``'s snapshot, else (a record the revision
    removed) among the ``official`` version's stored records."""
    keys = {key for change in changes for key in change.records}
    subjects = snapshot.record_subjects([draft], keys)
    if missing := keys - subjects.keys():
        subjects |= snapshot.version_record_subjects(official, missing)
    for change in changes:
        change.subjects = [subjects[key] for key in change.records if key in subjects]  # type: ignore[attr-defined]  # for the page


T = TypeVar("T")

DRAFT = "draft"  # the plan as it is now, in the comparison
RECORDS_PER_PAGE = 50  # of a version's section


def _back(pk: int) -> str:
    return reverse("plan_validation", args=[pk])


def _step_access(request: HttpRequest, pk: int, step: str) -> PlanAccess:
    """Authorise a workflow step: the step's page is offered only while the step applies
    to the plan's status (``workflow.step_applies``); otherwise a page says why."""
    access = plan_for_user_or_404(request.user, pk, PlanAction.CHANGE, any_status=True)
    if not workflow.step_applies(access.plan, step):
        raise PlanClosed(
            str(step),
            f"plan {pk}",
            {**access.context, "reason": workflow.step_refusal(access.plan, step)},
        )
    return access


def _refused(request: HttpRequest, error: ValidationError) -> None:
    messages.error(request, " ".join(error.messages))


@require_http_methods(["GET", "POST"])
@login_required
def plan_submit(request: UserRequest, pk: int) -> HttpResponse:
    access = _step_access(request, pk, workflow.Step.SUBMIT)
    if request.method == "POST":
        try:
            version = workflow.plan_submit(actor=request.user, plan=access.plan)
        except ValidationError as error:
            _refused(request, error)
        else:
            messages.success(
                request,
                _("Version %(number)s is in validation.") % {"number": version.number},
            )
        return redirect(_back(pk))
    required = validation_policy().required(access.plan)
    readiness = workflow.plan_readiness(access.plan)
    return confirmation_page(
        request,
        access.context,
        title=_("Submit the plan for validation?"),
        consequences=[
            _(
                "A numbered version is made, and the plan's content becomes read-only for "
                "everyone until it is validated, withdrawn or changes are requested."
            ),
            _("The signatories of these organisations are asked to approve it: %(names)s.")
            % {"names": ", ".join(item.name for item in required) or "—"},
        ],
        button=_("Submit for validation"),
        cancel_url=_back(pk),
        blockers=readiness.blocking,
    )


def _step_page(
    request: HttpRequest,
    pk: int,
    form_class: type[forms.Form],
    take: Callable[[ActionPlan, dict[str, Any]], T],
    *,
    step: str,
    done: Callable[[T], str],
    title: str | Callable[[ActionPlan], str],
    intro: str,
    button: str,
    form_kwargs: Callable[[ActionPlan], dict[str, Any]] | None = None,
) -> HttpResponse:
    """A workflow step taken through a small form: ``take(plan, cleaned_data)`` calls the
    step's service; ``done(result)`` is the message once it is taken; ``title`` is the
    page's title, or ``title(plan)`` makes it; ``form_kwargs(plan)``, what else the form
    is given. ``step`` is offered only while it applies."""
    access = _step_access(request, pk, step)
    form = form_class(request.POST or None, **(form_kwargs(access.plan) if form_kwargs else {}))
    if request.method == "POST" and form.is_valid():
        try:
            result = take(access.plan, form.cleaned_data)
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, done(result))
            tell_if_not_queued(request, access.plan)
            return redirect(_back(pk))
    return render(
        request,
        "action_plans/plan_step_form.html",
        {
            **access.context,
            "form": form,
            "step_title": title(access.plan) if callable(title) else title,
            "intro": intro,
            "button": button,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def plan_withdraw(request: UserRequest, pk: int) -> HttpResponse:
    return _step_page(
        request,
        pk,
        StepCommentForm,
        lambda plan, data: workflow.plan_withdraw(
            actor=request.user, plan=plan, comment=data["comment"]
        ),
        step=workflow.Step.WITHDRAW,
        done=lambda _plan: _("The plan is withdrawn from validation: it is a draft again."),
        title=_("Withdraw the plan from validation"),
        intro=_(
            "The version in validation is set aside with the sign-offs given; the plan "
            "becomes a draft again, to change and submit anew."
        ),
        button=_("Withdraw from validation"),
    )


@require_http_methods(["GET", "POST"])
@login_required
def plan_adopt(request: UserRequest, pk: int) -> HttpResponse:
    def title(plan: ActionPlan) -> str:
        version = workflow.open_version(plan)
        return _("Adopt version %(number)s") % {"number": version.number if version else "—"}

    return _step_page(
        request,
        pk,
        AdoptionForm,
        lambda plan, data: workflow.plan_adopt(
            actor=request.user,
            plan=plan,
            adoption_date=data["adoption_date"],
            reference=data["reference"],
        ),
        step=workflow.Step.ADOPT,
        done=lambda adopted: (
            _("Version %(number)s is adopted: it is the official plan.")
            % {"number": adopted.number}
        ),
        title=title,
        intro=_(
            "The validated version becomes the official plan, with the date and the act "
            "that adopted it. The version adopted before it is superseded."
        ),
        button=_("Adopt the plan"),
        form_kwargs=_adoption_range,
    )


def _adoption_range(plan: ActionPlan) -> dict[str, date | None]:
    earliest, latest = workflow.adoption_dates(plan)
    return {"earliest": earliest, "latest": latest}


@require_http_methods(["GET", "POST"])
@login_required
def plan_revision_open(request: UserRequest, pk: int) -> HttpResponse:
    return _step_page(
        request,
        pk,
        ChangeForm,
        lambda plan, data: workflow.plan_revision_open(
            actor=request.user, plan=plan, reason=data["reason"], text=data["text"]
        ),
        step=workflow.Step.OPEN_REVISION,
        done=lambda _plan: _(
            "The plan is open for revision. The adopted version stays the official one "
            "until its successor is adopted."
        ),
        title=_("Open the plan for revision"),
        intro=_(
            "The plan becomes a draft again, to add interventions or change them; the "
            "adopted version stays the official plan until the revision is adopted."
        ),
        button=_("Open a revision"),
    )


@require_http_methods(["GET", "POST"])
@login_required
def plan_change_record(request: UserRequest, pk: int) -> HttpResponse:
    """A change of the revision with its reason and the differences it explains; the
    differences still without a reason are offered (the service checks the keys posted
    against the draft as it is then)."""
    access = _step_access(request, pk, workflow.RECORD_CHANGE)
    form = ChangeRecordForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            workflow.plan_change_record(
                actor=request.user,
                plan=access.plan,
                reason=form.cleaned_data["reason"],
                text=form.cleaned_data["text"],
                records=form.cleaned_data.get("records") or [],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(request, _("The change is recorded in the revision's change log."))
            return redirect(_back(pk) + "#changes")
    revision = workflow.revision_changes(access.plan)
    form.offer(revision.unexplained if revision else [])
    return render(
        request,
        "action_plans/plan_step_form.html",
        {
            **access.context,
            "form": form,
            "step_title": _("Record a change to the adopted plan"),
            "intro": _(
                "Every change made in a revision is recorded with its reason and the "
                "differences from the official version it explains; the change log goes "
                "with the version the revision becomes."
            ),
            "button": _("Record the change"),
        },
    )


# --- versions, read from their snapshots -----------------------------------------------


@require_http_methods(["GET", "POST"])
@login_required
def version_detail(request: HttpRequest, pk: int, version_pk: int) -> HttpResponse:
    access = plan_object_for_user_or_404(request.user, pk, selectors.versions_shown(), version_pk)
    version = access.object
    # one section at a time, a page of its records at a time, read from the snapshot's
    # parts (and kept named): a large plan's version reads as fast as a small one's
    outline = snapshot.version_outline(version)
    current = next(
        (item for item in outline.sections if item.name == request.GET.get("section")),
        outline.sections[0] if outline.sections else None,
    )
    page = paginate(request, range(current.count if current else 0), per_page=RECORDS_PER_PAGE)
    others = selectors.other_versions(version)
    changes = list(change_log(version))
    if any(change.records for change in changes):
        subjects = snapshot.version_record_subjects(
            version, {key for change in changes for key in change.records}
        )
        for change in changes:
            change.subjects = [subjects[key] for key in change.records if key in subjects]  # type: ignore[attr-defined]  # for the page
    official = next((other for other in others if other.status == VersionStatus.ADOPTED), None)
    return render(
        request,
        "action_plans/version_detail.html",
        {
            **access.context,
            "version": version,
            "frozen_plan": outline.plan,
            "sections": outline.sections,
            "current": current,
            "page": page,
            # a page of a range of positions is a range of them
            "records": snapshot.version_records(
                version, outline, current.name, cast(range, page.object_list)
            )
            if current
            else [],
            "others": others,
            "official": official,
            # the official version first: the older of the two compared
            "official_is_older": official is not None
            and (official.major, official.minor) < (version.major, version.minor),
            "has_draft": access.plan.status == PlanStatus.DRAFT,
            "document": version_document(version),
            "validation_document": version_document(version, DocumentEdition.FOR_VALIDATION),
            "word_document": version_document(
                version, DocumentEdition.OFFICIAL, DocumentFormat.DOCX
            ),
            "changes": changes,
            # what the apps add to a version's page (files made from it, say)
            "record_links": record_links("version", version, access),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def version_compare(request: HttpRequest, pk: int) -> HttpResponse:
    """Two versions compared, read from their snapshots; "draft" as the newer one
    compares with the plan as it is now (a revision in progress)."""
    access = plan_for_user_or_404(request.user, pk, PlanAction.VIEW)
    plan = access.plan
    versions = list(selectors.plan_versions(plan))
    by_pk = {str(version.pk): version for version in versions}
    has_draft = plan.status == PlanStatus.DRAFT and bool(versions)
    older = by_pk.get(request.GET.get("from", ""))
    wanted = request.GET.get("to", "")
    newer = by_pk.get(wanted)
    draft = has_draft and (wanted == DRAFT or (not wanted and older is None))
    if older is None and versions:
        official = workflow.official_version(plan)
        older = official or versions[0]
        if not draft and newer is None and len(versions) >= 2:
            older, newer = versions[1], versions[0]
    changes = None
    if older is not None and newer is not None:
        changes = snapshot.versions_compared(older, newer)
    elif older is not None and draft:
        changes = _compared_with_draft(plan, older)
    return render(
        request,
        "action_plans/version_compare.html",
        {
            **access.context,
            "versions": versions,
            "older": older,
            "newer": newer,
            "draft": draft,
            "has_draft": has_draft,
            "changes": changes,
        },
    )


def _compared_with_draft(plan: ActionPlan, older: PlanVersion) -> list[snapshot.SectionChanges]:
    """``older`` compared with the draft, once per content revision of the plan (and
    language): a second view of it reads the cache, not the draft."""
    return derived(
        plan,
        f"compared-with-draft:{older.pk}",
        lambda plan: snapshot.compared_with(older, workflow.draft_snapshot(plan)),
    )
