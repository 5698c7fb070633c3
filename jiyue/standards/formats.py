"""How the rules say a value is written: the publish time (发布时间, rule: META-7).

One function for every place that shows a publish time (the API, the admin, the
page's ``PubDate`` tag and its visible date), so they can never disagree: always
``YYYY-MM-DD HH:MM`` in Beijing time, whatever time zone is active.
"""

from zoneinfo import ZoneInfo

from django.utils import timezone

BEIJING = ZoneInfo("Asia/Shanghai")
PUB_DATE_FORMAT = "%Y-%m-%d %H:%M"  # rule: META-7


def format_pub_date(value):
    """``YYYY-MM-DD HH:MM`` in Beijing time; a naive value is taken as Beijing time."""
    if value is None:
        return ""
    if timezone.is_naive(value):
        value = timezone.make_aware(value, BEIJING)
    return value.astimezone(BEIJING).strftime(PUB_DATE_FORMAT)
