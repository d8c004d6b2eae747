"""Admin for agenda packs."""
