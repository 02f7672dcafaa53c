"""The plan's interventions: the list, an intervention's page, its form, its removal, its
comments, and the coverage of the prioritised targets."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from action_plans import workflow
from action_plans.forms import change_reason_given
from action_plans.hooks import record_links
from action_plans.models import PlanStatus
from action_plans.permissions import (
    PlanAccess,
    PlanAction,
    PlanObjectAccess,
    plan_for_user_or_404,
    plan_object_for_user_or_404,
)
from action_plans.policy import RecordRule
from governance import selectors as governance_selectors
from interventions import library, selectors, services
from interventions.forms import CommentForm, InterventionFilterForm, InterventionForm, StatusForm
from interventions.models import Intervention
from interventions.rules import (
    INTERVENTION_COMMENT,
    INTERVENTION_EDIT,
    PROGRESS_RECORD,
    PROGRESS_REVIEW,
    lead_choices,
)
from interventions.snapshot import record_key
from msd_planner.lib.pages import confirmation_page, remove_and_tell
from msd_planner.lib.pagination import paginate, query_without
from msd_planner.lib.types import UserRequest
from msd_planner.lib.versioned_edit import VersionedEdit


def _intervention(
    request: HttpRequest, pk: int, intervention_pk: int, action: PlanAction | RecordRule
) -> PlanObjectAccess[Intervention]:
    return plan_object_for_user_or_404(
        request.user, pk, selectors.intervention_in_detail(), intervention_pk, action
    )


@require_http_methods(["GET", "POST"])
@login_required
def intervention_list(request: HttpRequest, pk: int) -> HttpResponse:
    access = plan_for_user_or_404(request.user, pk, PlanAction.VIEW)
    form = InterventionFilterForm(request.GET or None, plan=access.plan)
    filters = form.filters()
    sort = form.ordering()
    interventions = selectors.plan_interventions(access.plan, sort=sort, **filters)
    page = paginate(request, interventions)
    return render(
        request,
        "interventions/intervention_list.html",
        {
            **access.context,
            "form": form,
            "page": page,
            "rows": [
                # The status is edited in place where the user may change the intervention.
                (
                    intervention,
                    StatusForm(instance=intervention)
                    if access.may_on(INTERVENTION_EDIT, intervention)
                    else None,
                )
                for intervention in page.object_list
            ],
            "is_filtered": any(filters.values()),
            "may_create": access.may_edit(PlanAction.CONTRIBUTE),
            "sort": sort,
            "filter_query": query_without(request.GET, "sort", "page"),
            # those who lead monitoring see what waits for their review
            "waiting_for_review": selectors.progress_waiting_count(access.plan)
            if access.holds(PROGRESS_REVIEW, None)
            else None,
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def intervention_detail(request: HttpRequest, pk: int, intervention_pk: int) -> HttpResponse:
    access = _intervention(request, pk, intervention_pk, PlanAction.VIEW)
    intervention = access.object
    may_edit = access.may_on(INTERVENTION_EDIT, intervention)
    may_comment = access.may_on(INTERVENTION_COMMENT, intervention)
    return render(
        request,
        "interventions/intervention_detail.html",
        {
            **access.context,
            "intervention": intervention,
            "may_edit": may_edit,
            "may_remove": access.may_edit(PlanAction.CHANGE),
            "progress_indicators": {
                indicator.pk
                for indicator in intervention.indicators.all()
                if access.holds(INTERVENTION_EDIT, intervention)
                or access.may_on(PROGRESS_RECORD, indicator)
            },
            "may_review": access.holds(PROGRESS_REVIEW, None),
            "comment_form": CommentForm() if may_comment else None,
            "record_links": record_links("intervention", intervention, access),
        },
    )


def _explains(access: PlanAccess) -> bool:
    """In a revision's draft, those who record its changes give the reason on the form."""
    plan = access.plan
    return (
        plan.status == PlanStatus.DRAFT
        and access.may(PlanAction.CHANGE)
        and workflow.official_version(plan) is not None
    )


def _saved_with_reason(request, access: PlanAccess, form, write, instance):
    """``write()`` (the service), with the reason for the change recorded in the same
    transaction when the form gives one: (result, the change recorded or None)."""
    given = change_reason_given(form)
    if given is None:
        return write(), None
    reason, text = given
    return workflow.plan_change_made(
        actor=request.user,
        plan=access.plan,
        write=write,
        record_key=lambda result: record_key(instance(result).pk),
        reason=reason,
        text=text,
    )


def _tell_reason(request, form, change) -> None:
    if change is not None:
        messages.success(request, _("The reason is recorded in the revision's change log."))
    elif change_reason_given(form):
        messages.info(
            request,
            _(
                "The intervention does not differ from the official version: there is no "
                "change to record."
            ),
        )


def _form_page(request, access: PlanAccess, edit: VersionedEdit, intervention=None):
    return render(
        request,
        "interventions/intervention_form.html",
        {**access.context, **edit.context, "intervention": intervention},
    )


@require_http_methods(["GET", "POST"])
@login_required
def intervention_create(request: UserRequest, pk: int) -> HttpResponse:
    access = plan_for_user_or_404(request.user, pk, PlanAction.CONTRIBUTE)
    leads = lead_choices(access)
    explain = _explains(access)
    edit = VersionedEdit(
        request,
        lambda data, _current: InterventionForm(
            data,
            instance=Intervention(plan=access.plan),
            plan=access.plan,
            leads=leads,
            explain=explain,
        ),
    )
    if edit.save(
        lambda form: _saved_with_reason(
            request,
            access,
            form,
            lambda: services.intervention_create(
                actor=request.user,
                plan=access.plan,
                intervention=form.save(commit=False),
                links=form.links(),
            ),
            instance=lambda created: created,
        )
    ):
        created, change = edit.result
        messages.success(request, _("Intervention “%(title)s” saved.") % {"title": created})
        _tell_reason(request, edit.form, change)
        return redirect("intervention_detail", pk, created.pk)
    return _form_page(request, access, edit)


@require_http_methods(["GET", "POST"])
@login_required
def intervention_edit(request: UserRequest, pk: int, intervention_pk: int) -> HttpResponse:
    access = _intervention(request, pk, intervention_pk, INTERVENTION_EDIT)
    intervention = access.object
    # The current lead stays choosable for an editor (who keeps their intervention's lead).
    kept = () if access.may(INTERVENTION_EDIT.action) else (intervention.lead_organisation_id,)
    leads = governance_selectors.organisations_with(lead_choices(access), *kept)
    explain = _explains(access)
    edit = VersionedEdit(
        request,
        lambda data, current: InterventionForm(
            data, instance=current, plan=access.plan, leads=leads, explain=explain
        ),
        intervention,
    )
    if edit.save(
        lambda form: _saved_with_reason(
            request,
            access,
            form,
            lambda: services.intervention_update(
                actor=request.user,
                intervention=intervention,
                expected_version=form.cleaned_data["version"],
                data=form.edited_values(),
                links=form.links(),
            ),
            instance=lambda update: update.instance,
        )
    ):
        update, change = edit.result
        messages.success(request, _("Intervention “%(title)s” saved.") % {"title": update.instance})
        _tell_reason(request, edit.form, change)
        return redirect("intervention_detail", pk, intervention.pk)
    return _form_page(request, access, edit, intervention)


@require_http_methods(["GET", "POST"])
@login_required
def intervention_status(request: UserRequest, pk: int, intervention_pk: int) -> HttpResponse:
    """The quick edit of the status, inline in the list with htmx (the row's cell is
    swapped for the answer), or as a small page without JavaScript. Same checks and the
    same conflict handling as the full form."""
    access = _intervention(request, pk, intervention_pk, INTERVENTION_EDIT)
    intervention = access.object
    edit = VersionedEdit(
        request, lambda data, current: StatusForm(data, instance=current), intervention
    )
    saved = edit.save(
        lambda form: services.intervention_update(
            actor=request.user,
            intervention=intervention,
            expected_version=form.cleaned_data["version"],
            data=form.edited_values(),
        )
    )
    if saved and not request.htmx:
        messages.success(
            request, _("Intervention “%(title)s” saved.") % {"title": edit.result.instance}
        )
        return redirect("intervention_list", pk)
    context = {**access.context, **edit.context, "intervention": intervention, "saved": saved}
    if saved:  # the cell starts again from what is now saved
        intervention = edit.result.instance
        context.update(intervention=intervention, form=StatusForm(instance=intervention))
    if request.htmx:
        return render(request, "interventions/includes/status_answer.html", context)
    return render(request, "interventions/intervention_status.html", context)


@require_http_methods(["GET", "POST"])
@login_required
def intervention_remove(request: UserRequest, pk: int, intervention_pk: int) -> HttpResponse:
    access = _intervention(request, pk, intervention_pk, PlanAction.CHANGE)
    intervention = access.object
    if request.method == "POST":
        remove_and_tell(
            request,
            lambda: services.intervention_remove(actor=request.user, intervention=intervention),
            done=_("Intervention “%(title)s” removed.") % {"title": intervention},
        )
        return redirect("intervention_list", pk)
    return confirmation_page(
        request,
        access.context,
        title=_("Remove the intervention “%(title)s”?") % {"title": intervention},
        consequences=[
            _("Its links to targets, partners and beneficiaries go with it."),
            _("Its indicators and the progress recorded on them are removed too."),
            _(
                "The removal stays in the plan's history; to stop it but keep the record, set "
                "its status to “Dropped”."
            ),
        ],
        button=_("Remove intervention"),
        cancel_url=reverse("intervention_detail", args=[pk, intervention.pk]),
    )


@require_http_methods(["GET", "POST"])
@login_required
def comment_add(request: UserRequest, pk: int, intervention_pk: int) -> HttpResponse:
    """Posted from the intervention's page, which shows the thread (a GET goes there)."""
    access = _intervention(request, pk, intervention_pk, INTERVENTION_COMMENT)
    intervention = access.object
    thread = reverse("intervention_detail", args=[pk, intervention.pk]) + "#comments"
    if request.method == "GET":
        return redirect(thread)
    form = CommentForm(request.POST)
    if form.is_valid():
        try:
            services.comment_add(
                actor=request.user,
                intervention=intervention,
                text=form.cleaned_data["text"],
                organisation=selectors.commenting_organisation(
                    intervention, access.organisation_ids
                ),
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, _("Comment added."))
    else:
        messages.error(request, " ".join(str(error) for error in form.errors["text"]))
    return redirect(thread)


@require_http_methods(["GET", "POST"])
@login_required
def coverage(request: HttpRequest, pk: int) -> HttpResponse:
    access = plan_for_user_or_404(request.user, pk, PlanAction.VIEW)
    rows = selectors.coverage(access.plan)
    return render(
        request,
        "interventions/coverage.html",
        {
            **access.context,
            "rows": rows,
            "uncovered": [row for row in rows if not row.interventions],
            "with_examples": set(library.example_target_codes()),
            "may_create": access.may_edit(PlanAction.CONTRIBUTE),
        },
    )
