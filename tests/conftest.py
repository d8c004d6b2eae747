import pytest
from django.core.management import call_command

from tests.factories import UserFactory


@pytest.fixture
def demo(db):
    """The demo committee loaded from the seed transcriptions (meetings/demo/*.yaml)."""
    call_command("load_demo", "--no-accounts", "--meetings-only", verbosity=0)


@pytest.fixture
def officer(db):
    return UserFactory(username="officer-user", role="Officer")


@pytest.fixture
def clerk(db):
    return UserFactory(username="clerk-user", role="Clerk")


@pytest.fixture
def councillor(db):
    return UserFactory(username="councillor-user", role="Councillor")
