"""Site-wide search index (see the find-anything issue)."""
