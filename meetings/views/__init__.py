"""Public pages, split by subject. Shared bases are re-exported for other apps."""

from meetings.views.core import FilteredListView

__all__ = ["FilteredListView"]
