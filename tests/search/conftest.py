import pytest

from search import receivers


@pytest.fixture(autouse=True)
def keeping(settings):
    """Result pages are kept (committee/keep.py): on here, as in production; flush_index bumps the index's version."""
    settings.KEPT_PAGES = True


@pytest.fixture
def flush_index():
    """Index what the test has saved. Indexing runs when a transaction commits, and a test's transaction never does."""
    return receivers.flush
