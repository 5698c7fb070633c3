"""Admin views for the inventory and merge plan (owned by the inventory work)."""
