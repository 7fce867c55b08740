"""提交申报 / 撤回申报 stay short transactions: the statements of each are pinned, and the pack is evaluated
once for the check and once for what follows the change (the stage the review starts at and the obligations
share it)."""

from __future__ import annotations

from typing import Any

import pytest

from govit.projects import policy
from govit.projects.choices import Status
from govit.projects.services import declaration_submit, declaration_withdraw

# the audit listeners' statements count too (workflow, obligations, 统计分析 summary); 查重 runs on the worker
# after the commit (``similarity.services.project_check_later``)
SUBMIT_QUERIES = 54
WITHDRAW_QUERIES = 30


@pytest.fixture
def evaluations(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    made: list[int] = []
    evaluate = policy.policy_evaluate

    def counted(**kwargs: Any) -> Any:
        made.append(1)
        return evaluate(**kwargs)

    monkeypatch.setattr(policy, "policy_evaluate", counted)
    return made


def test_submit_and_withdraw_statements_and_evaluations_are_pinned(
    world: Any, make_project: Any, django_assert_num_queries: Any, evaluations: list[int]
) -> None:
    clerk = world["users"]["clerk"]
    project = make_project()
    evaluations.clear()
    with django_assert_num_queries(SUBMIT_QUERIES):
        project = declaration_submit(actor=clerk, project=project)
    assert project.status == Status.SUBMITTED and project.current_stage
    assert len(evaluations) == 2
    evaluations.clear()
    with django_assert_num_queries(WITHDRAW_QUERIES):
        project = declaration_withdraw(actor=clerk, project=project, reason="材料需要补充")
    assert project.status == Status.DRAFT
    assert len(evaluations) == 1
