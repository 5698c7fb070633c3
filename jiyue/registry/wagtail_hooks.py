"""Registers the registry's admin: each module below owns its own hooks."""

from . import (
    admin_views,  # noqa: F401  organizations, site records, applications
    inventory_admin,  # noqa: F401  inventory and merge-plan dashboard
)
