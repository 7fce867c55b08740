"""/api/v1/policy — what applies to a project, and why."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.http import HttpRequest
from ninja import Router, Schema

from govit.core.errors import ServiceError
from govit.policies.engine import FactsError, PackError, facts_json_schema, list_packs
from govit.policies.services import policy_evaluate

router = Router(tags=["政策规则"])


class EvaluateIn(Schema):
    pack: str
    facts: dict[str, Any]
    on: dt.date | None = None


class FactsInvalid(Exception):
    def __init__(self, error: FactsError) -> None:
        super().__init__(str(error))
        self.errors = {path: [message] for path, message in error.fields}


@router.post("/policy/evaluate")
def evaluate_facts(request: HttpRequest, payload: EvaluateIn) -> dict[str, Any]:
    try:
        return policy_evaluate(pack_code=payload.pack, facts=payload.facts, on=payload.on)
    except PackError as error:
        raise ServiceError(str(error), field="pack") from None
    except FactsError as error:
        raise FactsInvalid(error) from None


@router.get("/policy/packs")
def packs(request: HttpRequest) -> list[dict[str, Any]]:
    return list_packs()


@router.get("/policy/schema")
def schema(request: HttpRequest) -> dict[str, Any]:
    return facts_json_schema()
