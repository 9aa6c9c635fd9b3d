"""Golden fixtures: the reviewed expected output of each raw document, as readable JSON.

``tests/fixtures/<format>/<raw file name>.json`` holds, per table, the rows the document gives
(fields that change from run to run — ``extracted_at``, ``parser_version``, paths — are left
out). ``planparse golden`` (``make golden``) regenerates them; ``diff_fixture`` explains a
difference field by field, keyed by each table's primary key.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from planparse.pipeline import FileResult, tables_of
from planparse.schemas.common import TABLES

__all__ = ["diff_fixture", "dumps", "fixture_data", "fixture_path", "write_fixture"]

# Fields that differ between runs or machines, not between parser outputs.
VOLATILE: dict[str, frozenset[str]] = {
    "documents": frozenset({"extracted_at", "parser_version", "source_path", "duplicate_paths"}),
    "extraction_issues": frozenset({"source_path"}),
}
_KEYS = {m.__table__: m.__primary_key__ for m in TABLES}


def fixture_path(fixtures_dir: str | Path, result: FileResult) -> Path:
    """``<fixtures_dir>/<format>/<raw file name>.json``. Raises ValueError for an undetected file."""
    if result.document.format is None:
        raise ValueError(f"{result.path}: no format detected, no fixture")
    return Path(fixtures_dir) / result.document.format / f"{result.document.file_name}.json"


def fixture_data(result: FileResult) -> dict[str, list[dict[str, Any]]]:
    """The rows of one file per table (all tables, empty ones included), volatile fields removed,
    values made JSON-ready."""
    data = {}
    for name, rows in tables_of([result]).items():
        drop = VOLATILE.get(name, frozenset())
        data[name] = [{k: _jsonable(v) for k, v in row.items() if k not in drop} for row in rows]
    return data


def _jsonable(value: Any) -> Any:
    if isinstance(value, list):
        return [_jsonable(v) for v in value]
    if isinstance(value, Decimal):  # a JSON number: exact for every DECIMAL(18,4) of 15 digits or fewer
        as_float = float(value)
        return as_float if Decimal(repr(as_float)) == value else str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def dumps(data: Mapping[str, Any]) -> str:
    """Serialise fixture data: UTF-8 text (no escapes), one field per line, stable order."""
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def write_fixture(fixtures_dir: str | Path, result: FileResult) -> Path:
    """Write the fixture of ``result`` and return its path (folders are created)."""
    path = fixture_path(fixtures_dir, result)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(dumps(fixture_data(result)), encoding="utf-8")
    return path


def diff_fixture(expected: Mapping[str, Sequence[Mapping[str, Any]]],
                 actual: Mapping[str, Sequence[Mapping[str, Any]]], *, limit: int = 60) -> list[str]:
    """Explain how ``actual`` differs from ``expected``, one line per difference.

    Rows are matched by the table's primary key. Lines look like
    ``initiatives[19a4f9746102:17].name: expected '…' got '…'``, ``… missing row`` or
    ``… unexpected row``. At most ``limit`` lines (plus a count of the rest). Empty list = equal.
    """
    lines: list[str] = []
    for table in sorted(set(expected) | set(actual)):
        keys = _KEYS.get(table, ())
        exp_rows = _index(expected.get(table, ()), keys)
        act_rows = _index(actual.get(table, ()), keys)
        for key, exp in exp_rows.items():
            act = act_rows.get(key)
            if act is None:
                lines.append(f"{table}[{key}]: missing row (expected {_short(exp)})")
                continue
            for field in sorted(set(exp) | set(act)):
                if exp.get(field) != act.get(field):
                    lines.append(f"{table}[{key}].{field}: expected {_short(exp.get(field))} "
                                 f"got {_short(act.get(field))}")
        for key, act in act_rows.items():
            if key not in exp_rows:
                lines.append(f"{table}[{key}]: unexpected row {_short(act)}")
    if len(lines) > limit:
        return [*lines[:limit], f"... and {len(lines) - limit} more differences"]
    return lines


def _index(rows: Sequence[Mapping[str, Any]], keys: tuple[str, ...]) -> dict[str, Mapping[str, Any]]:
    out: dict[str, Mapping[str, Any]] = {}
    for n, row in enumerate(rows):
        key = ":".join(str(row.get(k)) for k in keys) if keys and all(k in row for k in keys) else f"#{n}"
        if key in out:
            key = f"{key}#{n}"
        out[key] = row
    return out


def _short(value: Any, width: int = 120) -> str:
    text = repr(value)
    return text if len(text) <= width else text[: width - 3] + "..."
