"""Types for annotations: what django-stubs spells privately, and the requests views get.

``User`` is the project's user model (django-stubs reads ``AUTH_USER_MODEL``), for the
layers below ``governance``, which defines it: no import of ``governance`` here (the
layers run one way). ``AnyUser`` is ``request.user``: signed in or anonymous. At run
time both are ``Any``: they are for annotations only. A view behind ``login_required``
takes a ``UserRequest``, whose user has signed in (what a service's ``actor`` needs).
"""

from typing import TYPE_CHECKING, Any, TypeAlias

from django.http import HttpRequest
from django.utils.functional import Promise
from django_htmx.middleware import HtmxDetails

if TYPE_CHECKING:
    from django.contrib.auth.models import _AnyUser, _User
    from django.utils.functional import _StrOrPromise

    User: TypeAlias = _User
    AnyUser: TypeAlias = _AnyUser
    StrOrPromise: TypeAlias = _StrOrPromise  # a text, or a lazy translation of one
else:
    User = AnyUser = Any
    StrOrPromise = str | Promise


class HtmxHttpRequest(HttpRequest):
    """A request as the views get it: django-htmx's middleware says whether htmx sent it."""

    htmx: HtmxDetails


class UserRequest(HtmxHttpRequest):
    """A request from a signed-in user: what a view behind ``login_required`` gets."""

    user: User
