"""pipeline + CLI on a folder of good and bad files: nothing lost, every bad file reported, outputs atomic."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import polars as pl
import pytest
from typer.testing import CliRunner

from planparse import pipeline
from planparse.cli import app
from planparse.schemas.common import TABLES
from tests.conftest import RAW
from tests.pdfs import encrypted_pdf, image_only_pdf, text_pdf

MUSASHINO = RAW / "musashino_info_plan7_progress.md"

BAD_FILES = {
    "empty.txt": (b"", "empty_file"),
    "garbage.bin": (bytes(range(256)) * 40, "not_text"),
    "truncated.pdf": (text_pdf([["途中で切れた文書"]])[:400], "pdf_corrupt"),
    "encrypted.pdf": (encrypted_pdf(), "pdf_encrypted"),
    "scanned.pdf": (image_only_pdf(), "pdf_no_text"),
    "minutes.txt": ("議事録\n令和6年度 第1回 会議\n出席者: 10名\n".encode(), "unknown_format"),
}


@pytest.fixture()
def mixed_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "raw"
    folder.mkdir()
    shutil.copy(MUSASHINO, folder / "musashino.md")
    (folder / "musashino_sjis.md").write_bytes(MUSASHINO.read_text(encoding="utf-8").encode("cp932"))
    for name, (data, _code) in BAD_FILES.items():
        (folder / name).write_bytes(data)
    (folder / ".hidden").write_bytes(b"ignored")
    return folder


def test_mixed_folder_extracts_good_files_and_reports_each_bad_one(mixed_folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    run = pipeline.extract([mixed_folder], out)
    by_name = {Path(f.path).name: f for f in run.files}
    assert sorted(by_name) == sorted([*BAD_FILES, "musashino.md", "musashino_sjis.md"])  # .hidden skipped
    assert not run.ok
    for name, (_data, code) in BAD_FILES.items():
        result = by_name[name]
        assert result.failed and result.document.extraction_status == "failed"
        assert [i.code for i in result.issues if i.severity == "error"] == [code], name
    good, sjis = by_name["musashino.md"], by_name["musashino_sjis.md"]
    assert not good.failed and good.counts["initiatives"] == 42 and not good.rows.initiatives  # rows streamed out
    # the Shift_JIS copy is extracted (same records, other bytes → other document) with a warning row
    assert not sjis.failed and sjis.counts["initiatives"] == 42 and sjis.document.encoding == "cp932"
    assert "non_utf8_encoding" in [i.code for i in sjis.issues]
    assert sjis.document.document_id != good.document.document_id
    # outputs: one documents row per input file, issues of every file
    docs = pl.read_parquet(out / "documents.parquet")
    assert docs.height == len(BAD_FILES) + 2
    assert set(docs.filter(pl.col("extraction_status") == "failed")["file_name"]) == set(BAD_FILES)
    issues = pl.read_parquet(out / "extraction_issues.parquet")
    assert set(issues.filter(pl.col("severity") == "error")["source_path"].map_elements(
        lambda p: Path(p).name, return_dtype=pl.Utf8)) == set(BAD_FILES)
    con = duckdb.connect(str(out / "planparse.duckdb"), read_only=True)
    assert con.execute("select count(*) from initiatives").fetchone() == (84,)
    con.close()


def test_cli_reports_every_bad_file_by_name_without_traceback(mixed_folder: Path, tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["extract", str(mixed_folder), "--out", str(tmp_path / "out")])
    assert result.exit_code == 1
    text = result.output
    assert "Traceback" not in text
    for name, (_data, code) in BAD_FILES.items():
        line = next(line for line in text.splitlines() if name in line)
        assert "✗" in line, line
        assert code in text
    assert "musashino.md  musashino_progress_sheet" in text
    assert "no text layer: this looks like a scanned PDF; OCR is not supported" in text
    assert "8 files: 2 extracted, 6 failed" in text


def test_cli_exit_zero_when_all_files_extract(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["extract", str(MUSASHINO), "--out", str(tmp_path / "out")])
    assert result.exit_code == 0, result.output
    assert "1 files: 1 extracted, 0 failed" in result.output


def test_missing_input_path_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["extract", str(tmp_path / "nope"), "--out", str(tmp_path / "out")])
    assert result.exit_code == 2 and "no such file or folder" in result.output
    assert "Traceback" not in result.output


def test_identical_files_are_extracted_once(tmp_path: Path) -> None:
    for name in ("a.md", "b.md"):
        shutil.copy(MUSASHINO, tmp_path / name)
    run = pipeline.extract([tmp_path / "a.md", tmp_path / "b.md"], tmp_path / "out")
    assert run.ok
    assert run.files[1].duplicate_of == str(tmp_path / "a.md")
    docs = pl.read_parquet(tmp_path / "out" / "documents.parquet")
    assert docs.height == 1 and docs["duplicate_paths"].to_list() == [[str(tmp_path / "b.md")]]


def test_a_parser_bug_fails_only_its_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from planparse.parsers.musashino_progress_sheet import MusashinoProgressSheetParser

    def boom(self, doc):
        raise RuntimeError("simulated parser bug")

    (tmp_path / "other.txt").write_text("議事録\n", encoding="utf-8")
    shutil.copy(MUSASHINO, tmp_path / "m.md")
    monkeypatch.setattr(MusashinoProgressSheetParser, "parse", boom)
    run = pipeline.extract([tmp_path], tmp_path / "out")
    m = next(f for f in run.files if f.path.endswith("m.md"))
    assert [i.code for i in m.issues] == ["parser_error"] and "simulated parser bug" in m.issues[0].message
    assert m.error_detail and "RuntimeError" in m.error_detail
    assert len(run.files) == 2


def test_failed_write_leaves_previous_outputs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    pipeline.extract([MUSASHINO], out)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}

    import polars

    calls = {"n": 0}
    real = polars.DataFrame.write_parquet

    def flaky(self, *a, **kw):
        calls["n"] += 1
        if calls["n"] == 5:
            raise OSError("disk full (simulated)")
        return real(self, *a, **kw)

    monkeypatch.setattr(polars.DataFrame, "write_parquet", flaky)
    with pytest.raises(OSError):
        pipeline.extract([MUSASHINO, RAW / "koganei_dx_action_plan_2026.md"], out)
    after = {p.name: p.read_bytes() for p in out.iterdir() if p.is_file()}
    assert after == before  # nothing replaced, no staging folder left


def _outputs_readable(out: Path) -> None:
    con = duckdb.connect(str(out / "planparse.duckdb"), read_only=True)
    try:
        assert con.execute("select count(*) from documents").fetchone()[0] >= 1
    finally:
        con.close()
    for model in TABLES:
        pl.read_parquet(out / f"{model.__table__}.parquet")


def test_killed_runs_leave_readable_outputs(tmp_path: Path) -> None:
    out = tmp_path / "out"
    pipeline.extract([MUSASHINO], out)
    cmd = [sys.executable, "-m", "planparse.cli", "extract", str(RAW), "--out", str(out)]
    for delay in (0.3, 0.6, 0.9, 1.2):
        proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        _outputs_readable(out)
    # a later run cleans the staging folders the killed runs left behind
    pipeline.extract([MUSASHINO], out)
    assert not [p for p in os.listdir(out) if p.startswith(".planparse-staging-")]
    _outputs_readable(out)


def test_key_violations_are_reported_not_written() -> None:
    from planparse.schemas.common import AnnualEntry, CommonRows, Initiative

    rows = CommonRows(
        initiatives=[Initiative(initiative_id="d:1", document_id="d", code="1", name="a", seq=1,
                                source_line_start=5),
                     Initiative(initiative_id="d:2", document_id="d", measure_id="d:m:9", code="2", name="b", seq=2)],
        annual_entries=[AnnualEntry(initiative_id="d:1", fiscal_year=2024),
                        AnnualEntry(initiative_id="d:1", fiscal_year=2024, source_line_start=7),
                        AnnualEntry(initiative_id="d:3", fiscal_year=2024)],
    )
    issues = pipeline._enforce_keys(rows, "d")
    assert [(i.code, i.severity) for i in issues] == [
        ("dangling_reference", "error"), ("duplicate_key", "error"), ("dangling_reference", "error")]
    assert issues[1].source_line == 7
    assert [i.initiative_id for i in rows.initiatives] == ["d:1"]
    # entries of a dropped initiative are dropped with their own error, never written dangling
    assert [(a.initiative_id, a.fiscal_year) for a in rows.annual_entries] == [("d:1", 2024)]


def test_rows_are_streamed_in_parts_and_joined(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from planparse.store import OutputWriter

    copies = []
    for n in range(3):  # three byte-different copies of one document
        path = tmp_path / f"m{n}.md"
        path.write_bytes(MUSASHINO.read_bytes() + b"\n" + b" " * (n + 1))
        copies.append(path)
    real_init = OutputWriter.__init__

    def small_buffer(self, out_dir, **kw):
        real_init(self, out_dir, **{**kw, "flush_rows": 100})

    monkeypatch.setattr(OutputWriter, "__init__", small_buffer)
    run = pipeline.extract(copies, tmp_path / "out")
    assert run.ok and all(not f.rows.annual_entries for f in run.files)
    entries = pl.read_parquet(tmp_path / "out" / "annual_entries.parquet")
    assert entries.height == 3 * 126 and entries["initiative_id"].n_unique() == 3 * 42
    con = duckdb.connect(str(tmp_path / "out" / "planparse.duckdb"), read_only=True)
    assert con.execute("select count(*) from kpi_values").fetchone() == (3 * 120,)
    con.close()
    assert not [p for p in os.listdir(tmp_path / "out") if p.startswith(".planparse-staging-")]


@pytest.mark.parametrize("name", sorted(p.name for p in RAW.iterdir()))
def test_shift_jis_copy_of_every_seed_extracts(name: str, tmp_path: Path) -> None:
    # characters CP932 lacks (➀, ₂, •, 繫) become "?" as an editor would save them
    path = tmp_path / f"sjis_{name}"
    path.write_bytes((RAW / name).read_text(encoding="utf-8").encode("cp932", errors="replace"))
    original = pipeline.extract_file(RAW / name)
    copy = pipeline.extract_file(path)
    assert not copy.failed, [i.message for i in copy.issues if i.severity == "error"]
    assert copy.document.encoding == "cp932" and "non_utf8_encoding" in [i.code for i in copy.issues]
    assert copy.counts == original.counts
