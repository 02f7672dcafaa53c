"""How a request to the API says who it is: a token (``Authorization: Bearer <secret>``),
or the browser's signed-in session (with its CSRF token for writes)."""

from django.utils.translation import gettext as _
from rest_framework import authentication, exceptions

from api import selectors, services


class BearerTokenAuthentication(authentication.BaseAuthentication):
    """A user's API token. A revoked token, a deactivated user's token, or a malformed
    header are refused alike (401): the answer does not say which."""

    keyword = b"bearer"

    def authenticate(self, request):
        header = authentication.get_authorization_header(request).split()
        if not header or header[0].lower() != self.keyword:
            return None
        refused = exceptions.AuthenticationFailed(_("The token is not valid or was revoked."))
        if len(header) != 2:
            raise refused
        try:
            secret = header[1].decode("ascii")
        except UnicodeDecodeError:
            raise refused from None
        token = selectors.token_by_secret_hash(services.secret_hash(secret))
        if token is None or not token.user.is_active:
            raise refused
        services.token_used(token)
        return token.user, token

    def authenticate_header(self, request) -> str:
        # A request without credentials is answered 401 (not 403), naming the scheme.
        return 'Bearer realm="api"'
