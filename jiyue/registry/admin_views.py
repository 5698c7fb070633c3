"""Admin for organizations, site records and lifecycle applications (owned by the lifecycle work)."""
