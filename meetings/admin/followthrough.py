"""Admin for follow-through records."""
