"""The README stays true: its example queries run on a fresh extraction, its commands exist."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from planparse.pipeline import extract
from tests.conftest import RAW, REVIEWED_RAW_FILES

README = Path(__file__).resolve().parent.parent / "README.md"


@pytest.fixture(scope="module")
def database(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("readme_out")
    assert extract([RAW / name for name in sorted(REVIEWED_RAW_FILES)], out).ok
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
