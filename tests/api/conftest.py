import pytest
from django.core.cache import cache
from django.test import Client

from api.services import token_create


@pytest.fixture(autouse=True)
def _fresh_throttle():
    """Each test counts its own requests."""
    cache.clear()
    yield
    cache.clear()


def token_client(user) -> Client:
    """A client that sends a new token of ``user``'s with every request, as a script does."""
    _token, secret = token_create(actor=user, name="script")
    return Client(headers={"Authorization": f"Bearer {secret}"})
