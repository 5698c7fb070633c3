"""Isolation between sites in the admin (owned by the isolation work)."""
