"""A plan's PDFs: a version's document (for whoever may see the plan) and the draft's
preview (for its coordinators), and a version's Word document (the same views, the same
access as its PDF), served through the app, never from a public URL; their state, which
the page polls (htmx) until the document is ready."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from action_plans import selectors
from action_plans.documents import document_request, documents_not_queued
from action_plans.documents import version_document as document_of
from action_plans.models import (
    ActionPlan,
    DocumentEdition,
    DocumentFormat,
    DocumentStatus,
    PlanDocument,
    PlanVersion,
)
from action_plans.permissions import (
    PlanAccess,
    PlanAction,
    plan_for_user_or_404,
    plan_object_for_user_or_404,
)
from msd_planner.lib.types import HtmxHttpRequest


def tell_if_not_queued(
    request: HttpRequest, plan: ActionPlan, document_format: str = DocumentFormat.PDF
) -> bool:
    """After a step that asks for a PDF (or a Word document): say so when the job could
    not be queued (the broker is unreachable); the sweep queues it again later."""
    if not documents_not_queued(plan):
        return False
    if document_format == DocumentFormat.DOCX:
        message = _(
            "The Word document could not be queued: the job service cannot be reached. It "
            "will be queued again automatically within a few minutes."
        )
    else:
        message = _(
            "The PDF could not be queued: the job service cannot be reached. It will be "
            "queued again automatically within a few minutes."
        )
    messages.warning(request, message)
    return True


def _edition(request: HttpRequest, document_format: str = DocumentFormat.PDF) -> str:
    """The edition asked for (``?edition=for_validation``); the official one otherwise,
    and always for a Word document."""
    edition = request.GET.get("edition", "")
    if document_format != DocumentFormat.PDF:
        return DocumentEdition.OFFICIAL
    return edition if edition in DocumentEdition.values else DocumentEdition.OFFICIAL


def _state(
    request: HtmxHttpRequest,
    access: PlanAccess,
    document: PlanDocument | None,
    *,
    version: PlanVersion | None = None,
    edition: str = DocumentEdition.OFFICIAL,
    document_format: str = DocumentFormat.PDF,
) -> HttpResponse:
    context = {
        **access.context,
        "document": document,
        "version": version,
        "edition": edition,
        "document_format": document_format,
    }
    if request.htmx:
        include = (
            "action_plans/includes/word_document_state.html"
            if document_format == DocumentFormat.DOCX
            else "action_plans/includes/document_state.html"
        )
        return render(request, include, context)
    return render(request, "action_plans/document_state.html", context)


def _state_url(pk: int, version: PlanVersion, edition: str, document_format: str) -> str:
    if document_format == DocumentFormat.DOCX:
        return reverse("version_word_document_state", args=[pk, version.pk])
    url = reverse("version_document_state", args=[pk, version.pk])
    return url if edition == DocumentEdition.OFFICIAL else f"{url}?edition={edition}"


def download(document: PlanDocument | None, state_url: str) -> HttpResponseBase:
    """The file, or its state page while it is not ready."""
    if document is None or document.status != DocumentStatus.READY or not document.file:
        return redirect(state_url)
    return serve_file(document)


def serve_file(document: PlanDocument) -> FileResponse:
    """The document's file as an attachment, never cached by the browser or a proxy."""
    name = (document.file.name or "").rsplit("/", 1)[-1]
    response = FileResponse(document.file.open("rb"), as_attachment=True, filename=name)
    response["Content-Type"] = document.content_type
    response["Cache-Control"] = "private, no-store"
    return response


@require_http_methods(["GET", "POST"])
@login_required
def version_document(
    request: HttpRequest, pk: int, version_pk: int, document_format: str = DocumentFormat.PDF
) -> HttpResponseBase:
    """The version's PDF (the official edition, or ``?edition=for_validation``: the one
    given to the signatories) or its Word document (``document_format``, from the URL),
    for whoever may see the plan; a POST asks for it again (a coordinator, after a
    failure, or for a Word document not made yet)."""
    access = plan_object_for_user_or_404(
        request.user, pk, selectors.all_versions(), version_pk, PlanAction.VIEW
    )
    version, edition = access.object, _edition(request, document_format)
    if request.method == "POST":
        # A version's PDF is asked for again after a failure, whatever the plan's status.
        access = plan_object_for_user_or_404(
            request.user,
            pk,
            selectors.all_versions(),
            version_pk,
            PlanAction.CHANGE,
            any_status=True,
        )
        document_request(plan=access.plan, version=version, edition=edition, format=document_format)
        if not tell_if_not_queued(request, access.plan, document_format):
            messages.success(
                request, _("The document is queued; this page shows when it is ready.")
            )
        return redirect(_state_url(pk, version, edition, document_format))
    return download(
        document_of(version, edition, document_format),
        _state_url(pk, version, edition, document_format),
    )


@require_http_methods(["GET", "POST"])
@login_required
def version_document_state(
    request: HtmxHttpRequest, pk: int, version_pk: int, document_format: str = DocumentFormat.PDF
) -> HttpResponse:
    access = plan_object_for_user_or_404(
        request.user, pk, selectors.all_versions(), version_pk, PlanAction.VIEW
    )
    edition = _edition(request, document_format)
    document = document_of(access.object, edition, document_format)
    return _state(
        request,
        access,
        document,
        version=access.object,
        edition=edition,
        document_format=document_format,
    )


@require_http_methods(["GET", "POST"])
@login_required
def plan_preview(request: HttpRequest, pk: int) -> HttpResponseBase:
    """The draft's preview, marked DRAFT on every page: a POST renders it anew, a GET
    downloads it (coordinators only)."""
    # The preview reads the plan as it is now, whatever its status.
    access = plan_for_user_or_404(request.user, pk, PlanAction.CHANGE, any_status=True)
    if request.method == "POST":
        document_request(plan=access.plan, version=None)
        tell_if_not_queued(request, access.plan)
        return redirect("plan_preview_state", pk)
    return download(
        selectors.plan_preview_document(access.plan),
        reverse("plan_preview_state", args=[pk]),
    )


@require_http_methods(["GET", "POST"])
@login_required
def plan_preview_state(request: HtmxHttpRequest, pk: int) -> HttpResponse:
    access = plan_for_user_or_404(request.user, pk, PlanAction.CHANGE, any_status=True)
    document = selectors.plan_preview_document(access.plan)
    return _state(request, access, document)
