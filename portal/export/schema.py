"""The published JSON Schema of exports (schemas/case-export.schema.json) and validation."""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

SCHEMA_PATH = Path(__file__).resolve().parent.parent.parent / "schemas" / "case-export.schema.json"


@functools.cache
def load() -> dict[str, Any]:
    """The schema document."""
    value: dict[str, Any] = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    return value


def errors(cases: list[dict[str, Any]]) -> list[str]:
    """Validation messages (empty when the export is valid)."""
    from jsonschema import Draft202012Validator

    validator = _validator(Draft202012Validator)
    return [f"{'/'.join(str(p) for p in e.absolute_path)}: {e.message}"[:200]
            for e in validator.iter_errors(cases)]


@functools.cache
def _validator(cls: Any) -> Any:
    return cls(load())
