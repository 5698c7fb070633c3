"""Writing many rows without Django's per-object insert machinery (批量写入).

``QuerySet.bulk_create`` compiles every field of every object into one SQL statement
(``pre_save``, ``get_db_prep_save`` and a placeholder per value): for the 58-column
resource table that was most of an import's write time. The bulk importers
(:mod:`jiyue.library.importing` for resources, :mod:`jiyue.registry.inventory.importing`
for the site inventory) build plain value tuples instead and hands them to
the database driver in one call per table:

- PostgreSQL: ``COPY … FROM STDIN`` through psycopg 3's ``cursor.copy``;
- SQLite: the driver's ``executemany`` of one prepared ``INSERT``.

Primary keys are reserved before the rows are written (:func:`reserve_ids`), so rows
that point at each other (a resource and its revision) are written in one pass: the
database's own sequence on PostgreSQL, the table's ``AUTOINCREMENT`` counter on
SQLite (read inside the writing transaction, which holds SQLite's write lock), so a
key is never reused either way.

Values go through each field's own ``get_db_prep_save`` (datetimes, dates, UUIDs,
JSON), exactly as Django would prepare them; text, integers and booleans, which that
method returns unchanged, are passed as they are. Only SQLite and PostgreSQL, the
two databases Jiyue runs on, are supported.

Generic (it knows no app's models), so it sits in the lowest layer, ``standards``,
where both the registry and the library may use it.
"""

import datetime

from django.db import connection
from django.utils import timezone

__all__ = ["column_adapters", "insert_objects", "insert_rows", "reserve_ids"]

# Internal types whose ``get_db_prep_save`` returns a str, int or bool unchanged.
_PLAIN_TYPES = {
    "AutoField",
    "BigAutoField",
    "BigIntegerField",
    "BooleanField",
    "CharField",
    "IntegerField",
    "PositiveIntegerField",
    "PositiveSmallIntegerField",
    "SlugField",
    "SmallIntegerField",
    "TextField",
    "URLField",
}


def _is_plain(field):
    target = field.target_field if field.remote_field else field
    return target.get_internal_type() in _PLAIN_TYPES


def _datetime_adapter(field):
    """``field.get_db_prep_save`` for a DateTimeField, shorter for an aware datetime:
    ``get_prep_value`` returns an aware datetime unchanged, so only the database
    adaptation is left."""
    adapt = connection.ops.adapt_datetimefield_value

    def prepare(value):
        if isinstance(value, datetime.datetime) and not timezone.is_naive(value):
            return adapt(value)
        return field.get_db_prep_save(value, connection)

    return prepare


def column_adapters(fields):
    """Per field, ``None`` (value passes as it is) or a function preparing a value."""
    adapters = []
    for field in fields:
        if _is_plain(field):
            adapters.append(None)
        elif field.get_internal_type() == "DateTimeField":
            adapters.append(_datetime_adapter(field))
        else:
            adapters.append(lambda value, f=field: f.get_db_prep_save(value, connection))
    return adapters


def reserve_ids(model, count):
    """``count`` new primary keys of ``model``, ascending; call inside the transaction."""
    if count == 0:
        return []
    table = model._meta.db_table
    column = model._meta.pk.column
    quote = connection.ops.quote_name
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT nextval(pg_get_serial_sequence(%s, %s)) FROM generate_series(1, %s)",
                [quote(table), column, count],
            )
            return sorted(row[0] for row in cursor.fetchall())
        if connection.vendor == "sqlite":
            # AUTOINCREMENT: the counter never goes back, so neither do the keys.
            cursor.execute("SELECT seq FROM sqlite_sequence WHERE name = %s", [table])
            row = cursor.fetchone()
            cursor.execute(f"SELECT MAX({quote(column)}) FROM {quote(table)}")
            first = max(row[0] if row else 0, cursor.fetchone()[0] or 0) + 1
            return list(range(first, first + count))
    raise NotImplementedError(f"bulk import: unsupported database {connection.vendor}")


def insert_rows(model, columns, rows):
    """Insert ``rows`` (tuples of database values, in the order of ``columns``)."""
    if not rows:
        return
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(column) for column in columns)
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            # The Django wrapper's ``cursor`` is psycopg 3's own cursor.
            with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        elif connection.vendor == "sqlite":
            placeholders = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({placeholders})", rows)
        else:
            raise NotImplementedError(f"bulk import: unsupported database {connection.vendor}")


def _fills_itself(field):
    """Fields whose ``pre_save`` sets the value (``auto_now``/``auto_now_add``)."""
    return bool(getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False))


def insert_objects(model, objects):
    """Insert unsaved ``objects`` of ``model`` whose primary keys are already set.

    Every concrete column, each value from the field's ``pre_save`` (so
    ``auto_now``/``auto_now_add`` are filled as ``save()`` fills them), prepared by
    :func:`column_adapters`. Marks the objects as saved.
    """
    if not objects:
        return
    fields = model._meta.concrete_fields
    # ``pre_save`` only where it does more than read the attribute.
    plan = [
        (field.attname, adapt, field.pre_save if _fills_itself(field) else None)
        for field, adapt in zip(fields, column_adapters(fields), strict=True)
    ]
    rows = []
    for obj in objects:
        values = obj.__dict__
        row = []
        for attname, adapt, pre_save in plan:
            value = values[attname] if pre_save is None else pre_save(obj, True)
            row.append(value if adapt is None or value is None else adapt(value))
        rows.append(tuple(row))
    insert_rows(model, [field.column for field in fields], rows)
    for obj in objects:
        obj._state.adding = False
        obj._state.db = connection.alias
