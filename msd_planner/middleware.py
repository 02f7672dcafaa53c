import logging
from urllib.parse import unquote_to_bytes

from axes.helpers import get_client_ip_address
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseBadRequest
from django.shortcuts import render

from msd_planner.lib.errors import ActionRefused, ObjectHidden, PlanClosed, RecordGone
from msd_planner.lib.log_filters import REFUSAL_LOGGED

security_log = logging.getLogger("msd_planner.security")


class AuthorisationLogMiddleware:
    """Log every refused authorisation with user, object, action and IP address, in one
    line (``RefusalLoggedOnce`` keeps Django's own line about the 403/404 out)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, ObjectHidden | ActionRefused):
            action, target = exception.action, exception.object_description
        elif isinstance(exception, PermissionDenied):
            action, target = "access", request.path
        else:
            return None
        user = request.user if request.user.is_authenticated else None
        fields = {
            "user": user.username if user else "anonymous",
            "action": str(action),
            "object": str(target),
            "path": request.path,
            # The address django-axes locks out, read with the same proxy settings.
            "ip": get_client_ip_address(request),
        }
        # The fields again as ``extra``: production writes them as JSON keys.
        security_log.warning(
            "authorisation refused: user=%(user)s action=%(action)s object=%(object)s "
            "path=%(path)s ip=%(ip)s",
            fields,
            extra=fields,
        )
        setattr(request, REFUSAL_LOGGED, True)
        return None


class PrivatePagesCacheMiddleware:
    """Keep pages shown to a signed-in user out of every cache: browser history, shared
    computers, proxies. A view that sets its own Cache-Control keeps it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and not response.has_header("Cache-Control"):
            response["Cache-Control"] = "private, no-store"
        return response


class UndecodableInputMiddleware:
    """Answer 400 to a query string or form body that is not valid UTF-8.

    Django decodes such input with replacement characters, and the form would save the
    mojibake as if the user had typed it. A browser never sends it; a page cannot fix it,
    so the answer is a short plain-text page. Multipart bodies (file uploads) are left
    to Django's own parser.
    """

    message = "Bad request: the data sent is not valid UTF-8 text.\n"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not (_is_utf8(_query_string(request)) and _is_utf8(_form_body(request))):
            security_log.info("undecodable input refused: path=%s", request.path)
            return HttpResponseBadRequest(self.message, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def _query_string(request) -> bytes:
    # The WSGI server hands the raw bytes over as ISO-8859-1 text; encoding gets them back.
    return request.META.get("QUERY_STRING", "").encode("iso-8859-1", errors="replace")


def _form_body(request) -> bytes:
    if request.method != "POST" or request.content_type != "application/x-www-form-urlencoded":
        return b""
    charset = (request.content_params.get("charset") or "utf-8").lower()
    if charset not in {"utf-8", "utf8"}:
        return b""
    # Reading the body here keeps it for request.POST; too large a body raises
    # RequestDataTooBig, which Django answers with 400 as well.
    return request.body


def _is_utf8(encoded: bytes) -> bool:
    """Whether form-encoded bytes (``a=b%C3%A9&c=d+e``) decode to UTF-8 text."""
    try:
        unquote_to_bytes(encoded.replace(b"+", b" ")).decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


IGNORED_FIELDS = frozenset({"csrfmiddlewaretoken", "version"})


def _submitted(request) -> list[tuple[str, str]]:
    """What the user was sending, to copy from a page that could not save it."""
    return [
        (name, value)
        for name, values in request.POST.lists()
        if name not in IGNORED_FIELDS
        for value in values
        if value.strip()
    ]


class RecordGoneMiddleware:
    """A record removed while someone was working on it answers 410 with a page saying
    who removed it and when, and what the user was submitting, to copy. An edit of a
    plan whose content is frozen (not a draft) answers 409 with a page saying why and
    what to do next, with the same copy of what was sent."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if isinstance(exception, PlanClosed):
            return render(
                request,
                "plan_closed.html",
                {**exception.context, "submitted": _submitted(request)},
                status=409,
            )
        if not isinstance(exception, RecordGone):
            return None
        return render(
            request,
            "removed.html",
            {
                **exception.context,
                "removed_by": exception.removed_by,
                "removed_at": exception.removed_at,
                "submitted": _submitted(request),
            },
            status=410,
        )
