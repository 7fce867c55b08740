"""Load policy packs from ``govit/policies/packs/*.yaml``: validate, resolve ``extends``, compile, cache."""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from .compiled import CompiledPack, compile_pack
from .errors import PackError, Problem
from .schema import Pack

__all__ = ["PACKS_DIR", "clear_cache", "list_packs", "load_pack", "load_pack_file", "read_pack"]

PACKS_DIR = Path(__file__).resolve().parent.parent / "packs"
_LIST_KINDS = Pack.RULE_KINDS
_Loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)

_cache: dict[tuple[str, str], CompiledPack] = {}
_lock = threading.Lock()


def clear_cache() -> None:
    with _lock:
        _cache.clear()


def _rel(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(PACKS_DIR.parent.parent.parent))
    except ValueError:
        return str(path)


def _read_yaml(path: Path) -> dict[str, Any]:
    name = _rel(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise PackError([Problem(name, None, f"无法读取文件: {exc.strerror}")]) from None
    try:
        data = yaml.load(text, Loader=_Loader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (第{mark.line + 1}行)" if mark is not None else ""
        raise PackError(
            [Problem(name, None, f"YAML 语法错误{where}: {getattr(exc, 'problem', exc)}")]
        ) from None
    if not isinstance(data, dict):
        raise PackError([Problem(name, None, "政策包顶层必须是映射 (meta, route, findings, ...)")])
    return data


def _rule_id_at(data: dict[str, Any], loc: tuple[Any, ...]) -> str | None:
    if len(loc) >= 2 and loc[0] in _LIST_KINDS and isinstance(loc[1], int):
        try:
            rid = data[loc[0]][loc[1]].get("id")
        except (KeyError, IndexError, AttributeError, TypeError):
            rid = None
        return str(rid) if rid else f"{loc[0]}[{loc[1]}]"
    if loc and loc[0] in ("meta", "defs"):
        return str(loc[0])
    return None


def _validate(data: dict[str, Any], path: Path) -> Pack:
    try:
        return Pack.model_validate(data)
    except ValidationError as exc:
        name = _rel(path)
        problems = []
        for err in exc.errors():
            loc = tuple(err["loc"])
            rid = _rule_id_at(data, loc)
            field_path = ".".join(str(p) for p in loc)
            msg = err["msg"]
            if err["type"] == "extra_forbidden":
                msg = "unknown key (typo?)"
            elif err["type"] == "missing":
                msg = "required key missing"
            problems.append(Problem(name, rid, f"{field_path}: {msg}"))
        raise PackError(problems) from None


def read_pack(path: Path | str) -> Pack:
    """Parse and schema-validate one pack file (no extends, no compile)."""
    p = Path(path)
    return _validate(_read_yaml(p), p)


def _pack_files(dirs: list[Path]) -> list[Path]:
    files: list[Path] = []
    for d in dirs:
        if d.is_dir():
            files.extend(sorted(f for f in d.glob("*.yaml") if not f.name.startswith("_")))
    return files


def _find(code: str, dirs: list[Path]) -> Path:
    for f in _pack_files(dirs):
        if f.stem == code:
            return f
    for f in _pack_files(dirs):
        try:
            meta = _read_yaml(f).get("meta") or {}
        except PackError:
            continue
        if isinstance(meta, dict) and code in (meta.get("code"), meta.get("catalogue_code")):
            return f
    raise PackError(f"未知的政策包: {code}")


def _merge(parent: Pack, child: Pack) -> Pack:
    """Child rules override parent rules with the same id; new child rules are appended."""
    update: dict[str, Any] = {}
    removed = set(child.remove)
    for kind in _LIST_KINDS:
        child_rules = {r.id: r for r in getattr(child, kind)}
        merged = []
        for r in getattr(parent, kind):
            if r.id in removed:
                continue
            merged.append(child_rules.pop(r.id, r))
        merged.extend(r for r in getattr(child, kind) if r.id in child_rules)
        update[kind] = merged
    update["defs"] = {**parent.defs, **child.defs}
    update["not_encodable"] = [*parent.not_encodable, *child.not_encodable]
    update["similarity"] = child.similarity or parent.similarity
    update["remove"] = []
    return child.model_copy(update=update)


def _resolve(path: Path, dirs: list[Path], chain: tuple[str, ...] = ()) -> tuple[Pack, list[str]]:
    pack = read_pack(path)
    files = [_rel(path)]
    parent_code = pack.meta.extends
    if parent_code is None:
        return pack, files
    if parent_code in chain or parent_code == pack.meta.code:
        raise PackError([Problem(_rel(path), "meta", f"extends cycle: {' -> '.join((*chain, parent_code))}")])
    try:
        parent_path = _find(parent_code, [path.parent, *dirs])
    except PackError:
        raise PackError([Problem(_rel(path), "meta", f"extends 未知的政策包: {parent_code}")]) from None
    parent, parent_files = _resolve(parent_path, dirs, (*chain, pack.meta.code))
    return _merge(parent, pack), files + parent_files


def load_pack_file(path: Path | str, packs_dir: Path | str | None = None) -> CompiledPack:
    """Load, resolve ``extends`` (looked up beside the file and in ``packs_dir``) and compile one file."""
    p = Path(path).resolve()
    dirs = [Path(packs_dir) if packs_dir else PACKS_DIR]
    key = (str(p), str(p.stat().st_mtime_ns) if p.exists() else "")
    with _lock:
        hit = _cache.get(key)
    if hit is not None:
        return hit
    pack, files = _resolve(p, dirs)
    compiled = compile_pack(pack, _rel(p), files)
    with _lock:
        _cache[key] = compiled
    return compiled


def load_pack(code: str, packs_dir: Path | str | None = None) -> CompiledPack:
    """Compiled pack by code (file stem, ``meta.code`` or ``meta.catalogue_code``); cached."""
    d = Path(packs_dir) if packs_dir else PACKS_DIR
    key = (f"code:{code}", str(d))
    with _lock:
        hit = _cache.get(key)
    if hit is not None:
        return hit
    compiled = load_pack_file(_find(code, [d]), d)
    with _lock:
        _cache[key] = compiled
    return compiled


def list_packs(packs_dir: Path | str | None = None) -> list[dict[str, Any]]:
    """Summary of every pack file in the packs directory (files starting with '_' are skipped)."""
    d = Path(packs_dir) if packs_dir else PACKS_DIR
    out: list[dict[str, Any]] = []
    for f in _pack_files([d]):
        try:
            meta = read_pack(f).meta
        except PackError as exc:
            out.append({"code": f.stem, "file": _rel(f), "error": str(exc)})
            continue
        out.append(
            {
                "code": meta.code,
                "catalogue_code": meta.catalogue_code,
                "jurisdiction": meta.jurisdiction,
                "status": meta.source.status,
                "version": meta.version,
                "extends": meta.extends,
                "file": _rel(f),
            }
        )
    return out
