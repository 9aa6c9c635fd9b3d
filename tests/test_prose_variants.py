"""The two prose formats (Hachioji DX plan, Akishima mid-term report) give the same records from what
another PDF of the same document gives (``tests/text_variants.py``): whitespace-only boxes missing,
no trailing spaces, no leading spaces, private-use bullets lost, boxes split or merged, page numbers elsewhere, boxes
of a page in another order, all of them at once, and that last text drawn as a PDF.

Records are compared field by field (not only the judged keys): whitespace removed, and for the
variants that drop glyphs the private-use glyphs removed on both sides. Provenance (line numbers)
is left out: it moves with the lines.
"""

from __future__ import annotations

from collections import Counter
from functools import cache
from pathlib import Path

import pytest
import regex

from planparse.normalize import match_key
from planparse.pipeline import FileResult, extract_file
from tests.conftest import RAW, extracted
from tests.text_variants import VARIANTS, combined, move_blocks, split_boxes

DX = "hachioji_dx_plan_2022.txt"
AKI = "akishima_digital_plan_midterm_2024.txt"
_NOISE = regex.compile(r"[\s\ue000-\uf8ff]")


_DOC_ID = regex.compile(r"^[0-9a-f]{12}:")  # ids carry the document id (the hash of the file's bytes)


def _n(value: object) -> object:
    if isinstance(value, list):
        return tuple(_n(v) for v in value)
    return _NOISE.sub("", _DOC_ID.sub("", value)) if isinstance(value, str) else value


def _rows(result: FileResult, table: str, fields: tuple[str, ...]) -> Counter:
    return Counter(tuple(_n(getattr(r, f)) for f in fields) for r in getattr(result.rows, table))


FIELDS: dict[str, dict[str, tuple[str, ...]]] = {
    DX: {
        "policies": ("code", "name", "subtitle", "description"),
        "measures": ("code", "name", "policy_code", "policy_name", "objective", "description", "current_state",
                     "background", "direction"),
        "glossary_terms": ("seq", "term", "reading", "definition"),
        "glossary_references": ("marked_text", "term_seq", "measure_id"),
    },
    AKI: {
        "policies": ("code", "name"),
        "initiatives": ("code", "name", "summary", "target_text", "status_raw", "status", "assessment",
                        "lead_department", "departments", "start_fy", "end_fy", "schedule", "report_name"),
        "annual_entries": ("initiative_id", "fiscal_year", "plan", "target", "result", "status_raw", "status", "note"),
        "kpi_values": ("initiative_id", "fiscal_year", "kind", "metric", "value", "unit"),
        "document_figures": ("scope", "metric", "value"),
    },
}


def _objective_first(text: str) -> str:
    """DX plan: every 目的・あるべき姿 box (its label up to the next page start, label or bullet) read
    before the page's 現状 label, as a PDF whose reading order takes the bottom box first gives."""
    def stop(line: str) -> bool:
        return line[:1] == " " or match_key(line).startswith(("現状", "背景", "事業の方向性", "施策", "基本方針")) \
            or "\uf09f" in line[:2]
    return move_blocks(split_boxes(text, every=10**9), region=lambda ln: regex.match(r"^\s?施策[①-⑳]", ln) is not None,
                       start=lambda ln: match_key(ln).startswith("目的・あるべき姿"), stop=stop,
                       before=lambda ln: match_key(ln).startswith("現状"))


def _progress_first(text: str) -> str:
    """Akishima: every report's 達成状況・今後の課題 box read before its yearly 事業達成状況 boxes."""
    return move_blocks(split_boxes(text, every=10**9), region=lambda ln: match_key(ln) == "事業名担当部署",
                       start=lambda ln: match_key(ln) == "達成状況・今後の課題",
                       stop=lambda ln: match_key(ln).startswith("スケジュール"),
                       before=lambda ln: "年度の事業達成状況" in match_key(ln))


def _glossary_pages_rotated(text: str) -> str:
    """DX plan: on every 用語集 page the first entry is read after the page's other entries (a page whose
    reading order differs); the entries keep their 項番."""
    lines = text.split("\n")
    start = next(i for i, ln in enumerate(lines) if match_key(ln) == "項番用語説明")
    end = next(i for i in range(start, len(lines)) if match_key(lines[i]) == "参考資料")
    pages: list[list[str]] = [[]]
    for ln in lines[start:end]:
        if match_key(ln) == "項番用語説明" and pages[-1]:
            pages.append([])
        pages[-1].append(ln)
    out: list[str] = []
    for page in pages:
        heads = [i for i, ln in enumerate(page) if regex.match(r"^\d{1,2}  \S", ln)]
        if len(heads) < 2:
            out.extend(page)
            continue
        first, rest = page[heads[0]:heads[1]], page[heads[1]:]
        tail = len(rest)
        while tail > 0 and (not rest[tail - 1].strip() or regex.match(r"^\s*\d{1,3}\s*$", rest[tail - 1])):
            tail -= 1  # blank lines and the printed page number stay at the page's end
        out.extend(page[:heads[0]] + rest[:tail] + [""] + first + rest[tail:])
    return "\n".join(lines[:start] + out + lines[end:])


def _period_first(text: str) -> str:
    """Akishima: every report's 事業期間 box read before its 事業名 担当部署 box (between the heading and
    the 基本データ label)."""
    return move_blocks(split_boxes(text, every=10**9), region=lambda ln: match_key(ln) == "事業名担当部署",
                       start=lambda ln: match_key(ln).startswith("事業期間"),
                       stop=lambda ln: len(ln.strip()) == 1 or match_key(ln).startswith("目的・実施内容"),
                       before=lambda ln: match_key(ln) == "事業名担当部署")


REORDER = {DX: lambda text: _glossary_pages_rotated(_objective_first(text)),
           AKI: lambda text: _period_first(_progress_first(text))}
CASES = [pytest.param(name, variant, id=f"{name.split('_')[0]}-{variant}")
         for name in (DX, AKI) for variant in [*VARIANTS, "reorder"]
         if (name, variant) != (AKI, "lost_glyphs")]  # the report has no private-use glyph to lose


@cache
def _variant_result(name: str, variant: str, folder: str) -> FileResult:
    text = (RAW / name).read_text(encoding="utf-8")
    changed = REORDER[name](text) if variant == "reorder" else VARIANTS[variant](text)
    assert changed != text, "the variant changes nothing: the test would be vacuous"
    path = Path(folder) / f"{variant}.{name}"
    path.write_text(changed, encoding="utf-8")
    return extract_file(path)


@pytest.fixture(scope="module")
def folder(tmp_path_factory) -> str:
    return str(tmp_path_factory.mktemp("variants"))


@pytest.mark.parametrize(("name", "variant"), CASES)
def test_variant_gives_the_same_records(name: str, variant: str, folder: str) -> None:
    seed, other = extracted(name), _variant_result(name, variant, folder)
    assert other.document.format == seed.document.format
    assert not [i for i in other.issues if i.severity == "error"]
    for table, fields in FIELDS[name].items():
        a, b = _rows(seed, table, fields), _rows(other, table, fields)
        assert sum(a.values()) > 0, table
        assert a == b, f"{table}: only in the seed {list(a - b)[:2]}, only in the variant {list(b - a)[:2]}"


def test_variants_change_what_they_say(folder: str) -> None:
    """The transformations really remove the signals the parsers used to rely on."""
    text = (RAW / DX).read_text(encoding="utf-8")
    assert sum(ln.endswith(" ") for ln in text.split("\n")) > 500
    assert not any(ln.endswith(" ") and ln.strip() for ln in VARIANTS["no_trailing_spaces"](text).split("\n"))
    assert "\uf09f" in text and "\uf09f" not in VARIANTS["lost_glyphs"](text)
    assert "\n\n- 40 -\n\n" in VARIANTS["page_numbers"](text)
    reordered = _objective_first(text)
    # 施策 1-1: the objective box now comes before 現状
    part = reordered[reordered.index("施策① 行政手続のオンライン化"):]
    assert part.index("目的・あるべき姿") < part.index("現状")
    report = REORDER[AKI]((RAW / AKI).read_text(encoding="utf-8"))
    report = report[report.index("１.行政手続のオンライン化（スマートフォン対応）"):]  # report 1's heading
    assert report.index("事業期間") < report.index("事業名 担当部署")
    assert report.index("達成状況・今後の課題") < report.index("令和４（2022）年度の事業達成状況")
    rotated = _glossary_pages_rotated(text)
    assert rotated.index("\n6  ") > rotated.index("\n7  ") > rotated.index("\n5  ")  # page 2 starts with 7 now
    assert "glossary_entries_reordered" in {i.code for i in _variant_result(DX, "reorder", folder).issues}
    warned = {i.code for i in _variant_result(DX, "combined", folder).issues}
    assert {"paragraph_ends_inferred", "page_starts_unmarked", "bullet_glyph_missing", "objective_end_inferred"} <= warned


def test_the_combined_variant_drawn_as_a_pdf_gives_the_same_records(tmp_path: Path) -> None:
    """The text of every difference at once, drawn as a PDF (``tests/replicas.py``, two columns): the
    same records again, read through the PDF ingest."""
    from tests.replicas import font_path, replica_pdf

    try:
        font_path()
    except FileNotFoundError:  # pragma: no cover - CI installs the font
        pytest.skip("no Japanese TrueType font")
    for name in (DX, AKI):
        path = tmp_path / f"{Path(name).stem}.pdf"
        path.write_bytes(replica_pdf(combined((RAW / name).read_text(encoding="utf-8")), "two_column"))
        pdf, seed = extract_file(path), extracted(name)
        assert pdf.document.source_kind == "pdf"
        for table, fields in FIELDS[name].items():
            assert _rows(seed, table, fields) == _rows(pdf, table, fields), (name, table)
