"""适用规则 — the project's pack evaluated with its facts, shaped for the page and for `govit policy explain`."""

from __future__ import annotations

from typing import Any

from govit.core import clock
from govit.policies.engine import FactsError, PackError
from govit.policies.services import policy_evaluate
from govit.projects.facts import project_facts
from govit.projects.models import Project

SEVERITY = {"hard": "刚性（不得/一律）", "soft": "原则性（可说明理由后变通）"}
SCOPE = {
    "in_scope": "纳入管理",
    "filing_only": "仅备案",
    "out_of_scope": "不属于管理范围",
    "partial": "部分条款适用",
}


def project_policy(project: Project, overlay: dict[str, Any] | None = None) -> dict[str, Any]:
    """The evaluation JSON, or {'error': message} when the project has no usable pack. With ``overlay``
    ({dotted fact path: value}): what the pack would say if a pending change were saved."""
    if not project.pack_code:
        return {"error": "该项目所在行政区划未配置政策包"}
    try:
        facts = project_facts(project, overlay)
        return policy_evaluate(pack_code=project.pack_code, facts=facts, on=clock.today())
    except (PackError, FactsError) as error:
        return {"error": str(error)}


def policy_objections(policy: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """What the pack objects to in an evaluation, by rule id: active findings and failing validations."""
    out: dict[str, dict[str, Any]] = {}
    for finding in policy.get("findings", []):
        if finding.get("status") == "active":
            out[finding["id"]] = finding
    for check in policy.get("validations", []):
        if check.get("status") == "fail":
            out[check["id"]] = check
    return out


def cite_text(item: dict[str, Any]) -> str:
    """A rule's citation in one line: 第十七条：“原文”；RJ-15、TH-03."""
    cite = item.get("cite") or {}
    ids = "、".join(item.get("catalogue") or [])
    text = f"{cite.get('article', '')}：“{cite.get('quote', '')}”"
    return f"{text}；{ids}" if ids else text


def _cite(item: dict[str, Any]) -> str:
    return f"〔{cite_text(item)}〕"


def project_policy_text(project: Project) -> str:
    """Chinese explanation, one line per item, each with its article."""
    result = project_policy(project)
    if "error" in result:
        return f"无法评估：{result['error']}"
    pack = result["pack"]
    lines = [
        f"项目：{project.name}（编号 {project.pk}）",
        f"适用政策包：{pack.get('jurisdiction')}《{pack.get('source', {}).get('title', '')}》"
        f"（{pack.get('source', {}).get('status', '')}，版本 {pack.get('version')}），评估日期 {result['on']}",
        f"管理范围：{SCOPE.get(result['scope']['status'], result['scope']['status'])}",
    ]
    for item in result["scope"]["matched"]:
        lines.append(f"  · {item.get('message', item.get('id'))} {_cite(item)}")
    lines.append("办理流程：")
    for stage in result["route"]:
        lines.append(f"  {stage.get('name', stage.get('id'))} {_cite(stage)}")
    lines.append("申报及各环节材料：")
    for stage, documents in result["documents"].items():
        for document in documents:
            lines.append(f"  [{stage}] {document.get('name', document.get('code'))} {_cite(document)}")
    lines.append("审查发现：")
    active = [f for f in result["findings"] if f.get("status") == "active"]
    for finding in active or []:
        lines.append(
            f"  {SEVERITY.get(finding.get('severity', ''), finding.get('severity', ''))} "
            f"{finding.get('message', finding.get('id'))} {_cite(finding)}"
        )
    if not active:
        lines.append("  无")
    lines.append("期限：")
    for deadline in result["deadlines"]:
        due = deadline.get("due") or "待触发"
        lines.append(f"  {deadline.get('name', deadline.get('id'))}：{due} {_cite(deadline)}")
    return "\n".join(lines)
