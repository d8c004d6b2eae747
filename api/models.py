"""Read-only open data API (see the find-anything issue)."""
