"""The README stays true: its example queries run on a fresh extraction, its commands exist."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from planparse.pipeline import extract
from tests.conftest import REVIEWED_RAW

README = Path(__file__).resolve().parent.parent / "README.md"


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("readme_out")
    assert extract(REVIEWED_RAW, out).ok
    return out / "planparse.duckdb"


def _queries() -> list[str]:
    text = README.read_text(encoding="utf-8")
    out = []
    for block in re.findall(r"```sql\n(.*?)```", text, re.S):
        for stmt in block.split(";"):
            sql = "\n".join(line for line in stmt.splitlines() if not line.strip().startswith("--")).strip()
            if sql:
                out.append(sql)
    return out


def test_readme_has_example_queries() -> None:
    assert len(_queries()) >= 5


@pytest.mark.parametrize("sql", _queries())
def test_readme_query_runs_and_returns_rows(database: Path, sql: str) -> None:
    con = duckdb.connect(str(database), read_only=True)
    try:
        assert con.execute(sql).fetchall(), sql
    finally:
        con.close()


def test_readme_make_targets_exist() -> None:
    makefile = (README.parent / "Makefile").read_text(encoding="utf-8")
    for target in re.findall(r"^make (\w+)", README.read_text(encoding="utf-8"), re.M):
        assert re.search(rf"^{target}:", makefile, re.M), f"make {target} is in the README but not in the Makefile"


def test_quick_start_query_shows_every_city(database: Path) -> None:
    text = README.read_text(encoding="utf-8")
    quick_start = text[text.index("## Quick start"):text.index("## What it reads")]
    sql = re.search(r"\.sql\('([^']+)'\)", quick_start).group(1)
    con = duckdb.connect(str(database), read_only=True)
    try:
        cursor = con.execute(sql)
        columns = [d[0] for d in cursor.description]
        rows = {r[0]: dict(zip(columns, r, strict=True)) for r in cursor.fetchall()}
    finally:
        con.close()
    assert set(rows) == {"八王子市", "武蔵野市", "昭島市", "小金井市"}
    for city, row in rows.items():  # the README's printed table is what the query gives
        shown = re.search(rf"│ {city}\s*│\s*(\d+) │\s*(\d+) │\s*(\d+) │\s*(\d+) │", quick_start)
        assert shown and [int(n) for n in shown.groups()] == [
            row["negative"], row["partial"], row["positive"], row["unassessed"]], city
