"""The database's own refusal to UPDATE or DELETE audit rows (triggers on SQLite and PostgreSQL).

Audit events may be deleted only when a purge checkpoint already covers them (``seq`` up to the highest purge
``through_seq``): the purge writes that checkpoint first, so it is the one path by which events leave the table,
and it leaves the chain verifiable. Checkpoints themselves are never updated or deleted."""

from __future__ import annotations

from typing import Any

_PURGED_UP_TO = "(SELECT COALESCE(MAX(through_seq), 0) FROM audit_auditcheckpoint WHERE kind = 'purge')"


def _install_statements(vendor: str, *, with_checkpoints: bool) -> list[str]:
    """``with_checkpoints=False`` is the guard as migration 0002 left it, before checkpoints existed."""
    if vendor == "sqlite":
        when = f"WHEN OLD.seq > {_PURGED_UP_TO} " if with_checkpoints else ""
        statements = [
            "DROP TRIGGER IF EXISTS audit_event_no_update;",
            "DROP TRIGGER IF EXISTS audit_event_no_delete;",
            "CREATE TRIGGER audit_event_no_update BEFORE UPDATE ON audit_auditevent "
            "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;",
            f"CREATE TRIGGER audit_event_no_delete BEFORE DELETE ON audit_auditevent {when}"
            "BEGIN SELECT RAISE(ABORT, 'audit events are append-only'); END;",
        ]
        if with_checkpoints:
            statements += [
                "CREATE TRIGGER IF NOT EXISTS audit_checkpoint_no_update BEFORE UPDATE ON audit_auditcheckpoint "
                "BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END;",
                "CREATE TRIGGER IF NOT EXISTS audit_checkpoint_no_delete BEFORE DELETE ON audit_auditcheckpoint "
                "BEGIN SELECT RAISE(ABORT, 'audit checkpoints are append-only'); END;",
            ]
        return statements
    if vendor == "postgresql":
        allow = (
            f"IF TG_OP = 'DELETE' AND OLD.seq <= {_PURGED_UP_TO} THEN RETURN OLD; END IF;"
            if with_checkpoints
            else ""
        )
        statements = [
            f"""CREATE OR REPLACE FUNCTION audit_event_append_only() RETURNS trigger AS $$
            BEGIN {allow} RAISE EXCEPTION 'audit events are append-only'; END; $$ LANGUAGE plpgsql;""",
            "DROP TRIGGER IF EXISTS audit_event_no_change ON audit_auditevent;",
            "CREATE TRIGGER audit_event_no_change BEFORE UPDATE OR DELETE ON audit_auditevent "
            "FOR EACH ROW EXECUTE FUNCTION audit_event_append_only();",
        ]
        if with_checkpoints:
            statements += [
                """CREATE OR REPLACE FUNCTION audit_checkpoint_append_only() RETURNS trigger AS $$
                BEGIN RAISE EXCEPTION 'audit checkpoints are append-only'; END; $$ LANGUAGE plpgsql;""",
                "DROP TRIGGER IF EXISTS audit_checkpoint_no_change ON audit_auditcheckpoint;",
                "CREATE TRIGGER audit_checkpoint_no_change BEFORE UPDATE OR DELETE ON audit_auditcheckpoint "
                "FOR EACH ROW EXECUTE FUNCTION audit_checkpoint_append_only();",
            ]
        return statements
    return []


_REMOVE = {
    "sqlite": [
        "DROP TRIGGER IF EXISTS audit_event_no_update;",
        "DROP TRIGGER IF EXISTS audit_event_no_delete;",
        "DROP TRIGGER IF EXISTS audit_checkpoint_no_update;",
        "DROP TRIGGER IF EXISTS audit_checkpoint_no_delete;",
    ],
    "postgresql": [
        "DROP TRIGGER IF EXISTS audit_event_no_change ON audit_auditevent;",
        "DROP TRIGGER IF EXISTS audit_checkpoint_no_change ON audit_auditcheckpoint;",
    ],
}


def _execute(connection: Any, statements: list[str]) -> None:
    with connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)


def guard_install(connection: Any, *, with_checkpoints: bool = True) -> None:
    _execute(connection, _install_statements(connection.vendor, with_checkpoints=with_checkpoints))


def guard_remove(connection: Any) -> None:
    _execute(connection, _REMOVE.get(connection.vendor, []))
