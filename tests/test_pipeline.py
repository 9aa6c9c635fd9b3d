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
from tests.conftest import RAW, REVIEWED_RAW_FILES
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


def _processes_naming(path: Path) -> list[int]:
    """Pids of the live processes whose command line names ``path`` (Linux /proc)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes()
                state = (entry / "stat").read_text().split(") ", 1)[1][:1]
            except OSError:
                continue
            if str(path).encode() in cmdline and state != "Z":
                pids.append(int(entry.name))
    return pids


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
    # the killed runs' pool workers end with them (they would otherwise wait on their pipe forever)
    deadline = time.monotonic() + 10
    while _processes_naming(out) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert _processes_naming(out) == []
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


@pytest.mark.parametrize("name", sorted(REVIEWED_RAW_FILES))
def test_shift_jis_copy_of_every_seed_extracts(name: str, tmp_path: Path) -> None:
    # characters CP932 lacks (➀, ₂, •, 繫) become "?" as an editor would save them
    path = tmp_path / f"sjis_{name}"
    path.write_bytes((RAW / name).read_text(encoding="utf-8").encode("cp932", errors="replace"))
    original = pipeline.extract_file(RAW / name)
    copy = pipeline.extract_file(path)
    assert not copy.failed, [i.message for i in copy.issues if i.severity == "error"]
    assert copy.document.encoding == "cp932" and "non_utf8_encoding" in [i.code for i in copy.issues]
    assert copy.counts == original.counts


# ---- file-level traps (issue 10): no input ends the run, ids of their own, outputs kept ----------


def _written(out: Path, table: str) -> pl.DataFrame:
    return pl.read_parquet(out / f"{table}.parquet")


def test_missing_paths_and_an_empty_file_get_ids_of_their_own(tmp_path: Path) -> None:
    (tmp_path / "empty.txt").write_bytes(b"")
    inputs = [tmp_path / "gone1.txt", tmp_path / "gone2.md", tmp_path / "empty.txt", MUSASHINO, tmp_path / "gone1.txt"]
    out = tmp_path / "out"
    run = pipeline.extract(inputs, out)
    ids = [f.document.document_id for f in run.files]
    assert len(set(ids[:4])) == 4  # two missing paths, the empty file and the good file: four ids
    assert run.files[4].duplicate_of == str(tmp_path / "gone1.txt")  # the same missing path twice: one row
    gone = run.files[0]
    assert [i.code for i in gone.issues] == ["unreadable_file"] and "No such file" in gone.issues[0].message
    assert gone.document.source_sha256 != run.files[2].document.source_sha256  # not the hash of zero bytes
    assert gone.document.document_id == pipeline.extract_file(tmp_path / "gone1.txt").document.document_id
    docs = _written(out, "documents")
    assert docs.height == 4 and docs.filter(pl.col("extraction_status") == "ok")["file_name"].to_list() == [
        MUSASHINO.name]
    con = duckdb.connect(str(out / "planparse.duckdb"), read_only=True)
    assert con.execute("select count(*) from initiatives").fetchone() == (42,)
    con.close()


def test_cli_empty_folder_exits_2_and_keeps_the_previous_outputs(tmp_path: Path) -> None:
    out = tmp_path / "out"
    pipeline.extract([MUSASHINO], out)
    before = {p.name: p.read_bytes() for p in out.iterdir() if p.suffix}
    for empty in (tmp_path / "empty", tmp_path / "x.pdf"):  # a folder, also one named like a file
        empty.mkdir()
        result = CliRunner().invoke(app, ["extract", str(empty), "--out", str(out)])
        assert result.exit_code == 2, result.output
        assert "no input file found" in result.output and "were kept" in result.output
        assert {p.name: p.read_bytes() for p in out.iterdir() if p.suffix} == before
    result = CliRunner().invoke(app, ["extract", str(tmp_path / "empty"), "--out", str(out), "--allow-empty"])
    assert result.exit_code == 0, result.output
    assert _written(out, "documents").height == 0 and _written(out, "initiatives").height == 0


def test_library_refuses_an_empty_run_unless_allowed(tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    with pytest.raises(pipeline.NoInputError):
        pipeline.extract([tmp_path / "in"], tmp_path / "out")
    assert not (tmp_path / "out").exists()
    assert pipeline.extract([tmp_path / "in"], tmp_path / "out", allow_empty=True).files == []


def test_file_name_not_utf8_is_escaped_and_extracted(tmp_path: Path) -> None:
    folder = tmp_path / "raw"
    folder.mkdir()
    raw_name = "武蔵野.md".encode("cp932")
    with open(os.path.join(os.fsencode(folder), raw_name), "wb") as fh:
        fh.write(MUSASHINO.read_bytes())
    out = tmp_path / "out"
    result = CliRunner().invoke(app, ["extract", str(folder), "--out", str(out)])
    assert result.exit_code == 0, result.output
    (doc,) = _written(out, "documents").to_dicts()
    assert doc["file_name"] == "\\x95\\x90\\x91\\xa0\\x96\\xec.md" and doc["extraction_status"] == "ok"
    issues = _written(out, "extraction_issues").filter(pl.col("code") == "file_name_not_utf8")
    assert issues.height == 1 and "\\x95\\x90" in issues["message"][0]
    assert _written(out, "initiatives").height == 42


def test_symlink_loops_and_broken_links_get_a_row(tmp_path: Path) -> None:
    folder = tmp_path / "raw"
    (folder / "sub").mkdir(parents=True)
    shutil.copy(MUSASHINO, folder / "sub" / "m.md")
    (folder / "self").symlink_to(folder / "self")            # a link to itself
    (folder / "a").symlink_to(folder / "b")                  # a → b → a
    (folder / "b").symlink_to(folder / "a")
    (folder / "sub" / "up").symlink_to(folder)               # back to an enclosing folder
    (folder / "dangling.txt").symlink_to(tmp_path / "nowhere.txt")
    os.mkfifo(folder / "pipe.txt")  # reading it would block the run: never read
    run = pipeline.extract([folder], tmp_path / "out")
    codes = {Path(f.path).name: [i.code for i in f.issues if i.severity == "error"] for f in run.files}
    assert codes == {"a": ["symlink_loop"], "b": ["symlink_loop"], "self": ["symlink_loop"],
                     "dangling.txt": ["unreadable_file"], "m.md": [], "up": ["symlink_loop"],
                     "pipe.txt": ["not_a_regular_file"]}
    up = next(f for f in run.files if f.path.endswith("up"))
    assert "a folder already being read" in up.issues[0].message
    assert len({f.document.document_id for f in run.files}) == 7
    assert _written(tmp_path / "out", "documents").height == 7


def test_unreadable_folder_gets_a_row(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "raw"
    (folder / "locked").mkdir(parents=True)
    shutil.copy(MUSASHINO, folder / "m.md")
    real_scandir, real_listdir = os.scandir, os.listdir

    def denied(path):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied")
        return real_scandir(path)

    def denied_list(path):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied")
        return real_listdir(path)

    monkeypatch.setattr(os, "scandir", denied)  # root can read everything: simulate the permission error
    monkeypatch.setattr(os, "listdir", denied_list)
    run = pipeline.extract([folder], tmp_path / "out")
    locked = next(f for f in run.files if f.path.endswith("locked"))
    assert [i.code for i in locked.issues] == ["unreadable_folder"]
    assert locked.issues[0].message == "cannot list the folder: Permission denied; its files were not read"
    assert sum(f.counts.get("initiatives", 0) for f in run.files) == 42


@pytest.mark.parametrize(("target", "code"), [
    ("planparse.pipeline.load_bytes", "ingest_error"),
    ("planparse.pipeline.detect", "detect_error"),
    ("planparse.pipeline._enforce_keys", "check_error"),
])
def test_a_bug_outside_the_parsers_fails_only_its_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       target: str, code: str) -> None:
    import importlib

    module_name, attr = target.rsplit(".", 1)
    module = importlib.import_module(module_name)
    real = getattr(module, attr)
    shutil.copy(MUSASHINO, tmp_path / "bad.md")
    (tmp_path / "good.md").write_bytes(b"\xef\xbb\xbf" + MUSASHINO.read_bytes())
    calls = {"n": 0}

    def first_call_fails(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("simulated bug")
        return real(*args, **kwargs)

    monkeypatch.setattr(module, attr, first_call_fails)
    run = pipeline.extract([tmp_path / "bad.md", tmp_path / "good.md"], tmp_path / "out")
    bad, good = run.files
    assert [i.code for i in bad.issues if i.severity == "error"] == [code]
    (error,) = [i for i in bad.issues if i.severity == "error"]
    assert "RuntimeError: simulated bug" in error.message and "RuntimeError" in bad.error_detail
    assert bad.counts.get("initiatives", 0) == 0 and good.counts["initiatives"] == 42 and not good.failed
    assert _written(tmp_path / "out", "documents").height == 2


def _hold_lock(path: Path, seconds: float) -> subprocess.Popen:
    """Another process holding the output folder's lock for ``seconds`` (returns once it holds it)."""
    code = ("import sys, time; from filelock import FileLock; lock = FileLock(sys.argv[1]); lock.acquire(); "
            "print('held', flush=True); time.sleep(float(sys.argv[2]))")
    proc = subprocess.Popen([sys.executable, "-c", code, str(path), str(seconds)], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None and proc.stdout.readline().strip() == "held"
    return proc


def test_a_second_run_waits_for_the_lock_or_stops_clearly(tmp_path: Path) -> None:
    from planparse.store import LOCK_NAME, OutputBusyError

    out = tmp_path / "out"
    out.mkdir()
    holder = _hold_lock(out / LOCK_NAME, 30)
    try:
        with pytest.raises(OutputBusyError, match="another planparse run is writing to"):
            pipeline.extract([MUSASHINO], out, lock_timeout=0.2)
        result = CliRunner().invoke(app, ["extract", str(MUSASHINO), "--out", str(out), "--wait", "0.2"])
        assert result.exit_code == 2 and "another planparse run is writing to" in result.output
        assert "waiting:" in result.output and "Traceback" not in result.output
        assert not (out / "documents.parquet").exists() and not list(out.glob(".planparse-staging-*"))
    finally:
        holder.kill()
        holder.wait()
    holder = _hold_lock(out / LOCK_NAME, 0.6)
    try:
        waited: list[Path] = []
        started = time.monotonic()
        run = pipeline.extract([MUSASHINO], out, on_lock_wait=waited.append)
        assert time.monotonic() - started >= 0.3 and waited == [out / LOCK_NAME] and run.ok
        assert _written(out, "initiatives").height == 42
    finally:
        holder.wait()


@pytest.mark.parametrize(("name", "make", "warnings"), [
    ("old_mac.md", lambda d: d.replace(b"\n", b"\r"), []),
    ("crcrlf.md", lambda d: d.replace(b"\n", b"\r\r\n"), []),
    ("utf16.md", lambda d: d.decode().encode("utf-16-le"), ["non_utf8_encoding"]),
    ("nul.md", lambda d: d.replace("窓口".encode(), "窓\x00口".encode()), ["nul_bytes_removed"]),
    ("bom_cut.md", lambda d: b"\xef\xbb\xbf" + d + "\n取組".encode()[:3], ["invalid_bytes_replaced"]),
])
def test_damaged_encodings_extract_every_record(tmp_path: Path, name: str, make, warnings: list[str]) -> None:
    (tmp_path / name).write_bytes(make(MUSASHINO.read_bytes()))
    result = pipeline.extract_file(tmp_path / name)
    assert not result.failed and result.counts["initiatives"] == 42
    assert result.document.line_count == 243 + (name == "bom_cut.md")  # the cut line is a line of its own
    base = {i.code for i in pipeline.extract_file(MUSASHINO).issues}
    assert [i.code for i in result.issues if i.code not in base] == warnings
