"""Every error of the API as JSON: ``{"detail": "..."}``, or field errors as
``{"<field>": ["..."]}``. The kernel's refusals keep their status and the pages' words:
hidden → 404, refused → 403, the plan's status closes the action → 409."""

from django.utils.translation import gettext as _
from rest_framework import status
from rest_framework.response import Response
from rest_framework.views import exception_handler

from msd_planner.lib.errors import ActionRefused, ObjectHidden, PlanClosed
from msd_planner.middleware import AuthorisationLogMiddleware

# The refusals the pages log (one line with who, what and where), logged alike.
_refusals_log = AuthorisationLogMiddleware(get_response=None)


def api_exception_handler(exc, context):
    if isinstance(exc, ObjectHidden | ActionRefused):
        _refusals_log.process_exception(context["request"]._request, exc)
    if isinstance(exc, ActionRefused):  # in words, as the pages' 403 says it
        return Response(
            {
                "detail": _(
                    "Your role does not allow this action. If you need it, ask a "
                    "coordinator of the plan or your administrator."
                )
            },
            status=status.HTTP_403_FORBIDDEN,
        )
    if isinstance(exc, PlanClosed):
        return Response(
            {"detail": _("The plan is not a draft: this does not change now.")},
            status=status.HTTP_409_CONFLICT,
        )
    response = exception_handler(exc, context)
    if response is not None and response.status_code == status.HTTP_404_NOT_FOUND:
        # The same answer for a missing record and one the user may not see.
        response.data = {"detail": _("Not found.")}
    return response
