"""The consultation log: workshops and meetings, who was there, what was decided."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
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
from action_plans.policy import RecordRule
from msd_planner.lib.pages import confirmation_page, remove_and_tell
from msd_planner.lib.pagination import paginate
from msd_planner.lib.types import UserRequest
from msd_planner.lib.versioned_edit import VersionedEdit
from targets import selectors, services
from targets.forms import (
    ConsultationFilterForm,
    ConsultationForm,
)
from targets.models import Consultation
from targets.rules import CONSULTATION_EDIT


def _consultation(
    request: HttpRequest, pk: int, consultation_pk: int, action: PlanAction | RecordRule
) -> PlanObjectAccess[Consultation]:
    return plan_object_for_user_or_404(
        request.user, pk, selectors.consultations_with_links(), consultation_pk, action
    )


@require_http_methods(["GET", "POST"])
@login_required
def consultation_list(request: UserRequest, pk: int) -> HttpResponse:
    access = plan_for_user_or_404(request.user, pk, PlanAction.VIEW)
    form = ConsultationFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    consultations = selectors.plan_consultations(access.plan, kind=filters.get("kind", ""))
    return render(
        request,
        "targets/consultation_list.html",
        {
            **access.context,
            "form": form,
            "page": paginate(request, consultations),
            "is_filtered": bool(filters.get("kind")),
            "may_record": access.may_edit(PlanAction.CONTRIBUTE),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def consultation_detail(request: UserRequest, pk: int, consultation_pk: int) -> HttpResponse:
    access = _consultation(request, pk, consultation_pk, PlanAction.VIEW)
    return render(
        request,
        "targets/consultation_detail.html",
        {
            **access.context,
            "consultation": access.object,
            "may_edit": access.may_on(CONSULTATION_EDIT, access.object),
            "may_delete": access.may_edit(PlanAction.CHANGE),
        },
    )


def _acting_for(access: PlanAccess) -> frozenset[int] | None:
    """Whose consultations the user records: any, for the plan's coordinators; else those
    their own organisations took part in."""
    return None if access.may(CONSULTATION_EDIT.action) else access.organisation_ids


def _consultation_form_page(request, access: PlanAccess, edit: VersionedEdit, consultation=None):
    return render(
        request,
        "targets/consultation_form.html",
        {**access.context, **edit.context, "consultation": consultation},
    )


@require_http_methods(["GET", "POST"])
@login_required
def consultation_create(request: UserRequest, pk: int) -> HttpResponse:
    access = plan_for_user_or_404(request.user, pk, PlanAction.CONTRIBUTE)
    edit = VersionedEdit(
        request,
        lambda data, _current: ConsultationForm(
            data,
            instance=Consultation(plan=access.plan),
            plan=access.plan,
            acting_for=_acting_for(access),
        ),
    )
    if edit.save(
        lambda form: services.consultation_create(
            actor=request.user,
            plan=access.plan,
            consultation=form.consultation(),
            **form.links(),
        )
    ):
        messages.success(request, _("Consultation “%(title)s” saved.") % {"title": edit.result})
        return redirect("consultation_detail", pk, edit.result.pk)
    return _consultation_form_page(request, access, edit)


@require_http_methods(["GET", "POST"])
@login_required
def consultation_edit(request: UserRequest, pk: int, consultation_pk: int) -> HttpResponse:
    access = _consultation(request, pk, consultation_pk, CONSULTATION_EDIT)
    consultation = access.object
    edit = VersionedEdit(
        request,
        lambda data, current: ConsultationForm(
            data, instance=current, plan=access.plan, acting_for=_acting_for(access)
        ),
        consultation,
    )
    if edit.save(
        lambda form: services.consultation_update(
            actor=request.user,
            consultation=consultation,
            expected_version=form.cleaned_data["version"],
            data=form.edited_values(),
        )
    ):
        title = edit.result.instance
        messages.success(request, _("Consultation “%(title)s” saved.") % {"title": title})
        return redirect("consultation_detail", pk, consultation.pk)
    return _consultation_form_page(request, access, edit, consultation)


@require_http_methods(["GET", "POST"])
@login_required
def consultation_delete(request: UserRequest, pk: int, consultation_pk: int) -> HttpResponse:
    access = _consultation(request, pk, consultation_pk, PlanAction.CHANGE)
    consultation = access.object
    if request.method == "POST":
        remove_and_tell(
            request,
            lambda: services.consultation_delete(actor=request.user, consultation=consultation),
            done=_("Consultation “%(title)s” deleted.") % {"title": consultation},
        )
        return redirect("consultation_list", pk)
    return confirmation_page(
        request,
        access.context,
        title=_("Delete the consultation “%(title)s”?") % {"title": consultation},
        consequences=[
            _("It is removed from the plan's consultation log."),
            _("The record of who entered and changed it stays in the history."),
        ],
        button=_("Delete consultation"),
        cancel_url=reverse("consultation_detail", args=[pk, consultation.pk]),
    )
