import pytest
from django.core.cache import cache
from django.core.management import call_command

from tests.factories import MeetingFactory, UserFactory


@pytest.fixture(autouse=True)
def _meeting_dates_per_test():
    """Each test's factory meetings start from 10 July 2025 again, whatever ran before it: a meeting's date decides
    what may happen at it (no minutes before it has taken place), so it must not depend on the order tests run in."""
    MeetingFactory.reset_sequence()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """What is cached against a data version (annual reports, search results) must not leak from one test's data into
    another's: a rolled-back test can leave the version where it found it."""
    from committee.printing import forget_kept_files

    cache.clear()
    forget_kept_files()
    yield
    cache.clear()
    forget_kept_files()


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


@pytest.fixture
def unused_tcp_port():
    """A loopback port nothing listens on (bound, then released)."""
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]
