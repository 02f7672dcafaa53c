"""Requests per token (or per signed-in user, for the browser), per scope: reads and
writes are counted apart. The rates are settings (``API_THROTTLE_RATES``), read on each
request: ``"120/min"`` is 120 requests a minute; None turns a scope's limit off."""

from django.conf import settings
from rest_framework.throttling import SimpleRateThrottle

from api.models import ApiToken


class TokenRateThrottle(SimpleRateThrottle):
    def __init__(self):
        # SimpleRateThrottle reads its rate once, at import; these settings are read now.
        pass

    def allow_request(self, request, view):
        self.scope = "write" if request.method in {"POST", "PUT", "PATCH", "DELETE"} else "read"
        self.rate = settings.API_THROTTLE_RATES.get(self.scope)
        if self.rate is None:
            return True
        self.num_requests, self.duration = self.parse_rate(self.rate)
        return super().allow_request(request, view)

    def get_cache_key(self, request, view):
        if isinstance(request.auth, ApiToken):
            ident = f"token-{request.auth.pk}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"address-{self.get_ident(request)}"
        return f"api-throttle-{self.scope}-{ident}"
