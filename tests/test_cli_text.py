"""`planparse text`: the numbered lines (and pages) that source_line refers to, for a PDF as for text."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from planparse.cli import app
from planparse.pipeline import extract_file
from tests.conftest import RAW
from tests.pdfs import table_pdf, text_pdf

runner = CliRunner()


def test_text_file_lines_are_numbered() -> None:
    result = runner.invoke(app, ["text", str(RAW / "musashino_info_plan7_progress.md"), "--lines", "3-3"])
    assert result.exit_code == 0, result.output
    assert result.output == "3  第七次総合情報化基本計画の施策進捗管理シート\n"


def test_pdf_lines_show_their_page(tmp_path: Path) -> None:
    pdf = tmp_path / "a.pdf"
    pdf.write_bytes(text_pdf([["第一頁 令和５年度", "二行目"], ["第二頁 1,003件"]]))
    result = runner.invoke(app, ["text", str(pdf)])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines() == ["1  p1   第一頁 令和５年度", "2  p1   二行目", "3  p1   ",
                                          "4  p2   第二頁 1,003件", "5  p2   "]


def test_a_pdf_record_is_traced_to_its_line(tmp_path: Path) -> None:
    """The source_line_start of an initiative read from a PDF points at its name in `planparse text`."""
    from tests.replicas import replica_pdf

    pdf = tmp_path / "akishima.pdf"
    pdf.write_bytes(replica_pdf((RAW / "akishima_digital_plan_midterm_2024.txt").read_text(encoding="utf-8")))
    result = extract_file(pdf)
    initiative = next(i for i in result.rows.initiatives if i.code == "13")
    out = runner.invoke(app, ["text", str(pdf), "--lines", f"{initiative.source_line_start}-{initiative.source_line_start}"])
    assert out.exit_code == 0
    assert "AI・RPA" in out.output and f"p{initiative.source_page}" in out.output


def test_tables_are_printed_with_cells(tmp_path: Path) -> None:
    pdf = tmp_path / "t.pdf"
    pdf.write_bytes(table_pdf([["基本施策", "施策番号"], ["I 窓口サービスの利便性向上", "1"]]))
    result = runner.invoke(app, ["text", str(pdf), "--tables"])
    assert result.exit_code == 0, result.output
    assert "table 1 (page 1" in result.output and "I 窓口サービスの利便性向上 | 1" in result.output


def test_unreadable_file_is_a_clear_error(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    result = runner.invoke(app, ["text", str(tmp_path / "empty.txt")])
    assert result.exit_code == 1 and "empty_file" in result.output
