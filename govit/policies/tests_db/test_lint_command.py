"""`govit policy lint [FILE …]`: a bureau checks a draft pack before installing it."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

MADEUP = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "madeup.yaml"


def test_lint_checks_a_draft_file(capsys):
    call_command("policy_lint", str(MADEUP))
    assert "政策包检查通过" in capsys.readouterr().out


def test_lint_names_file_rule_and_problem_of_a_broken_draft(tmp_path, capsys):
    draft = tmp_path / "draft.yaml"
    draft.write_text(MADEUP.read_text(encoding="utf-8").replace('op: ">="', 'op: "≥"', 1), encoding="utf-8")
    with pytest.raises(CommandError, match="政策包检查未通过"):
        call_command("policy_lint", str(draft))
    err = capsys.readouterr().err
    assert "draft.yaml" in err and "MU-TH-1" in err


def test_lint_refuses_a_missing_file():
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("policy_lint", "/nonexistent/pack.yaml")
