"""Example interventions to start from, and importing interventions from a file."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from action_plans.permissions import PlanAction, plan_for_user_or_404
from interventions import library, selectors
from interventions.library_forms import (
    ExampleFilterForm,
    ExampleUseForm,
    ImportForm,
)
from interventions.models import BeneficiaryGroup, InterventionLevel, Sector
from interventions.rules import lead_choices
from msd_planner.lib.types import UserRequest
from msd_planner.lib.versioned_edit import add_service_error

CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


@require_http_methods(["GET", "POST"])
@login_required
def example_list(request: UserRequest, pk: int) -> HttpResponse:
    if request.method != "GET":
        return HttpResponseNotAllowed(["GET"])
    access = plan_for_user_or_404(request.user, pk, PlanAction.VIEW)
    form = ExampleFilterForm(request.GET or None)
    target = form.cleaned_data["target"] if form.is_valid() else ""
    prioritised = library.prioritised_by_code(access.plan)
    shown = [example for example in library.examples() if not target or target in example.targets]
    return render(
        request,
        "interventions/example_list.html",
        {
            **access.context,
            "form": form,
            "target": target,
            "examples": [
                (example, [(code, code in prioritised) for code in example.targets])
                for example in shown
            ],
            "prioritised": list(prioritised.values()),
            "may_use": access.may_edit(PlanAction.CONTRIBUTE),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def example_use(request: UserRequest, pk: int, slug: str) -> HttpResponse:
    access = plan_for_user_or_404(request.user, pk, PlanAction.CONTRIBUTE)
    example = library.example_by_slug(slug)
    if example is None:
        raise Http404
    plan = access.plan
    prioritised = library.prioritised_by_code(plan)
    addressable = [prioritised[code] for code in example.targets if code in prioritised]
    organisations = lead_choices(access)
    form = ExampleUseForm(
        request.POST or None,
        organisations=organisations,
        targets=selectors.accepted_targets(plan, among=addressable),
    )
    if request.method == "POST" and form.is_valid():
        try:
            intervention = library.intervention_from_example(
                actor=request.user,
                plan=plan,
                example=example,
                lead_organisation=form.cleaned_data["lead_organisation"],
                targets=list(form.cleaned_data["targets"]),
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            messages.success(
                request,
                _(
                    "“%(title)s” added as a proposed intervention. Adapt it to your context: "
                    "its design, dates, cost, partners and indicators' targets."
                )
                % {"title": intervention.title},
            )
            return redirect("intervention_edit", pk=pk, intervention_pk=intervention.pk)
    return render(
        request,
        "interventions/example_use.html",
        {
            **access.context,
            "form": form,
            "example": example,
            "addressable": addressable,
        },
    )


def _declared_size(request: HttpRequest) -> int:
    try:
        return int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return 0


@require_http_methods(["GET", "POST"])
@login_required
def intervention_import(request: UserRequest, pk: int) -> HttpResponse:
    access = plan_for_user_or_404(request.user, pk, PlanAction.CONTRIBUTE)
    plan = access.plan
    if request.method == "POST" and _declared_size(request) > library.MAX_IMPORT_BYTES + 64 * 1024:
        # Refused before the body is read: a large upload never reaches the disk.
        messages.error(request, _("The file is larger than 5 MB. Split it into smaller files."))
        return redirect("intervention_import", pk)
    form = ImportForm(
        request.POST or None, request.FILES or None, organisations=lead_choices(access)
    )
    problems: list[str] | None = []
    if request.method == "POST" and form.is_valid():
        problems = _import(request, plan, form)
        if problems is None:
            return redirect("intervention_list", pk=pk)
    return render(
        request,
        "interventions/intervention_import.html",
        {
            **access.context,
            "form": form,
            "problems": problems,
            "columns": library.IMPORT_COLUMNS,
            "levels": InterventionLevel.choices,
            "sectors": Sector.choices,
            "groups": BeneficiaryGroup.choices,
            "statuses": [(status.value, status.label) for status in library.IMPORT_STATUSES],
            "prioritised": list(library.prioritised_by_code(plan).values()),
        },
    )


def _import(request: UserRequest, plan, form: ImportForm) -> list | None:
    """Read the uploaded file and import its interventions, all or none: None once they
    are imported (and the user told so); else the problems found in the file, the form
    saying why nothing was imported."""
    upload = form.cleaned_data["file"]
    try:
        result = library.read_import(
            plan=plan,
            lead_organisation=form.cleaned_data["lead_organisation"],
            name=upload.name,
            content=upload.read(),
        )
    except library.ImportRefused as refused:
        form.add_error("file", refused.message)
        return []
    if result.problems:
        form.add_error(
            None,
            _(
                "Nothing was imported: %(count)s problems were found in the file. "
                "Correct them and import the whole file again."
            )
            % {"count": len(result.problems)},
        )
        return result.problems
    try:
        created = library.interventions_import(actor=request.user, plan=plan, rows=result.rows)
    except ValidationError as error:
        add_service_error(form, error)
        return []
    messages.success(request, _("%(count)s interventions imported.") % {"count": len(created)})
    return None


@require_http_methods(["GET", "POST"])
@login_required
def import_template(request: UserRequest, pk: int, file_format: str) -> HttpResponse:
    if request.method != "GET":  # a download; signed out, the sign-in page comes first
        return HttpResponseNotAllowed(["GET"])
    plan_for_user_or_404(request.user, pk, PlanAction.CONTRIBUTE)
    if file_format not in library.IMPORT_FORMATS:
        raise Http404
    response = HttpResponse(
        library.template_bytes(file_format), content_type=CONTENT_TYPES[file_format]
    )
    response["Content-Disposition"] = (
        f'attachment; filename="interventions-import-template.{file_format}"'
    )
    return response
