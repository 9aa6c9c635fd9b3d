"""planparse report: self-contained pages built from the DuckDB file, real values on them."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest
from typer.testing import CliRunner

from planparse.cli import app
from planparse.pipeline import extract
from planparse.report import build_report
from tests.conftest import RAW, REVIEWED_RAW

CITIES = ("八王子市", "武蔵野市", "昭島市", "小金井市")


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("report_data")
    assert extract(REVIEWED_RAW, out).ok
    return out, build_report(out, out / "report")


def _pages(report) -> list[Path]:
    return [report.index, *report.pages]


def test_overview_names_the_four_cities_with_four_charts(built) -> None:
    _, report = built
    html = report.index.read_text(encoding="utf-8")
    assert report.cities == list(CITIES)  # municipality-code order
    for city in CITIES:
        assert f"<h3>{city}</h3>" in html
    assert html.count("<svg") == 5
    for heading in ("Status per fiscal year", "Themes × cities", "KPI achievement", "Extraction issues"):
        assert f"<h2>{heading}</h2>" in html
    assert "170 initiatives, 448 annual entries" in html  # the Hachioji action plan's card


def test_pages_are_self_contained(built) -> None:
    _, report = built
    names = {p.name for p in _pages(report)}
    for page in _pages(report):
        html = page.read_text(encoding="utf-8")
        assert "<script" not in html and "<link" not in html and "@import" not in html
        assert not re.search(r"url\((?!#)", html), page.name  # only in-page references (SVG gradients)
        assert not re.search(r"\bsrc=|<img|<iframe|<object", html), page.name
        anchors = set(re.findall(r'id="([^"]+)"', html))
        for target in re.findall(r'href="([^"]*)"', html):
            inside = target[1:] in anchors if target.startswith("#") else target in names
            assert inside, f"{page.name} links outside the report (or to a missing anchor): {target}"
        assert "IPAexGothic" in html  # the CJK font is named in the CSS and in the charts' text
        assert re.search(r'<text[^>]*font-family="IPAexGothic', html)


def test_one_page_per_document_with_its_issues_and_source_lines(built) -> None:
    out, report = built
    con = duckdb.connect(str(out / "planparse.duckdb"), read_only=True)
    try:
        docs = con.execute("select document_id, format from documents").fetchall()
        assert len(report.pages) == len(docs) == 5
        for doc_id, fmt in docs:
            page = out / "report" / f"{fmt}-{doc_id}.html"
            html = page.read_text(encoding="utf-8")
            issues = con.execute("select code, source_line from extraction_issues where document_id = ?",
                                 [doc_id]).fetchall()
            assert f"Extraction issues ({len(issues)})" in html
            assert html.count('<td class="sev-') == len(issues)
            code, line = next((c, s) for c, s in issues if s is not None)
            assert re.search(rf'<td>{re.escape(code)}</td><td class="num">{line}</td>', html), (fmt, code, line)
    finally:
        con.close()


def test_document_page_shows_status_per_year(built) -> None:
    _, report = built
    page = next(p for p in report.pages if p.name.startswith("musashino_progress_sheet-"))
    html = page.read_text(encoding="utf-8")
    assert all(f"<th>FY{fy}</th>" in html for fy in (2023, 2024, 2025))
    assert html.count("<svg") >= 2  # status per year and KPI target vs actual (and issues)
    # an issue that belongs to a record links to the record's row
    assert re.search(r'<td><a href="#i-(\d+)">\1</a></td>', html) and 'id="i-17"' in html
    # the first 取組事項 (code 1) is 概ね達成 in FY2023 and 達成 in FY2024, per the sheet
    row = re.search(r'<tr id="i-1"><td>1</td>.*?</tr>', html, re.S).group(0)
    assert re.findall(r'<td class="status (\w+)"[^>]*>([^<]*)</td>', row)[:2] == [
        ("partial", "概ね達成"), ("positive", "達成")]


def test_report_command_writes_index(built, tmp_path: Path) -> None:
    out, _ = built
    result = CliRunner().invoke(app, ["report", "--data", str(out), "--out", str(tmp_path / "r")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "r" / "index.html").exists() and "5 document pages" in result.output


def test_report_without_extraction_is_a_clear_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["report", "--data", str(tmp_path), "--out", str(tmp_path / "r")])
    assert result.exit_code == 2 and "run `planparse extract` first" in result.output


def test_a_failed_document_gets_a_page_with_its_error(tmp_path: Path) -> None:
    minutes = tmp_path / "minutes.txt"
    minutes.write_text("議事録\n第1回 会議\n", encoding="utf-8")
    out = tmp_path / "out"
    extract([RAW / "musashino_info_plan7_progress.md", minutes], out)
    report = build_report(out, out / "report")
    assert report.cities == ["武蔵野市"]
    index = report.index.read_text(encoding="utf-8")
    assert "Documents without a municipality" in index and "minutes.txt" in index
    page = next(p for p in report.pages if p.name.startswith("unknown-"))
    html = page.read_text(encoding="utf-8")
    assert '<td class="sev-error">error</td><td>unknown_format</td>' in html
    assert "Supported formats: hachioji_action_plan" in html


def test_overall_assessment_is_the_documents_own(built) -> None:
    # Akishima 施策12: 未達成 in the FY2022/2023 results, △ (minor revision) as the mid-term verdict
    _, report = built
    page = next(p for p in report.pages if p.name.startswith("akishima_midterm_report-"))
    row = re.search(r'<tr id="i-12"><td>12</td>.*?</tr>', page.read_text(encoding="utf-8"), re.S).group(0)
    cells = re.findall(r'<td class="status (\w*)"[^>]*>([^<]*)</td>', row)
    assert cells[:2] == [("negative", "未達成"), ("negative", "未達成")]
    assert cells[-1] == ("partial", "△")
