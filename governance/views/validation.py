"""Signing a plan in validation, for an organisation whose signature is required: the
page shows what is signed (the version, its page, its PDF for validation, the comparison
with the official version) and the decision records what was shown."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from action_plans.document_views import tell_if_not_queued
from action_plans.documents import version_document
from action_plans.models import DocumentEdition, DocumentStatus
from action_plans.permissions import PlanAction, plan_for_user_or_404
from action_plans.snapshot import version_outline
from action_plans.workflow import official_version, open_version
from governance import selectors, validation
from governance.forms import SignForm
from governance.models import SignOffDecision
from governance.services import signing
from msd_planner.lib.types import UserRequest
from msd_planner.lib.versioned_edit import add_service_error


@require_http_methods(["GET", "POST"])
@login_required
def plan_sign(request: UserRequest, pk: int) -> HttpResponse:
    access = plan_for_user_or_404(request.user, pk, PlanAction.SIGN)
    plan = access.plan
    signable = validation.signable_organisations(request.user, plan)
    version = open_version(plan)
    document = version_document(version, DocumentEdition.FOR_VALIDATION) if version else None
    ready = document is not None and document.status == DocumentStatus.READY
    seen = {  # what the page shows: the decision is on that
        "version": version.pk if version else "",
        "document_checksum": document.checksum if ready and document else "",
    }
    form = SignForm(
        request.POST or None,
        organisations=selectors.organisations_by_name(signable),
        # the sections' names from the version's outline: the snapshot is not decoded
        sections=[(item.name, item.title) for item in version_outline(version).sections]
        if version
        else (),
        initial=seen,
    )
    if request.method == "POST" and form.is_valid():
        try:
            sign_off = signing.plan_sign(
                actor=request.user,
                plan=plan,
                organisation=form.cleaned_data["organisation"],
                decision=form.cleaned_data["decision"],
                comment=form.cleaned_data["comment"],
                section=form.cleaned_data["section"],
                document_checksum=form.cleaned_data["document_checksum"],
                seen_version=form.cleaned_data["version"],
            )
        except ValidationError as error:
            add_service_error(form, error)
        else:
            _tell_signed(request, sign_off)
            tell_if_not_queued(request, plan)  # the last signature asks for the PDF
            return redirect("plan_validation", pk)
    if form.is_bound:
        # Shown again (a refusal, an error): the decision will be on what the page shows
        # now, so the hidden fields say what that is.
        form.data = form.data.copy()  # type: ignore[attr-defined]  # a bound QueryDict
        for name, value in seen.items():
            form.data[name] = value  # type: ignore[index]  # the copy above
    official = official_version(plan)
    return render(
        request,
        "governance/plan_sign.html",
        {
            **access.context,
            "form": form,
            "version": version,
            "document": document,
            "document_ready": ready,
            "official": official if official and version and official.pk != version.pk else None,
            "nothing_to_sign": version is None or not signable,
            "request_changes": SignOffDecision.REQUEST_CHANGES,
        },
    )


def _tell_signed(request: UserRequest, sign_off) -> None:
    messages.success(
        request,
        _("Signed for %(name)s: %(decision)s.")
        % {
            "name": sign_off.organisation.short_name,
            "decision": sign_off.get_decision_display().lower(),
        },
    )
