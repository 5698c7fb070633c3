"""Wagtail internals the admin's face relies on (see docs/development.md, "Upgrading").

``SpreadsheetExportMixin.custom_value_preprocess`` (``wagtail.admin.views.mixins``):
every CSV/XLSX export of the admin (Jiyue's ``list_export`` and Wagtail's reports: aging
pages, site history, workflows) converts values through it. Wagtail writes aware
datetimes as naive UTC in XLSX and as ``str()`` (``…+00:00``) in CSV; an official
reading the sheet expects Beijing time.
"""

import datetime

from django.utils import timezone
from wagtail.admin.views.mixins import SpreadsheetExportMixin

EXPORT_FORMAT = "%Y-%m-%d %H:%M:%S"


def _local(value):
    return timezone.localtime(value) if timezone.is_aware(value) else value


def _xlsx_value(value):
    # openpyxl takes naive datetimes only: Beijing wall time, without the offset.
    return timezone.make_naive(value) if timezone.is_aware(value) else value


def _csv_value(value):
    return _local(value).strftime(EXPORT_FORMAT)


def export_times_in_local_time(mixin=SpreadsheetExportMixin):
    """Make ``mixin``'s exports write datetimes in the current time zone. Idempotent."""
    preprocess = dict(mixin.custom_value_preprocess)
    preprocess[datetime.datetime] = {
        mixin.FORMAT_XLSX: _xlsx_value,
        mixin.FORMAT_CSV: _csv_value,
    }
    mixin.custom_value_preprocess = preprocess
