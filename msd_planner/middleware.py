import logging

from django.core.exceptions import PermissionDenied

from msd_planner.lib.errors import ActionRefused, ObjectHidden

security_log = logging.getLogger("msd_planner.security")


def _client_ip(request) -> str:
    # SECURE_PROXY_SSL_HEADER implies one trusted proxy in front of the app.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    return forwarded.split(",")[-1].strip() if forwarded else request.META.get("REMOTE_ADDR", "")


class AuthorisationLogMiddleware:
    """Log every refused authorisation with user, object, action and IP address."""

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
        security_log.warning(
            "authorisation refused: user=%s action=%s object=%s path=%s ip=%s",
            user.username if user else "anonymous",
            action,
            target,
            request.path,
            _client_ip(request),
        )
        return None
