"""Compare two extractions of one document (its text and its replica PDF) record by record.

Records are compared by what they say, not where they stand: provenance (``source_line*``,
``source_page``), ids (the document id is the hash of the file's bytes, so it differs between the
text and the PDF) and whitespace are left out. Whitespace is normalised by removing every
whitespace character (ASCII and U+3000): a PDF's line breaks and spaces are layout, not content.

Keys per table (what the issue's judges count):
* ``initiatives``: (code, name); ``measures``: (code, name);
* ``annual_entries``: (code, fiscal_year, status, target);
* ``kpi_values``: (code, fiscal_year, kind, value, unit);
* ``glossary_terms``: (term, definition).
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from planparse.pipeline import FileResult, tables_of

KEYS: dict[str, tuple[str, ...]] = {
    "initiatives": ("code", "name"),
    "measures": ("code", "name"),
    "annual_entries": ("code", "fiscal_year", "status", "target"),
    "kpi_values": ("code", "fiscal_year", "kind", "value", "unit"),
    "glossary_terms": ("term", "definition"),
}


def _norm(value: Any) -> Any:
    if isinstance(value, str):
        return "".join(value.split())
    if isinstance(value, float):
        return round(value, 6)
    return value


def record_keys(result: FileResult) -> dict[str, Counter]:
    """Per table of ``KEYS``: a multiset of the normalised key tuples of ``result``'s rows."""
    tables = tables_of([result])
    out: dict[str, Counter] = {}
    for table, fields in KEYS.items():
        keys: Counter = Counter()
        for row in tables.get(table, []):
            row = dict(row)
            if "code" in fields and "code" not in row and row.get("initiative_id"):
                row["code"] = str(row["initiative_id"]).split(":", 1)[1]
            keys[tuple(_norm(row.get(f)) for f in fields)] += 1
        out[table] = keys
    return out


def agreement(expected: FileResult, actual: FileResult) -> dict[str, float]:
    """Per table: shared records / the larger of the two counts (1.0 when both have none)."""
    a, b = record_keys(expected), record_keys(actual)
    out = {}
    for table in KEYS:
        larger = max(sum(a[table].values()), sum(b[table].values()))
        out[table] = 1.0 if larger == 0 else sum((a[table] & b[table]).values()) / larger
    return out


def differences(expected: FileResult, actual: FileResult, *, limit: int = 12) -> list[str]:
    """Readable lines naming records only one side has (at most ``limit`` per table and side)."""
    a, b = record_keys(expected), record_keys(actual)
    lines = []
    for table in KEYS:
        for label, only in (("only in text", a[table] - b[table]), ("only in PDF", b[table] - a[table])):
            for key in list(only)[:limit]:
                lines.append(f"{table} {label}: {tuple(str(k)[:50] for k in key)}")
    return lines
