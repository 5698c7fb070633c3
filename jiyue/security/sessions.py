"""The two clocks of a signed-in session (会话): since login and since the last request."""

import time

LOGIN_AT = "jiyue_login_at"
SEEN_AT = "jiyue_seen_at"


def mark_login(session):
    """Start both clocks; called when a user logs in."""
    now = time.time()
    session[LOGIN_AT] = now
    session[SEEN_AT] = now
