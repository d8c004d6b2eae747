"""Follow-through views."""
