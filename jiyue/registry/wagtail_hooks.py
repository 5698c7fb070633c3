"""Registers the registry's admin: each module below owns its own hooks."""

from . import admin_views  # noqa: F401  site records, organizations, applications
