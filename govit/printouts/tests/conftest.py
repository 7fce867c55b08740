"""The demo's people in all five jurisdictions (no demo projects: each test declares its own), and a drawn
expert panel that has scored and concluded."""

from __future__ import annotations

from typing import Any

import pytest

from govit.accounts.models import User
from govit.experts.models import DrawMember, Expert
from govit.experts.packrules import scoring_table_for
from govit.experts.services import expert_draw, expert_review_submit, panel_conclude
from govit.printouts.tests.helpers import declare
from govit.projects.services import declaration_submit


@pytest.fixture
def demo(db: Any, media_root: Any) -> None:
    from govit.portal.demo import demo_load

    demo_load(projects=False)


@pytest.fixture
def panel(demo: None) -> dict[str, Any]:
    """A submitted 上城 declaration, a panel of three (and a backup) drawn by the bureau, every panel expert's
    scores, and the panel's conclusion — whose opinion happens to read like a spreadsheet formula."""
    project = declare("shc", name="上城区智慧医疗平台")
    project = declaration_submit(actor=User.objects.get(username="shc_clerk"), project=project)
    for number, expert in enumerate(
        Expert.objects.filter(jurisdiction__name="上城区").order_by("pk"), start=1
    ):
        expert.phone = f"1381234{number:04d}"
        expert.id_number = f"33010219800101{number:03d}X"
        expert.save(update_fields=["phone", "id_number"])
    reviewer = User.objects.get(username="shc_reviewer")
    draw = expert_draw(
        actor=reviewer, project=project, stage_id="ST-004-05", size=3, backups=1, seed=20261123
    )
    table = scoring_table_for("shangcheng", draw.stage_id)
    assert table is not None
    members = list(DrawMember.objects.filter(draw=draw, is_backup=False).select_related("expert__user"))
    for offset, member in enumerate(members):
        expert_review_submit(
            actor=member.expert.user,
            member=member,
            scores={c.code: c.weight - offset for c in table.criteria},
            opinion="建设必要，方案可行。",
            recommended_budget_yuan=1_500_000 + offset * 10_000,
            verdict="pass",
        )
    panel_conclude(
        actor=reviewer, draw=draw, outcome="pass", opinion='=HYPERLINK("http://example.com","同意")'
    )
    return {"project": project, "draw": draw, "members": members, "table": table}
