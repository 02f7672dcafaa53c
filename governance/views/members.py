"""An organisation's members, managed by its own coordinators (and the administrators):
invite, set roles up to coordinator, end a membership."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from action_plans.policy import policy_table
from governance import selectors
from governance.forms import MemberInviteForm, RoleForm
from governance.models import Membership, Organisation
from governance.permissions import can_manage_members, get_organisation_for_user_or_404
from governance.services import memberships
from governance.views.accounts import invite_and_tell
from msd_planner.lib.errors import ActionRefused, ObjectHidden
from msd_planner.lib.pages import confirmation_page, remove_and_tell
from msd_planner.lib.types import UserRequest
from msd_planner.lib.versioned_edit import VersionedEdit


def _managed_organisation(request: HttpRequest, pk: int) -> Organisation:
    """Fetch-and-authorise for every member page: 404 if the user may not see the
    organisation, 403 if they see it but do not coordinate it."""
    organisation = get_organisation_for_user_or_404(request.user, pk)
    if not can_manage_members(request.user, organisation):
        raise ActionRefused("manage the members of", f"organisation {pk}")
    return organisation


def _back(request: UserRequest, membership: Membership) -> str:
    """Where the page returns: the account's page when an administrator came from it
    (``?from=account``), the organisation's page otherwise."""
    if request.GET.get("from") == "account" and request.user.is_platform_admin:
        return reverse("user_detail", args=[membership.user_id])
    return reverse("organisation_detail", args=[membership.organisation_id]) + "#members"


def _member(request: HttpRequest, pk: int, membership_pk: int) -> Membership:
    membership = selectors.organisation_membership(
        _managed_organisation(request, pk), membership_pk
    )
    if membership is None:
        raise ObjectHidden("manage", f"membership {membership_pk}")
    return membership


@require_http_methods(["GET", "POST"])
@login_required
def organisation_member_invite(request: UserRequest, pk: int) -> HttpResponse:
    organisation = _managed_organisation(request, pk)
    form = MemberInviteForm(request.POST or None)
    valid = request.method == "POST" and form.is_valid()
    if valid and invite_and_tell(request, form, organisation):
        return redirect("organisation_detail", organisation.pk)
    return render(
        request,
        "governance/member_invite.html",
        {"organisation": organisation, "form": form},
    )


@require_http_methods(["GET", "POST"])
@login_required
def organisation_member_edit(request: UserRequest, pk: int, membership_pk: int) -> HttpResponse:
    membership = _member(request, pk, membership_pk)
    edit = VersionedEdit(
        request,
        lambda data, current: RoleForm(
            data, initial={"role": current.role}, version=current.version
        ),
        membership,
    )
    if edit.save(
        lambda form: memberships.membership_role_update(
            actor=request.user,
            membership=membership,
            expected_version=form.cleaned_data["version"],
            role=form.cleaned_data["role"],
        )
    ):
        messages.success(
            request,
            _("%(user)s is now %(role)s of %(organisation)s.")
            % {
                "user": membership.user,
                "role": edit.result.instance.get_role_display().lower(),
                "organisation": membership.organisation.short_name,
            },
        )
        return redirect(_back(request, membership))
    return render(
        request,
        "governance/membership_form.html",
        {
            **edit.context,
            "membership": membership,
            "back_url": _back(request, membership),
            "policy": policy_table(),
        },
    )


@require_http_methods(["GET", "POST"])
@login_required
def organisation_member_remove(request: UserRequest, pk: int, membership_pk: int) -> HttpResponse:
    membership = _member(request, pk, membership_pk)
    if request.method == "POST":
        remove_and_tell(
            request,
            lambda: memberships.membership_remove(actor=request.user, membership=membership),
            done=_("%(user)s is no longer a member of %(organisation)s.")
            % {"user": membership.user, "organisation": membership.organisation},
        )
        return redirect(_back(request, membership))
    return confirmation_page(
        request,
        {},
        title=_("Remove %(user)s from %(organisation)s?")
        % {"user": membership.user, "organisation": membership.organisation},
        consequences=[
            _("They lose access to every plan they see through this organisation."),
            _("Their account stays; their past changes stay in the history."),
        ],
        button=_("Remove membership"),
        cancel_url=_back(request, membership),
    )
