"""Platform security (安全防护, rule PLATFORM-7 / PLATFORM-F16): login protection, session
limits, the supervisors' second factor, Content-Security-Policy and the audit trail.

Layer: above ``registry`` (uses ``registry.services.is_supervisor``); nothing imports it.
docs/security.md describes the threat model and how each piece answers it.
"""
