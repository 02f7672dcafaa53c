import logging

from axes.helpers import get_client_ip_address
from django.core.exceptions import PermissionDenied

from msd_planner.lib.errors import ActionRefused, ObjectHidden

security_log = logging.getLogger("msd_planner.security")


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
            # The address django-axes locks out, read with the same proxy settings.
            get_client_ip_address(request),
        )
        return None
