"""Admin for organizations, site records and lifecycle applications."""
