"""Shared fixtures. Database selection (SQLite / PostgreSQL) lives in tests/db.py."""
