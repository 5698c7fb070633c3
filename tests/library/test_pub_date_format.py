"""One publish-time rule for the API, the admin and the page (rule: META-7, issue 7).

The library's ``pub_date_display`` (API, admin listing, preview) and the portal's
``PubDate`` tag used two time-zone rules: the active time zone and Beijing time.
Both now call ``jiyue.standards.format_pub_date``.
"""

import datetime

from django.utils import timezone

from jiyue.library.models import Resource
from jiyue.portal import metadata

UTC_NOON = datetime.datetime(2025, 3, 1, 12, 0, tzinfo=datetime.UTC)


def test_api_and_page_show_the_same_beijing_time_whatever_the_active_zone_META_7():
    with timezone.override("UTC"):
        shown_by_library = Resource(pub_date=UTC_NOON).pub_date_display
        shown_on_page = metadata.format_pubdate(UTC_NOON)
    assert shown_by_library == shown_on_page == "2025-03-01 20:00"


def test_naive_times_are_beijing_time_and_missing_ones_empty_META_7():
    naive = datetime.datetime(2025, 3, 1, 8, 5)
    assert Resource(pub_date=naive).pub_date_display == "2025-03-01 08:05"
    assert Resource().pub_date_display == ""
