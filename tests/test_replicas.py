"""Every seed document drawn as a PDF (``tests/replicas.py``) gives the dataset of its text.

The replica PDFs are built by code from ``data/raw`` (the seeds) in several layouts: one column of
text boxes, two columns of text boxes, and for the Markdown formats ruled A3 landscape tables
that wrap their cells and continue across pages. Records are compared as ``tests/agreement.py``
says (no provenance, no ids, whitespace removed).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import pytest

from planparse.ingest import load_bytes
from planparse.pipeline import FileResult, extract_file
from tests.agreement import agreement, differences, record_keys
from tests.conftest import RAW, extracted
from tests.replicas import LAYOUTS, cell_lines, font_path, pieces, replica_pdf

try:
    font_path()
    HAVE_FONT = True
except FileNotFoundError:  # pragma: no cover - CI installs the font
    HAVE_FONT = False

pytestmark = pytest.mark.skipif(not HAVE_FONT, reason="no Japanese TrueType font (apt-get install fonts-ipaexfont-gothic)")

TEXT_LAYOUTS = ("flow", "two_column")
CASES = [pytest.param(p.name, layout)
         for p in sorted(RAW.iterdir()) if p.is_file()
         for layout in (LAYOUTS if p.suffix == ".md" else TEXT_LAYOUTS)]


@cache
def replica(name: str, layout: str) -> bytes:
    return replica_pdf((RAW / name).read_text(encoding="utf-8"), layout)


@cache
def replica_result(name: str, layout: str, tmp: str) -> FileResult:
    path = Path(tmp) / f"{Path(name).stem}.{layout}.pdf"
    path.write_bytes(replica(name, layout))
    return extract_file(path)


@pytest.fixture(scope="session")
def replica_dir(tmp_path_factory) -> str:
    return str(tmp_path_factory.mktemp("replicas"))


@pytest.mark.parametrize(("name", "layout"), CASES)
def test_replica_pdf_gives_the_texts_records(name: str, layout: str, replica_dir: str) -> None:
    text, pdf = extracted(name), replica_result(name, layout, replica_dir)
    assert pdf.document.source_kind == "pdf" and pdf.document.page_count
    assert pdf.document.format == text.document.format
    new_errors = sorted({i.code for i in pdf.issues if i.severity == "error"}
                        - {i.code for i in text.issues if i.severity == "error"})
    assert not new_errors, f"{name} ({layout}): errors only in the PDF: {new_errors}"
    scores = agreement(text, pdf)
    assert all(v == 1.0 for v in scores.values()), (
        f"{name} ({layout}): {scores}\n" + "\n".join(differences(text, pdf)))
    keys = record_keys(text)
    assert sum(sum(c.values()) for c in keys.values()) > 50  # the comparison is not vacuous


@pytest.mark.parametrize("name", [p.name for p in sorted(RAW.iterdir()) if p.suffix == ".txt"])
def test_single_column_replica_text_equals_the_seed(name: str) -> None:
    """Layout analysis gives back the seed line for line (whitespace-only boxes and trailing
    spaces aside: a PDF drops them); the page of every line is known."""
    seed = (RAW / name).read_text(encoding="utf-8").split("\n")
    doc = load_bytes(replica(name, "flow"), path="replica.pdf")

    def boxes(lines) -> list[list[str]]:
        out: list[list[str]] = [[]]
        for line in lines:
            if line.strip():
                out[-1].append(line.rstrip())
            elif out[-1]:
                out.append([])
        return [box for box in out if box]

    assert boxes(seed) == boxes(doc.lines)
    assert doc.line_pages is not None and len(doc.line_pages) == len(doc.lines)
    assert doc.line_pages[0] == 1 and doc.line_pages[-1] == doc.page_count


def test_two_column_pages_are_read_column_by_column() -> None:
    name = "akishima_digital_plan_midterm_2024.txt"
    one = load_bytes(replica(name, "flow"), path="a.pdf")
    two = load_bytes(replica(name, "two_column"), path="b.pdf")
    assert two.page_count < one.page_count
    assert [s for s in one.lines if s.strip()] == [s for s in two.lines if s.strip()]


@pytest.mark.parametrize("name", [p.name for p in sorted(RAW.iterdir()) if p.suffix == ".md"])
def test_ruled_tables_come_back_as_cells(name: str) -> None:
    """Every tab-separated row of the Markdown becomes one row of ``doc.tables`` with the same cells
    (HTML line breaks as line breaks), continued tables joined, repeated header rows dropped."""
    text = (RAW / name).read_text(encoding="utf-8")
    runs = [p for p in pieces(text) if not hasattr(p, "lines")]
    doc = load_bytes(replica(name, "a3_tables"), path="t.pdf")
    assert len(doc.tables) == len(runs)
    assert any(len({doc.page_of(r.line) for r in t.rows if r.line}) > 1 for t in doc.tables), "no table continued"
    for run, table in zip(runs, doc.tables, strict=True):
        expected = [tuple("".join("".join(cell_lines(c)).split()) for c in row) for row in run.rows]
        got = [tuple("".join(c.split()) for c in row.cells) for row in table.rows]
        assert got == [e + ("",) * (len(g) - len(e)) for e, g in zip(expected, got, strict=True)]
        assert all(row.line is not None and "\t" in doc.line(row.line) for row in table.rows)
