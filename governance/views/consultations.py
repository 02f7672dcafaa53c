"""A plan's consultation log: workshops and meetings, who was there, what was decided."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from action_plans.models import ActionPlan
from action_plans.permissions import PlanAction, get_plan_for_user_or_404
from governance import selectors, services
from governance.forms import ConsultationFilterForm, ConsultationForm
from governance.models import Consultation
from msd_planner.lib.concurrency import EditConflict, form_after_conflict, saved_values
from msd_planner.lib.errors import ObjectHidden
from msd_planner.lib.pagination import paginate


def _consultation(
    request: HttpRequest, pk: int, consultation_pk: int, action: PlanAction
) -> Consultation:
    """Fetch-and-authorise a consultation: through the plan, never by id alone."""
    plan = get_plan_for_user_or_404(request.user, pk, action)
    consultation = selectors.plan_consultation(plan, consultation_pk)
    if consultation is None:
        raise ObjectHidden(action, f"consultation {consultation_pk}")
    consultation.plan = plan  # carries the user's actions on the plan
    return consultation


@login_required
def consultation_list(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user_or_404(request.user, pk, PlanAction.VIEW)
    form = ConsultationFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    consultations = selectors.plan_consultations(plan, kind=filters.get("kind", ""))
    return render(
        request,
        "governance/consultation_list.html",
        {
            "plan": plan,
            "form": form,
            "page": paginate(request, consultations),
            "is_filtered": bool(filters.get("kind")),
            "may_change": PlanAction.CHANGE in plan.user_actions,
        },
    )


@login_required
def consultation_detail(request: HttpRequest, pk: int, consultation_pk: int) -> HttpResponse:
    consultation = _consultation(request, pk, consultation_pk, PlanAction.VIEW)
    return render(
        request,
        "governance/consultation_detail.html",
        {
            "plan": consultation.plan,
            "consultation": consultation,
            "may_change": PlanAction.CHANGE in consultation.plan.user_actions,
        },
    )


def _consultation_form_page(
    request: HttpRequest, plan: ActionPlan, consultation: Consultation | None
) -> HttpResponse:
    instance = consultation or Consultation(plan=plan)
    form = ConsultationForm(request.POST or None, instance=instance, plan=plan)
    summary = None
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.consultation_save(
                actor=request.user, plan=plan, consultation=form.consultation(), **form.links()
            )
        except EditConflict as conflict:
            form = form_after_conflict(
                lambda data, instance: ConsultationForm(data, instance=instance, plan=plan),
                request.POST,
                conflict,
            )
            summary = saved_values(form, conflict.current)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, _("Consultation “%(title)s” saved.") % {"title": saved})
            return redirect("consultation_detail", plan.pk, saved.pk)
    return render(
        request,
        "governance/consultation_form.html",
        {"plan": plan, "form": form, "consultation": consultation, "saved_values": summary},
    )


@login_required
def consultation_create(request: HttpRequest, pk: int) -> HttpResponse:
    plan = get_plan_for_user_or_404(request.user, pk, PlanAction.CHANGE)
    return _consultation_form_page(request, plan, None)


@login_required
def consultation_edit(request: HttpRequest, pk: int, consultation_pk: int) -> HttpResponse:
    consultation = _consultation(request, pk, consultation_pk, PlanAction.CHANGE)
    return _consultation_form_page(request, consultation.plan, consultation)


@login_required
def consultation_delete(request: HttpRequest, pk: int, consultation_pk: int) -> HttpResponse:
    consultation = _consultation(request, pk, consultation_pk, PlanAction.CHANGE)
    if request.method == "POST":
        services.consultation_delete(actor=request.user, consultation=consultation)
        messages.success(request, _("Consultation “%(title)s” deleted.") % {"title": consultation})
        return redirect("consultation_list", pk)
    return render(
        request,
        "confirm.html",
        {
            "plan": consultation.plan,
            "title": _("Delete the consultation “%(title)s”?") % {"title": consultation},
            "consequences": [
                _("It is removed from the plan's consultation log."),
                _("The record of who entered and changed it stays in the history."),
            ],
            "button": _("Delete consultation"),
            "cancel_url": reverse("consultation_detail", args=[pk, consultation.pk]),
        },
    )
