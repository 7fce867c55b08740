"""Database helpers shared by the services."""

from __future__ import annotations

from typing import Any

from django.db import IntegrityError, connections, router, transaction

from govit.core.errors import ConflictError


def row_insert_once(model: Any, *, conflict: str, field: str, **values: Any) -> Any:
    """Create a row a unique constraint allows once; a second one (double click, two users at the same
    moment) is a conflict with the message ``conflict`` and changes nothing (the caller's transaction goes
    on)."""
    try:
        with transaction.atomic():
            return model.objects.create(**values)
    except IntegrityError:
        raise ConflictError(conflict, field=field) from None


def rows_insert(model: Any, columns: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
    """Many rows at once, for the writes of province scale (the scan of 期限事项, seeding), where the ORM's
    per-object work would cost more than the writing itself: one prepared statement run for every row on
    SQLite, ``COPY`` on PostgreSQL (a large multi-row INSERT costs more in the driver's query parsing than in
    the server). ``rows`` hold values as the database takes them, in the order of ``columns`` (field names or
    their ``*_id`` attribute names)."""
    if not rows:
        return
    connection = connections[router.db_for_write(model)]
    quote = connection.ops.quote_name
    table = quote(model._meta.db_table)
    names = ", ".join(quote(model._meta.get_field(c).column) for c in columns)
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            marks = ", ".join(["%s"] * len(columns))
            cursor.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)
            return
        with cursor.cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def statistics_refresh(using: str = "default") -> None:
    """Refresh the query planner's statistics (``ANALYZE``). PostgreSQL's autovacuum does this by itself; SQLite
    never does, and without statistics it picks a single-column index over a composite one and sorts thousands
    of rows a page needs twenty of. Run after bulk loads and once a day by the worker."""
    with connections[using].cursor() as cursor:
        cursor.execute("ANALYZE")
