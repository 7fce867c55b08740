"""统计分析汇总 — keeping the summary rows (``models``) equal to the live aggregates.

Each declared project contributes to a few summary rows: its status row, its lead unit's row, and one row per
responsible organisation of its overdue obligations, per status of its acceptance applications and per kind and
conclusion of its evaluations. ``ProjectTally`` remembers what each project contributed last. When a project
changes, its contribution is worked out again from the source tables (a handful of indexed reads of that one
project) and the difference is added to the rows it touches, so a change costs the same at any scale. A row that
would have to go below zero means the summary missed a change (bulk work without the rebuild): the project's
jurisdiction is then recomputed in full. ``summary_recompute`` (the rebuild) works the contributions out for many
projects at once and adds them up."""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Collection, Iterable
from typing import Any

from django.db import IntegrityError, connection, transaction
from django.db.models import Count, Q, QuerySet

from govit.acceptance.models import AcceptanceApplication, Evaluation
from govit.dashboards.choices import AMOUNT_BANDS
from govit.dashboards.models import ProjectTally, RecordCell, RecordKind, StatusCell, UnitCell
from govit.obligations.choices import ObligationState
from govit.obligations.models import Obligation
from govit.projects.choices import Status
from govit.projects.models import Project
from govit.workflow.models import ProjectApproval

STATUS_SUMS = ("n", "yuan", *(f"band{i}_{part}" for i in range(len(AMOUNT_BANDS)) for part in ("n", "yuan")))
UNIT_SUMS = ("n", "yuan", "approved_n", "requested_yuan", "approved_yuan")
RECORD_SUMS = ("n", "projects")

# a summary row: (table, identity...) — "S" (jurisdiction, year, status), "U" (jurisdiction, year, lead unit),
# "R" (jurisdiction, year, kind, key, conclusion); a contribution maps each row to the sums it adds there
Cells = dict[str, list[int]]
_TABLES: dict[str, tuple[type[Any], tuple[str, ...], tuple[str, ...]]] = {
    "S": (StatusCell, ("jurisdiction_id", "year", "status"), STATUS_SUMS),
    "U": (UnitCell, ("jurisdiction_id", "year", "lead_unit_id"), UNIT_SUMS),
    "R": (RecordCell, ("jurisdiction_id", "year", "kind", "key", "conclusion"), RECORD_SUMS),
}


class _Stale(Exception):
    """The summary does not hold what a project contributed before."""


def _cell(table: str, *identity: Any) -> str:
    return json.dumps([table, *identity], ensure_ascii=False)


def _band(total: int) -> int:
    return next(
        index
        for index, (_label, low, high) in enumerate(AMOUNT_BANDS)
        if total >= low and (high is None or total < high)
    )


def _project_cells(row: dict[str, Any]) -> Cells:
    """The status and unit rows of one declared project (``row`` from ``_PROJECT_COLUMNS``)."""
    jur, year, total = row["jurisdiction_id"], row["year"], row["total_yuan"]
    status_sums = [1, total] + [0] * (2 * len(AMOUNT_BANDS))
    band = _band(total)
    status_sums[2 + 2 * band], status_sums[3 + 2 * band] = 1, total
    approved = row["approval__approved_budget_yuan"]
    unit_sums = [1, total, 0, 0, 0] if approved is None else [1, total, 1, total, approved]
    return {
        _cell("S", jur, year, row["status"]): status_sums,
        _cell("U", jur, year, row["lead_unit_id"]): unit_sums,
    }


_PROJECT_COLUMNS = (
    "pk",
    "jurisdiction_id",
    "year",
    "status",
    "lead_unit_id",
    "total_yuan",
    "approval__approved_budget_yuan",
)


def _record_groups(project_q: Q, obligation_q: Q) -> Iterable[tuple[int, str, str, str, int]]:
    """(project, kind, key, conclusion, count) of the overdue obligations (key: the responsible organisation),
    acceptance applications (key: status) and evaluations (key: kind) of the projects ``project_q`` selects
    (``obligation_q``: the same with the obligation's own columns, which its indexes serve)."""
    for group in (
        Obligation.objects.filter(project_q, obligation_q, state=ObligationState.OVERDUE)
        .values_list("project_id", "organisation_id")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        yield group[0], RecordKind.OVERDUE, str(group[1]), "", group[2]
    for group in (
        AcceptanceApplication.objects.filter(project_q)
        .values_list("project_id", "status")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        yield group[0], RecordKind.ACCEPTANCE, group[1], "", group[2]
    for group in (
        Evaluation.objects.filter(project_q)
        .values_list("project_id", "kind", "conclusion")
        .annotate(n=Count("pk"))
        .order_by()
    ):
        yield group[0], RecordKind.EVALUATION, group[1], group[2], group[3]


def _contributions(projects: QuerySet[Project], project_q: Q, obligation_q: Q) -> dict[int, Cells]:
    """Each declared project's contribution; ``project_q`` selects the same projects by ``project__…``."""
    found: dict[int, Cells] = {}
    where: dict[int, tuple[int, int]] = {}
    for row in projects.exclude(status=Status.DRAFT).values(*_PROJECT_COLUMNS).order_by():
        found[row["pk"]] = _project_cells(row)
        where[row["pk"]] = (row["jurisdiction_id"], row["year"])
    if found:
        for project_id, kind, key, conclusion, n in _record_groups(project_q, obligation_q):
            if project_id in where:
                found[project_id][_cell("R", *where[project_id], kind, key, conclusion)] = [n, 1]
    return found


def _table(model: type[Any]) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _one_project(cursor: Any, project_id: int) -> Cells:
    """``_contributions`` for one project, in plain SQL: it runs inside every audited change of a project, where
    building the same few queries through the ORM would cost more than the database takes to answer them."""
    cursor.execute(
        f"SELECT p.status, p.jurisdiction_id, p.year, p.lead_unit_id, p.total_yuan, a.approved_budget_yuan "
        f"FROM {_table(Project)} p LEFT JOIN {_table(ProjectApproval)} a ON a.project_id = p.id WHERE p.id = %s",
        [project_id],
    )
    row = cursor.fetchone()
    if row is None or row[0] == Status.DRAFT:
        return {}
    status, jur, year, lead_unit_id, total, approved = row
    cells = _project_cells(
        {
            "jurisdiction_id": jur,
            "year": year,
            "status": status,
            "lead_unit_id": lead_unit_id,
            "total_yuan": total,
            "approval__approved_budget_yuan": approved,
        }
    )
    cursor.execute(
        f"SELECT organisation_id, COUNT(*) FROM {_table(Obligation)} WHERE project_id = %s AND state = %s "
        f"GROUP BY organisation_id",
        [project_id, ObligationState.OVERDUE.value],
    )
    for organisation_id, n in cursor.fetchall():
        cells[_cell("R", jur, year, RecordKind.OVERDUE.value, str(organisation_id), "")] = [n, 1]
    cursor.execute(
        f"SELECT status, COUNT(*) FROM {_table(AcceptanceApplication)} WHERE project_id = %s GROUP BY status",
        [project_id],
    )
    for application_status, n in cursor.fetchall():
        cells[_cell("R", jur, year, RecordKind.ACCEPTANCE.value, application_status, "")] = [n, 1]
    cursor.execute(
        f"SELECT kind, conclusion, COUNT(*) FROM {_table(Evaluation)} WHERE project_id = %s "
        f"GROUP BY kind, conclusion",
        [project_id],
    )
    for kind, conclusion, n in cursor.fetchall():
        cells[_cell("R", jur, year, RecordKind.EVALUATION.value, kind, conclusion)] = [n, 1]
    return cells


def _add(cursor: Any, table: str, identity: list[Any], sums: list[int]) -> None:
    """Add ``sums`` (some may be negative) to one summary row; a row left with no project or record goes."""
    model, keys, names = _TABLES[table]
    changed = [(name, value) for name, value in zip(names, sums, strict=True) if value]
    if not changed:
        return
    where = " AND ".join(f"{_column(model, key)} = %s" for key in keys)
    assign = ", ".join(f"{_column(model, name)} = {_column(model, name)} + %s" for name, _value in changed)
    cursor.execute(
        f"UPDATE {_table(model)} SET {assign} WHERE {where}", [value for _name, value in changed] + identity
    )
    if cursor.rowcount:
        cursor.execute(f"DELETE FROM {_table(model)} WHERE {where} AND n = 0", identity)
        return
    if any(value < 0 for value in sums):
        raise _Stale
    extra = (
        {"organisation_id": int(identity[3])} if table == "R" and identity[2] == RecordKind.OVERDUE else {}
    )
    try:
        with transaction.atomic():
            model.objects.create(
                **dict(zip(keys, identity, strict=True)), **extra, **dict(zip(names, sums, strict=True))
            )
    except IntegrityError:  # another transaction created the row meanwhile (PostgreSQL)
        cursor.execute(
            f"UPDATE {_table(model)} SET {assign} WHERE {where}",
            [value for _name, value in changed] + identity,
        )


def _column(model: type[Any], name: str) -> str:
    return connection.ops.quote_name(model._meta.get_field(name.removesuffix("_id")).column)


def _tally(cursor: Any, project_id: int) -> Cells | None:
    cursor.execute(f"SELECT cells FROM {_table(ProjectTally)} WHERE project_id = %s", [project_id])
    row = cursor.fetchone()
    if row is None:
        return None
    cells = row[0]
    return cells if isinstance(cells, dict) else json.loads(cells)


def summary_project_refresh(project_id: int) -> None:
    """Bring the summary up to date with one project's current state, inside the caller's transaction."""
    with connection.cursor() as cursor:
        tally = _tally(cursor, project_id)
        old: Cells = tally or {}
        new = _one_project(cursor, project_id)
        if new == old:
            return
        try:
            with transaction.atomic():
                for cell in sorted(set(old) | set(new)):  # one order for every writer
                    before, after = old.get(cell), new.get(cell)
                    width = len(before or after or [])
                    sums = [(after or [0] * width)[i] - (before or [0] * width)[i] for i in range(width)]
                    table, *identity = json.loads(cell)
                    _add(cursor, table, identity, sums)
                if tally is None:
                    ProjectTally.objects.create(project_id=project_id, cells=new)
                else:
                    ProjectTally.objects.filter(project_id=project_id).update(cells=new)
        except (_Stale, IntegrityError):  # e.g. a row would go below zero
            jurisdictions = {json.loads(cell)[1] for cell in set(old) | set(new)}
            summary_recompute(jurisdiction_ids=jurisdictions)


def summary_projects_refresh(project_ids: Collection[int]) -> None:
    """``summary_project_refresh`` for many projects at once (bulk work such as the obligation scan): their
    contributions in a few grouped queries, the differences added up per summary row, the tallies rewritten.
    The caller holds the transaction."""
    ids = sorted(set(project_ids))
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start : start + _CHUNK]
        in_chunk = Q(project_id__in=chunk)
        new = _contributions(Project.objects.filter(pk__in=chunk), in_chunk, in_chunk)
        old = dict(ProjectTally.objects.filter(in_chunk).values_list("project_id", "cells"))
        changed = [pk for pk in chunk if new.get(pk, {}) != old.get(pk, {})]
        if not changed:
            continue
        totals: dict[str, list[int]] = {}
        for pk in changed:
            for cells, sign in ((old.get(pk, {}), -1), (new.get(pk, {}), 1)):
                for cell, sums in cells.items():
                    total = totals.setdefault(cell, [0] * len(sums))
                    for index, value in enumerate(sums):
                        total[index] += sign * value
        try:
            with transaction.atomic(), connection.cursor() as cursor:
                for cell in sorted(totals):
                    table, *identity = json.loads(cell)
                    _add(cursor, table, identity, totals[cell])
                ProjectTally.objects.filter(project_id__in=changed).delete()
                ProjectTally.objects.bulk_create(
                    (ProjectTally(project_id=pk, cells=new[pk]) for pk in changed if pk in new),
                    batch_size=1000,
                )
        except (_Stale, IntegrityError):
            jurisdictions = {json.loads(cell)[1] for cell in totals}
            summary_recompute(jurisdiction_ids=jurisdictions)


_CHUNK = 2000


def summary_recompute(*, jurisdiction_ids: Collection[int] | None = None) -> None:
    """Rewrite the summary rows and tallies of the given jurisdictions (all when None) from the source tables.
    The caller holds the transaction."""
    if jurisdiction_ids is not None and not jurisdiction_ids:
        return
    where = Q(jurisdiction_id__in=list(jurisdiction_ids)) if jurisdiction_ids is not None else Q()
    project_q = (
        Q(project__jurisdiction_id__in=list(jurisdiction_ids)) if jurisdiction_ids is not None else Q()
    )
    for model in (StatusCell, UnitCell, RecordCell):
        model.objects.filter(where).delete()
    ProjectTally.objects.filter(project_q).delete()
    # an obligation's jurisdiction is its project's (``obligations_sync``); asking both lets the index serve
    found = _contributions(Project.objects.filter(where), project_q, where)
    totals: dict[str, list[int]] = defaultdict(list)
    for cells in found.values():
        for cell, sums in cells.items():
            total = totals[cell]
            if total:
                for index, value in enumerate(sums):
                    total[index] += value
            else:
                total.extend(sums)
    made: dict[str, list[Any]] = defaultdict(list)
    for cell, sums in totals.items():
        table, *identity = json.loads(cell)
        model, keys, names = _TABLES[table]
        extra = (
            {"organisation_id": int(identity[3])}
            if table == "R" and identity[2] == RecordKind.OVERDUE
            else {}
        )
        made[table].append(
            model(**dict(zip(keys, identity, strict=True)), **extra, **dict(zip(names, sums, strict=True)))
        )
    for table, rows in made.items():
        _TABLES[table][0].objects.bulk_create(rows, batch_size=500)
    ProjectTally.objects.bulk_create(
        (ProjectTally(project_id=pk, cells=cells) for pk, cells in found.items()), batch_size=1000
    )
