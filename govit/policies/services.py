"""Evaluating a pack with the database's working-day calendar; the engine itself stays pure."""

from __future__ import annotations

import datetime as dt
from typing import Any

from govit.core import clock
from govit.policies.engine import Facts, evaluate, load_pack
from govit.policies.selectors import work_calendar


def policy_evaluate(
    *, pack_code: str, facts: dict[str, Any] | Facts, on: dt.date | None = None
) -> dict[str, Any]:
    """The evaluation JSON; raises PackError (unknown or broken pack) or FactsError (bad facts)."""
    pack = load_pack(pack_code)
    result = evaluate(pack, Facts.from_dict(facts), on=on or clock.today(), calendar=work_calendar())
    return result.to_dict()
