import pytest

from search import receivers


@pytest.fixture
def flush_index():
    """Index what the test has saved. Indexing runs when a transaction commits, and a test's transaction never does."""
    return receivers.flush
