"""申报表 — the forms a pack asks the unit to fill when it declares (舒城 附件2, 石嘴山 附件1/附件2, 章贡 项目建设
情况表, and the checklists of 建设方案 contents), read from the pack, never coded per jurisdiction.

A field the pack maps to a fact the project already holds (项目名称, 简要说明, 总投资, 资金来源 …) is shown from the
project; every other field is filled here and kept in ``Project.form_data[form_id][key]``. A checklist keeps
the items the unit confirms its materials cover."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from govit.core.forms import has_markup
from govit.core.money import yuan_to_wan_text
from govit.policies.engine import PackError, load_pack
from govit.policies.engine.schema import Form, FormField
from govit.projects.models import Project
from govit.projects.textcheck import HIDDEN_CHARS_MESSAGE, has_hidden_chars

# Roles of the construction unit itself (see workflow: a stage only they act on is part of the declaration).
UNIT_ROLES = frozenset({"PROJECT_UNIT", "LEADER_SIGNOFF"})
DECLARATION_KINDS = frozenset({"planning", "form_submission"})

_PHONE = re.compile(r"^(\d{3,4}-?\d{7,8}(-\d{1,6})?|1[3-9]\d{9})$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$", re.ASCII)
MAX_TEXT = 200
MAX_LONGTEXT = 4000


# Stage kinds that belong after 立项; the way to 立项 stops before the first of them.
AFTER_APPROVAL_KINDS = frozenset(
    {
        "procurement",
        "contract",
        "implementation",
        "trial_run",
        "acceptance_application",
        "acceptance",
        "operation",
        "evaluation",
        "change_review",
    }
)


def is_declaration_side(kind: str, roles: Sequence[str]) -> bool:
    """A stage satisfied by the unit's own declaration: planning and form submission, or one only the unit
    (and its leadership) acts on (金乡 第八条 党委（党组）会议)."""
    return kind in DECLARATION_KINDS or bool(roles and set(roles) <= UNIT_ROLES)


def declaration_stage_ids(stages: Iterable[tuple[str, str, Sequence[str], bool]]) -> list[str]:
    """Of (id, kind, roles, grants 立项) in route order: the declaration-side stages before 立项."""
    ids: list[str] = []
    for stage_id, kind, roles, grants in stages:
        if kind in AFTER_APPROVAL_KINDS or grants:
            break
        if is_declaration_side(kind, roles):
            ids.append(stage_id)
    return ids


def _project_value(project: Project, fact: str) -> str | None:
    """The value of a field the pack maps to a fact the project holds, as shown on the form."""
    if fact == "name":
        return project.name
    if fact == "summary":
        return project.summary
    if fact == "nature":
        return project.get_nature_display()
    if fact == "procurement_category":
        return project.get_procurement_category_display()
    if fact in {"amounts.total", "amounts.total_excl_om"}:
        total = project.total_yuan - (project.cost_om if fact.endswith("excl_om") else 0)
        return yuan_to_wan_text(total)
    if fact.startswith("funding."):
        source = {
            "funding.fiscal_local": "fund_fiscal",
            "funding.fiscal_upper_province": "fund_upper",
            "funding.special_bond": "fund_bond",
            "funding.self_raised": "fund_self",
            "funding.social": "fund_social",
            "funding.other": "fund_other",
        }.get(fact)
        return yuan_to_wan_text(int(getattr(project, source))) if source else None
    return None


@dataclass
class BoundField:
    spec: FormField
    value: Any
    from_project: bool = False
    error: str = ""

    @property
    def label(self) -> str:
        return self.spec.label

    @property
    def key(self) -> str:
        return self.spec.key


@dataclass
class BoundForm:
    form: Form
    fields: list[BoundField] = field(default_factory=list)
    checked: list[str] = field(default_factory=list)  # checklist: the confirmed items

    @property
    def id(self) -> str:
        return self.form.id

    @property
    def is_checklist(self) -> bool:
        return self.form.kind == "checklist"

    @property
    def missing(self) -> list[str]:
        """Labels of required fields not filled in (or the checklist items not confirmed)."""
        if self.is_checklist:
            return [item for item in self.form.items if item not in self.checked]
        return [
            f.label for f in self.fields if f.spec.required and not f.from_project and f.value in (None, "")
        ]


def declaration_forms(project: Project) -> list[Form]:
    """The pack's forms that belong to the declaration (forms of stages the unit itself acts on)."""
    if not project.pack_code:
        return []
    try:
        pack = load_pack(project.pack_code).pack
    except PackError:
        return []
    declaring = set(declaration_stage_ids((s.id, s.kind, s.roles, s.grants_approval) for s in pack.route))
    return [
        form
        for form in pack.forms
        if form.stage in declaring and (form.kind == "checklist" or any(not f.computed for f in form.fields))
    ]


def bind(project: Project, form: Form, data: dict[str, Any] | None = None) -> BoundForm:
    """``form`` with the values saved for the project (or ``data`` just submitted)."""
    saved = (project.form_data or {}).get(form.id, {}) if data is None else data
    bound = BoundForm(form=form)
    if form.kind == "checklist":
        items = saved.get("checked", []) if isinstance(saved, dict) else []
        bound.checked = [item for item in form.items if item in items]
        return bound
    for spec in form.fields:
        shown = _project_value(project, spec.fact) if spec.fact else None
        if shown is not None:
            bound.fields.append(BoundField(spec=spec, value=shown, from_project=True))
        elif spec.computed:
            continue
        else:
            value = saved.get(spec.key) if isinstance(saved, dict) else None
            if value in (None, "") and spec.type == "org_ref" and spec.required and data is None:
                value = project.lead_unit.name
            bound.fields.append(BoundField(spec=spec, value=value))
    return bound


def _clean(spec: FormField, raw: Any) -> tuple[Any, str]:
    """(clean value, error message) for one field; the message names the field."""
    text = str(raw if raw is not None else "").strip()
    label = spec.label
    if spec.type == "bool":
        return text in {"on", "true", "1", "是"}, ""
    if not text:
        return "", f"请填写“{label}”" if spec.required else ""
    if has_markup(text):
        return "", f"“{label}”不能包含 HTML 标签或脚本"
    if has_hidden_chars(text):
        return "", f"“{label}”{HIDDEN_CHARS_MESSAGE}"
    if spec.type in {"text", "org_ref", "phone", "email"} and len(text) > MAX_TEXT:
        return "", f"“{label}”不能超过 {MAX_TEXT} 个字"
    if spec.type == "longtext":
        limit = spec.max_chars or MAX_LONGTEXT
        count = len("".join(text.split())) if spec.max_chars else len(text)
        if count > limit:
            return "", f"“{label}”不能超过 {limit} 字（当前 {count} 字，不计空白字符）"
    elif spec.max_chars and len(text) > spec.max_chars:
        return "", f"“{label}”不能超过 {spec.max_chars} 个字"
    if spec.type == "int":
        if not re.fullmatch(r"-?\d{1,12}", text):
            return "", f"“{label}”应为整数"
        return int(text), ""
    if spec.type in {"money_wan", "money_yuan"}:
        try:
            amount = Decimal(text.replace(",", ""))
        except InvalidOperation:
            return "", f"“{label}”应为金额数字"
        if not amount.is_finite():
            return "", f"“{label}”应为金额数字"
        if amount < 0 or amount > Decimal(10**12):
            return "", f"“{label}”应为不小于 0 的金额"
        return str(amount), ""
    if spec.type == "date":
        try:
            return dt.date.fromisoformat(text).isoformat(), ""
        except ValueError:
            return "", f"“{label}”的日期格式应为 YYYY-MM-DD"
    if spec.type == "month_range":
        parts = [p.strip() for p in re.split(r"[/至~]", text) if p.strip()]
        if len(parts) != 2 or not all(_MONTH.match(p) for p in parts):
            return "", f"“{label}”应填写起止年月（YYYY-MM 至 YYYY-MM）"
        if not all(2000 <= int(p[:4]) <= 2100 for p in parts):
            return "", f"“{label}”的年份应在 2000 至 2100 年之间"
        if parts[0] > parts[1]:
            return "", f"“{label}”的起始年月不能晚于结束年月"
        return f"{parts[0]}/{parts[1]}", ""
    if spec.type == "phone" and not _PHONE.match(text):
        return "", f"“{label}”应为固定电话（区号-号码）或 11 位手机号"
    if spec.type == "email" and not _EMAIL.match(text):
        return "", f"“{label}”的格式不正确"
    if spec.type == "choice" and spec.choices and text not in spec.choices:
        return "", f"“{label}”只能选择：{'、'.join(spec.choices)}"
    if spec.pattern and spec.type not in {"month_range"} and not re.fullmatch(spec.pattern, text):
        return "", f"“{label}”的格式不正确{('：' + spec.note) if spec.note else ''}"
    return text, ""


def form_check(project: Project, form: Form, raw: dict[str, Any]) -> tuple[dict[str, Any], dict[str, str]]:
    """The values to keep for ``form`` from ``raw`` (what the page posted), and {field key: error}."""
    if form.kind == "checklist":
        chosen = raw.get("checked") or []
        if not isinstance(chosen, list) or not all(isinstance(item, str) for item in chosen):
            return {}, {"checked": "清单应为所选条目名称的列表"}
        unknown = [item for item in chosen if item not in form.items]
        if unknown:
            return {}, {"checked": f"清单中没有这一项：{unknown[0]}"}
        return {"checked": [item for item in form.items if item in chosen]}, {}
    clean: dict[str, Any] = {}
    errors: dict[str, str] = {}
    for spec in form.fields:
        if (
            spec.computed
            or spec.type == "file"
            or (spec.fact and _project_value(project, spec.fact) is not None)
        ):
            continue  # files are materials (documents app); facts the project holds are not retyped
        given = raw.get(spec.key)
        if spec.type == "org_ref" and spec.required and not str(given or "").strip():
            # a required unit field left empty is the declaring unit itself; an optional one (the bureau that
            # reviews, e.g. 石嘴山 审查表's 审查单位) stays empty until that bureau fills it in
            given = project.lead_unit.name
        value, error = _clean(spec, given)
        if error:
            errors[spec.key] = error
        else:
            clean[spec.key] = value
    return clean, errors


# Facts the project's own fields carry; a form never overrides them.
_PROJECT_FACT_PREFIXES = ("amounts.", "funding.")


def _fact_value(spec: FormField, value: Any) -> Any:
    """A saved form value as the facts document wants it."""
    if value in (None, ""):
        return None
    if spec.type == "int":
        return int(value)
    if spec.type == "money_wan":
        return int(Decimal(str(value)) * 10_000)
    if spec.type == "money_yuan":
        return int(Decimal(str(value)))
    if spec.type == "bool":
        return bool(value)
    if spec.type == "date" and spec.fact in {"plan_start_month", "plan_end_month"}:
        return str(value)[:7]
    return value


def form_facts(project: Project) -> dict[str, Any]:
    """Facts the unit gave on its declaration forms (e.g. 石嘴山 免费运维期 → ``contract.free_om_months``), as
    {dotted path: value}; fields the project itself holds are left to the project."""
    out: dict[str, Any] = {}
    for form in declaration_forms(project):
        saved = (project.form_data or {}).get(form.id, {})
        for spec in form.fields:
            if not spec.fact or spec.fact.startswith(_PROJECT_FACT_PREFIXES) or spec.computed:
                continue
            if _project_value(project, spec.fact) is not None:
                continue
            value = _fact_value(spec, saved.get(spec.key) if isinstance(saved, dict) else None)
            if value is not None:
                out.setdefault(spec.fact, value)
    return out


def form_fact_paths(project: Project) -> set[str]:
    """Fact paths some declaration form of the project's pack collects."""
    return {
        spec.fact
        for form in declaration_forms(project)
        for spec in form.fields
        if spec.fact and not spec.computed and _project_value(project, spec.fact) is None
    }


def plan_months(project: Project) -> tuple[str | None, str | None]:
    """建设年度 / 建设周期 (the first month-range field of the declaration forms) as (YYYY-MM, YYYY-MM)."""
    for form in declaration_forms(project):
        for spec in form.fields:
            if spec.type != "month_range":
                continue
            value = (project.form_data or {}).get(form.id, {}).get(spec.key)
            if isinstance(value, str) and "/" in value:
                start, end = value.split("/", 1)
                return start, end
    return None, None


def forms_missing(project: Project) -> list[tuple[str, str]]:
    """(form id, message) for each declaration form with required fields still empty."""
    out = []
    for form in declaration_forms(project):
        bound = bind(project, form)
        if bound.is_checklist:
            continue  # a checklist is the unit's own confirmation; the reviewer sees what is unconfirmed
        if bound.missing:
            out.append((form.id, f"《{form.name}》尚未填写：{'、'.join(bound.missing)}"))
    return out


def sample_values(project: Project, form: Form) -> dict[str, Any]:
    """Plausible values for every field of ``form`` (demo data and tests)."""
    if form.kind == "checklist":
        return {"checked": list(form.items)}
    samples: dict[str, Any] = {
        "text": "张明",
        "longtext": "按申报要求填写的内容。",
        "org_ref": project.lead_unit.name,
        "phone": "0564-8888000",
        "email": "xxb@example.gov.cn",
        "date": dt.date(project.year - 1, 7, 20).isoformat(),
        "month_range": f"{project.year}-01/{project.year}-12",
        "int": "1",
        "money_wan": "0",
        "money_yuan": "0",
        "bool": "on",
    }
    values: dict[str, Any] = {}
    for spec in form.fields:
        if spec.fact in {"contract.free_om_months", "contract.service_months"}:
            values[spec.key] = "36"  # 石嘴山 第十四条: free O&M ≥ 3 years, service ≤ 3 years
        elif spec.type == "choice":
            values[spec.key] = spec.choices[0] if spec.choices else ""
        else:
            values[spec.key] = samples.get(spec.type, "")
    return values
