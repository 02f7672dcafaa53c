"""Shared fixtures: the SDG catalogue and the cast of users every view is tested against."""

import pytest

from targets.services import catalogue_load
from tests import factories


@pytest.fixture
def catalogue(db):
    """The official SDG catalogue, loaded through the same service the set-up runs."""
    catalogue_load()


@pytest.fixture
def plan(db):
    return factories.ActionPlanFactory()


@pytest.fixture
def administrator(db):
    return factories.UserFactory(username="administrator", is_superuser=True, is_staff=True)


@pytest.fixture
def member(db):
    return factories.UserFactory(username="member")
