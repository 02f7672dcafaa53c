"""The review of existing frameworks: the coherence matrix, a framework's form,
its assessment against the plan's prioritised targets, its removal."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from action_plans.permissions import (
    PlanAccess,
    PlanAction,
    PlanObjectAccess,
    plan_for_user_or_404,
    plan_object_for_user_or_404,
)
from msd_planner.lib.pages import confirmation_page, remove_and_tell
from msd_planner.lib.types import UserRequest
from msd_planner.lib.versioned_edit import VersionedEdit
from targets import selectors, services
from targets.forms import (
    AssessmentsForm,
    CoherenceFilterForm,
    FrameworkForm,
)


def _framework(request, pk: int, framework_pk: int, action: PlanAction) -> PlanObjectAccess:
    return plan_object_for_user_or_404(
        request.user, pk, selectors.frameworks_with_owner(), framework_pk, action
    )


@require_http_methods(["GET", "POST"])
@login_required
def coherence_matrix(request: UserRequest, pk: int) -> HttpResponse:
    access = plan_for_user_or_404(request.user, pk, PlanAction.VIEW)
    form = CoherenceFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    matrix = selectors.coherence_matrix(
        access.plan, kind=filters.get("kind", ""), coherence=filters.get("coherence", "")
    )
    return render(
        request,
        "targets/coherence_matrix.html",
        {
            **access.context,
            "form": form,
            "matrix": matrix,
            "may_change": access.may_edit(PlanAction.REVIEW_FRAMEWORKS),
        },
    )


def _framework_form_page(request, access: PlanAccess, edit: VersionedEdit, framework=None):
    return render(
        request,
        "targets/framework_form.html",
        {**access.context, **edit.context, "framework": framework},
    )


@require_http_methods(["GET", "POST"])
@login_required
def framework_create(request: UserRequest, pk: int) -> HttpResponse:
    access = plan_for_user_or_404(request.user, pk, PlanAction.REVIEW_FRAMEWORKS)
    edit = VersionedEdit(request, lambda data, _current: FrameworkForm(data))
    if edit.save(
        lambda form: services.framework_create(
            actor=request.user, framework=form.save(commit=False), plan=access.plan
        )
    ):
        messages.success(request, _("%(name)s saved.") % {"name": edit.result})
        return redirect("framework_assess", pk, edit.result.pk)
    return _framework_form_page(request, access, edit)


@require_http_methods(["GET", "POST"])
@login_required
def framework_edit(request: UserRequest, pk: int, framework_pk: int) -> HttpResponse:
    access = _framework(request, pk, framework_pk, PlanAction.REVIEW_FRAMEWORKS)
    framework = access.object
    edit = VersionedEdit(
        request, lambda data, current: FrameworkForm(data, instance=current), framework
    )
    if edit.save(
        lambda form: services.framework_update(
            actor=request.user,
            framework=framework,
            expected_version=form.cleaned_data["version"],
            data=form.edited_values(),
        )
    ):
        messages.success(request, _("%(name)s saved.") % {"name": edit.result.instance})
        return redirect("framework_assess", pk, framework.pk)
    return _framework_form_page(request, access, edit, framework)


@require_http_methods(["GET", "POST"])
@login_required
def framework_assess(request: UserRequest, pk: int, framework_pk: int) -> HttpResponse:
    access = _framework(request, pk, framework_pk, PlanAction.REVIEW_FRAMEWORKS)
    framework = access.object

    def build_form(data, current):
        targets, existing = selectors.framework_assessment_rows(current)
        return AssessmentsForm(data, targets=targets, existing=existing, version=current.version)

    edit = VersionedEdit(request, build_form, framework)
    if edit.save(
        lambda form: services.framework_assessments_set(
            actor=request.user,
            framework=framework,
            expected_version=form.cleaned_data["version"],
            assessments=form.assessments(),
        )
    ):
        messages.success(request, _("Assessment of %(name)s saved.") % {"name": framework})
        return redirect("coherence_matrix", pk)
    return render(
        request,
        "targets/framework_assess.html",
        {**access.context, **edit.context, "framework": framework},
    )


@require_http_methods(["GET", "POST"])
@login_required
def framework_delete(request: UserRequest, pk: int, framework_pk: int) -> HttpResponse:
    access = _framework(request, pk, framework_pk, PlanAction.REVIEW_FRAMEWORKS)
    framework = access.object
    if request.method == "POST":
        remove_and_tell(
            request,
            lambda: services.framework_delete(actor=request.user, framework=framework),
            done=_("%(name)s removed.") % {"name": framework},
        )
        return redirect("coherence_matrix", pk)
    return confirmation_page(
        request,
        access.context,
        title=_("Remove %(name)s from the review?") % {"name": framework},
        consequences=[_("Its assessments against the plan's targets are removed too.")],
        button=_("Remove framework"),
        cancel_url=reverse("coherence_matrix", args=[pk]),
    )
