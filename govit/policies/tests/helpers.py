"""Helpers shared by the policy-pack test modules (``test_pack_*.py``).

Pure Python: no Django import, so the modules still run with ``-p no:django``. Each pack module keeps
its own tables, boundary values and catalogue id sets; only the generic plumbing lives here — the
``pack`` fixture, evaluating a dict of facts, looking up thresholds and findings in an evaluation, and
the "coverage of the catalogue" checks.

Assertions here are not rewritten by pytest, so every ``assert`` carries an explicit message.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path
from typing import Any

import pytest

from govit.policies.engine import CompiledPack, Evaluation, Facts, evaluate, load_pack

__all__ = [
    "CATALOGUE",
    "ON",
    "D",
    "EvFor",
    "amounts",
    "assert_catalogue_items_covered",
    "assert_catalogue_rows",
    "assert_finding_fires",
    "assert_recurring_after_acceptance",
    "assert_route_covers_stages",
    "assert_rules_cite",
    "catalogue_row_ids",
    "catalogue_text",
    "ev_for",
    "finding",
    "id_range",
    "pack_fixture",
    "requires_catalogue",
    "threshold_entry",
    "threshold_met",
]

D = dt.date
ON = D(2026, 6, 1)
"""Default evaluation date."""

CATALOGUE = Path("/work/shared/docs/rules-catalogue.md")
"""The shared rules catalogue the test names and ids cite (absent in some checkouts)."""

requires_catalogue = pytest.mark.skipif(not CATALOGUE.exists(), reason="shared catalogue not present")
"""Skip a test that reads :data:`CATALOGUE` when it is not present."""

EvFor = Callable[..., Evaluation]
"""Signature of a module's ``ev_for(pack, on=ON, **facts)``."""


# ------------------------------------------------------------------ fixture and evaluation


def pack_fixture(code: str) -> Any:
    """A module-scoped ``pack`` fixture loading pack ``code``; assign it as ``pack = pack_fixture(...)``."""

    @pytest.fixture(scope="module", name="pack")
    def _pack() -> CompiledPack:
        return load_pack(code)

    return _pack


def ev_for(pack: CompiledPack, on: dt.date = ON, **facts: Any) -> Evaluation:
    """Evaluate ``facts`` (validated through :meth:`Facts.from_dict`) against ``pack`` on date ``on``."""
    return evaluate(pack, Facts.from_dict(facts), on=on)


def amounts(total: int, om: int | None = None) -> dict[str, int]:
    """Cost heads for a project of ``total`` 元: all software, or ``om`` of it O&M when ``om`` is given."""
    if om is None:
        return {"software": total}
    return {"software": total - om, "om": om}


# ------------------------------------------------------------------ lookups in an evaluation


def threshold_met(ev: Evaluation, rule_id: str) -> bool:
    """Whether a threshold is met; an inapplicable one (``when`` false, read as None) counts as not met.

    An id the pack does not have still raises KeyError.
    """
    return ev.threshold(rule_id) is True


def threshold_entry(ev: Evaluation, rule_id: str) -> dict[str, Any]:
    """The JSON threshold entry (with ``measure_value``, ``unit`` and ``met``) for ``rule_id``."""
    return next(t for t in ev.to_dict()["thresholds"] if t["id"] == rule_id)


def finding(ev: Evaluation, rule_id: str) -> dict[str, Any]:
    """The JSON finding entry (with ``severity``, ``effects``, ``cite``, ``status``…) for ``rule_id``."""
    return next(f for f in ev.to_dict()["findings"] if f["id"] == rule_id)


# ------------------------------------------------------------------ shared checks


def assert_finding_fires(fired: Evaluation, quiet: Evaluation, rule_id: str) -> dict[str, Any]:
    """``rule_id`` fires in ``fired`` (citing an article and a catalogue item) and not in ``quiet``.

    Returns the finding's JSON entry for module-specific checks (severity, effects…).
    """
    assert rule_id in fired.finding_ids, f"{rule_id} does not fire: {fired.finding_ids}"
    assert rule_id not in quiet.finding_ids, f"{rule_id} fires on the quiet facts"
    f = finding(fired, rule_id)
    assert f["cite"]["article"] and f["catalogue"], f"{rule_id} lacks a cite or catalogue: {f}"
    return f


def assert_recurring_after_acceptance(ev_for: EvFor, pack: CompiledPack, rule_id: str) -> None:
    """A recurring deadline: no trigger before 竣工验收, recurring (no fixed due) after, ended once
    the system is decommissioned. ``ev_for`` is the module's evaluator (it may add default facts)."""
    d = ev_for(pack).deadline(rule_id)
    assert d is not None and d["status"] == "no_trigger", (rule_id, d)
    accepted = {"final_acceptance": D(2026, 1, 10)}
    d = ev_for(pack, dates=accepted).deadline(rule_id)
    assert d is not None and (d["status"], d["due"]) == ("recurring", None), (rule_id, d)
    d = ev_for(pack, dates={**accepted, "decommissioned": D(2026, 5, 1)}).deadline(rule_id)
    assert d is not None and d["status"] == "ended", (rule_id, d)


def assert_route_covers_stages(pack: CompiledPack, catalogue_code: str, count: int) -> None:
    """The route's stages cite exactly ``ST-<code>-01`` … ``ST-<code>-<count>``."""
    prefix = f"ST-{catalogue_code}"
    ids = {c for s in pack.pack.route for c in s.catalogue if c.startswith(f"{prefix}-")}
    expected = id_range(prefix, 1, count)
    assert ids == expected, f"missing {sorted(expected - ids)}, unexpected {sorted(ids - expected)}"


# ------------------------------------------------------------------ coverage of the catalogue


def id_range(prefix: str, first: int, last: int) -> set[str]:
    """Catalogue ids ``<prefix>-<first>`` … ``<prefix>-<last>`` (inclusive, at least two digits)."""
    return {f"{prefix}-{i:02d}" for i in range(first, last + 1)}


@cache
def catalogue_text() -> str:
    """The text of :data:`CATALOGUE` (read once)."""
    return CATALOGUE.read_text(encoding="utf-8")


def catalogue_row_ids(
    id_pattern: str, catalogue_code: str | None = None, section: tuple[str, str] | None = None
) -> set[str]:
    """Ids matching ``id_pattern`` that start a catalogue table row.

    With ``catalogue_code`` the row's second column must be that code (``| TH-01 | 000 |``); with
    ``section`` only the text between the two headings ``(start, end)`` is searched.
    """
    text = catalogue_text()
    if section:
        start, end = section
        text = text.split(start, 1)[1].split(end, 1)[0]
    code = rf" {re.escape(catalogue_code)} \|" if catalogue_code else ""
    return set(re.findall(rf"^\| ({id_pattern}) \|{code}", text, re.M))


def assert_catalogue_rows(catalogue_code: str, th: set[str], dl: set[str]) -> None:
    """The catalogue's threshold (TH) and deadline (DL) tables list exactly ``th`` / ``dl`` for the code."""
    got_th = catalogue_row_ids(r"TH-\d+", catalogue_code)
    got_dl = catalogue_row_ids(r"DL-\d+", catalogue_code)
    assert got_th == th, f"{catalogue_code} thresholds: catalogue {sorted(got_th)} != {sorted(th)}"
    assert got_dl == dl, f"{catalogue_code} deadlines: catalogue {sorted(got_dl)} != {sorted(dl)}"


def assert_catalogue_items_covered(pack: CompiledPack, ids: Iterable[str]) -> None:
    """Every catalogue id in ``ids`` is cited by a rule of ``pack`` or listed under ``not_encodable``."""
    covered = {c for _kind, rule in pack.pack.all_rules() for c in rule.catalogue}
    covered |= {n.catalogue for n in pack.pack.not_encodable}
    missing = set(ids) - covered
    assert not missing, f"neither encoded nor listed under not_encodable: {sorted(missing)}"


def assert_rules_cite(
    pack: CompiledPack, *, article_pattern: str | None = None, ambiguity_prefix: str | None = None
) -> None:
    """Every rule cites an article and a quote and names a catalogue item; its ambiguity id, if any, is
    defined (``**A-…**``) in the catalogue when the catalogue is present.

    ``article_pattern`` must then match the whole article (e.g. ``¶\\d+``); ``ambiguity_prefix`` must
    start every ambiguity id (e.g. ``A-SZS-``).
    """
    text = catalogue_text() if CATALOGUE.exists() else None
    for _kind, rule in pack.pack.all_rules():
        assert rule.cite.article and rule.cite.quote, f"{rule.id}: no article or quote"
        if article_pattern is not None:
            assert re.fullmatch(article_pattern, rule.cite.article), f"{rule.id}: {rule.cite.article!r}"
        assert rule.catalogue, f"{rule.id}: no catalogue item"
        if rule.ambiguity:
            if ambiguity_prefix is not None:
                assert rule.ambiguity.startswith(ambiguity_prefix), f"{rule.id}: {rule.ambiguity}"
            if text is not None:
                assert f"**{rule.ambiguity}**" in text, f"{rule.id}: {rule.ambiguity} not in the catalogue"
