import pytest
from django.core.management import call_command
from django.db import transaction

from tests.factories import UserFactory


@pytest.fixture(scope="module")
def complaints_demo(django_db_setup, django_db_blocker):
    """The three demo years (complaints/demo/*.yaml), loaded once per module inside a transaction rolled back at its end.

    Loading takes half a minute, so the tests of one module share it; each test still runs in its own savepoint.
    """
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            call_command("load_complaints_demo", verbosity=0)
            yield
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


@pytest.fixture
def complaints_officer(db):
    return UserFactory(username="complaints-officer-user", role="Complaints officer")


@pytest.fixture
def administrator(db):
    return UserFactory(username="administrator-user", role="Administrator")
