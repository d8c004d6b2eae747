"""Agenda pack views (download, build)."""
