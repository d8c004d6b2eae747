"""The officers' and clerks' data-entry interface, split by subject (registration happens on import)."""

from meetings.admin import checks, core, followthrough, packs, schedule  # noqa: F401
