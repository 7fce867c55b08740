"""Checking a document against its schema, offline: govit-projects 1.0 (JSON Schema 2020-12) and the OCDS
1.1.5 release package (draft-04, as OCDS uses), whose ``$ref`` to the release schema's URL is answered from
the vendored copy in schemas/ocds-1.1.5/."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from jsonschema import Draft4Validator, Draft202012Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

SCHEMAS = Path(__file__).resolve().parent / "schemas"
PROJECTS_SCHEMA = SCHEMAS / "govit-projects-1.0.schema.json"
OCDS_DIR = SCHEMAS / "ocds-1.1.5"


def _load(path: Path) -> dict[str, Any]:
    with path.open(encoding="utf-8") as handle:
        data: dict[str, Any] = json.load(handle)
    return data


@cache
def projects_schema() -> dict[str, Any]:
    return _load(PROJECTS_SCHEMA)


@cache
def ocds_schemas() -> tuple[dict[str, Any], dict[str, Any]]:
    """(release package schema, release schema) of OCDS 1.1.5."""
    return _load(OCDS_DIR / "release-package-schema.json"), _load(OCDS_DIR / "release-schema.json")


@cache
def _projects_validator() -> Draft202012Validator:
    return Draft202012Validator(projects_schema(), format_checker=Draft202012Validator.FORMAT_CHECKER)


@cache
def _ocds_validator() -> Draft4Validator:
    package, release = ocds_schemas()
    registry: Registry[Any] = Registry().with_resource(
        release["id"], Resource.from_contents(release, default_specification=DRAFT4)
    )
    return Draft4Validator(package, registry=registry, format_checker=Draft4Validator.FORMAT_CHECKER)


def _messages(errors: Any) -> list[str]:
    found = sorted(errors, key=lambda error: list(error.absolute_path))
    return [
        f"{'/'.join(str(p) for p in error.absolute_path) or '（根）'}：{error.message}" for error in found
    ]


def projects_errors(document: dict[str, Any]) -> list[str]:
    """Each way ``document`` departs from govit-projects 1.0, as “path：problem”; empty when valid."""
    return _messages(_projects_validator().iter_errors(document))


def ocds_errors(package: dict[str, Any]) -> list[str]:
    """Each way ``package`` departs from the OCDS 1.1.5 release package schema; empty when valid."""
    return _messages(_ocds_validator().iter_errors(package))
