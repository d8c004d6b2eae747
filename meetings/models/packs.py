"""Agenda packs: built PDF versions of a meeting's papers (see the agenda-pack issue)."""
