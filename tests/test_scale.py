"""Scale: the incremental cache, --jobs and a Dask cluster all give the dataset of a full local run."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import polars as pl
import pytest
from polars.testing import assert_frame_equal
from typer.testing import CliRunner

from planparse import pipeline
from planparse.cache import CACHE_DIR, Cache
from planparse.cli import app
from planparse.parsers.koganei_roadmap import KoganeiRoadmapParser
from planparse.schemas.common import TABLES
from planparse.views import PER_DOCUMENT_VIEWS
from tests.conftest import RAW

KOGANEI = RAW / "koganei_dx_action_plan_2026.md"
MUSASHINO = RAW / "musashino_info_plan7_progress.md"
AKISHIMA = RAW / "akishima_digital_plan_midterm_2024.txt"


def dataset(out: Path) -> dict[str, pl.DataFrame]:
    """Every table of an output folder, without ``extracted_at`` (the one column that says when)."""
    frames = {}
    for model in TABLES:
        frame = pl.read_parquet(out / f"{model.__table__}.parquet")
        frames[model.__table__] = frame.drop("extracted_at") if "extracted_at" in frame.columns else frame
    return frames


def assert_same_dataset(a: Path, b: Path) -> None:
    left, right = dataset(a), dataset(b)
    for name in left:
        assert_frame_equal(left[name], right[name], check_exact=True)
    con_a = duckdb.connect(str(a / "planparse.duckdb"), read_only=True)
    con_b = duckdb.connect(str(b / "planparse.duckdb"), read_only=True)
    try:  # the same rows (a SQL table has no order: an extended database lists added rows last)
        for name in [*left, "annual_status"]:
            query = f"select * exclude (extracted_at) from {name}" if name == "documents" else f"select * from {name}"
            rows_a, rows_b = con_a.execute(query).fetchall(), con_b.execute(query).fetchall()
            assert sorted(map(repr, rows_a)) == sorted(map(repr, rows_b)), name
        views = [name for (name,) in con_a.execute("select view_name from duckdb_views() where not internal").fetchall()]
    finally:
        con_a.close()
        con_b.close()
    assert len(views) >= 11
    for name in views:  # the views' Parquet files: the same rows (in any order) and columns
        view_a, view_b = pl.read_parquet(a / f"{name}.parquet"), pl.read_parquet(b / f"{name}.parquet")
        assert view_a.schema == view_b.schema, name
        assert sorted(map(repr, view_a.rows())) == sorted(map(repr, view_b.rows())), name


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    """Three documents, a byte-different copy of one, an exact duplicate and a file no parser knows."""
    folder = tmp_path / "raw"
    folder.mkdir()
    for src in (KOGANEI, MUSASHINO, AKISHIMA):
        shutil.copy(src, folder / src.name)
    (folder / "koganei_copy.md").write_bytes(KOGANEI.read_bytes() + b"\n ")
    shutil.copy(MUSASHINO, folder / "zz_duplicate.md")
    (folder / "minutes.txt").write_text("議事録\n令和6年度 第1回 会議\n", encoding="utf-8")
    return folder


def test_incremental_run_reuses_unchanged_files_and_gives_the_full_runs_dataset(corpus: Path, tmp_path: Path) -> None:
    full = tmp_path / "full"
    pipeline.extract([corpus], full, full=True)
    out = tmp_path / "incremental"
    later = corpus / "koganei_copy.md"
    held_back = tmp_path / later.name
    shutil.move(later, held_back)
    first = pipeline.extract([corpus], out)
    assert not any(f.cached for f in first.files)
    shutil.move(held_back, later)  # one file added since the last run
    second = pipeline.extract([corpus], out)
    by_name = {Path(f.path).name: f for f in second.files}
    assert [n for n, f in sorted(by_name.items()) if not f.cached and not f.duplicate_of] == ["koganei_copy.md"]
    assert by_name["koganei_dx_action_plan_2026.md"].cached
    assert by_name["koganei_dx_action_plan_2026.md"].counts == by_name["koganei_copy.md"].counts
    fresh, reused = by_name["koganei_copy.md"], by_name["koganei_dx_action_plan_2026.md"]
    # 59 parser warnings, and multiple_editions: the copy is another edition of the same plan
    assert (reused.error_count, reused.warning_count) == (fresh.error_count, fresh.warning_count) == (0, 60)
    assert len(reused.issues) == len(fresh.issues) == 60 and "multiple_editions" in [i.code for i in reused.issues]
    quiet = pipeline.extract([corpus], out, all_issues=False)  # as the CLI without -v
    by_name = {Path(f.path).name: f for f in quiet.files}
    assert all(f.cached for f in quiet.files if not f.duplicate_of)
    assert [i.code for i in by_name[KOGANEI.name].issues] == ["multiple_editions"]  # the run's own, no parser warning
    assert by_name[KOGANEI.name].warning_count == 60 and [i.code for i in by_name["minutes.txt"].issues] == [
        "unknown_format"]
    assert by_name["minutes.txt"].cached and [i.code for i in by_name["minutes.txt"].issues] == ["unknown_format"]
    assert by_name["zz_duplicate.md"].duplicate_of == str(corpus / MUSASHINO.name)
    assert_same_dataset(full, out)
    docs = pl.read_parquet(out / "documents.parquet")
    assert docs.height == 5 and docs["duplicate_paths"].to_list().count([str(corpus / "zz_duplicate.md")]) == 1
    # the reused rows keep the time they were extracted; the new file has this run's
    times = dict(zip(docs["file_name"], docs["extracted_at"], strict=True))
    assert times["koganei_copy.md"] > times[KOGANEI.name]


def _duckdb_document_order(out: Path) -> list[str]:
    con = duckdb.connect(str(out / "planparse.duckdb"), read_only=True)
    try:
        return [r[0] for r in con.execute("select file_name from documents order by rowid").fetchall()]
    finally:
        con.close()


def test_an_added_file_extends_the_database_a_removed_one_rebuilds_it(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    pipeline.extract([corpus], out)
    before = _duckdb_document_order(out)
    # a third edition of the Koganei plan, named to sort first among the inputs: the earlier
    # documents' rows stay, but for is_latest_edition and the run's multiple_editions warnings
    (corpus / "aaa_added.md").write_bytes(KOGANEI.read_bytes() + b"\n  ")
    pipeline.extract([corpus], out)
    assert pl.read_parquet(out / "documents.parquet")["file_name"][0] == "aaa_added.md"  # Parquet: input order
    assert _duckdb_document_order(out) == [*before, "aaa_added.md"]  # the previous database, extended
    full = tmp_path / "full"
    pipeline.extract([corpus], full, full=True)
    assert_same_dataset(full, out)
    con = duckdb.connect(str(out / "planparse.duckdb"), read_only=True)
    assert con.execute("select count(*) filter (where message like '3 documents of this run%'), count(*) "
                       "from extraction_issues where code = 'multiple_editions'").fetchone() == (3, 3)
    con.close()
    shutil.copy(RAW / "hachioji_dx_plan_2022.txt", corpus / "aab_added.txt")  # a plan not there yet
    pipeline.extract([corpus], out)
    assert _duckdb_document_order(out) == [*before, "aaa_added.md", "aab_added.txt"]
    pipeline.extract([corpus], full, full=True)
    assert_same_dataset(full, out)
    (corpus / "minutes.txt").unlink()
    pipeline.extract([corpus], out)  # a document is gone: the database is built again, in input order
    assert _duckdb_document_order(out) == pl.read_parquet(out / "documents.parquet")["file_name"].to_list()
    (corpus / "minutes.txt").write_text("議事録\n", encoding="utf-8")
    shutil.copy(KOGANEI, corpus / "zz_second_copy.md")  # a duplicate changes an old documents row
    pipeline.extract([corpus], out)
    assert _duckdb_document_order(out) == pl.read_parquet(out / "documents.parquet")["file_name"].to_list()
    con = duckdb.connect(str(out / "planparse.duckdb"), read_only=True)
    assert con.execute("select duplicate_paths from documents where file_name = ?",
                       [KOGANEI.name]).fetchone() == ([str(corpus / "zz_second_copy.md")],)
    con.close()


def test_an_unreadable_previous_database_is_built_again(corpus: Path, tmp_path: Path) -> None:
    """A file added after the published planparse.duckdb was damaged: the run cannot extend it, so
    it builds a new one (from the joined tables), and the dataset is the full run's."""
    out = tmp_path / "out"
    pipeline.extract([corpus], out)
    (out / "planparse.duckdb").write_bytes(b"not a database" * 100)
    (corpus / "aaa_added.md").write_bytes(KOGANEI.read_bytes() + b"\n  ")
    run = pipeline.extract([corpus], out)
    assert sum(1 for f in run.files if not f.cached and not f.duplicate_of) == 1  # the others were reused
    full = tmp_path / "full"
    pipeline.extract([corpus], full, full=True)
    assert_same_dataset(full, out)


@pytest.mark.parametrize("name", ["aaa_added.md", "zzz_added.md"])
def test_files_added_before_or_after_the_others_reuse_the_published_tables(
        corpus: Path, tmp_path: Path, name: str, monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    pipeline.extract([corpus], out)
    (corpus / name).write_bytes(KOGANEI.read_bytes() + b"\n  ")  # another edition: the run's issues change
    scanned: list[Path] = []
    real_scan = pl.scan_parquet

    def scan(source, **kwargs):
        scanned.extend([Path(source)] if isinstance(source, (str, Path)) else map(Path, source))
        return real_scan(source, **kwargs)

    monkeypatch.setattr(pl, "scan_parquet", scan)
    pipeline.extract([corpus], out)
    monkeypatch.undo()
    # the kept documents' rows come from the published tables, not from their cache parts again
    assert out / "initiatives.parquet" in scanned and out / "extraction_issues.parquet" in scanned
    assert len([p for p in scanned if CACHE_DIR in p.parts and p.parts[-3] == "initiatives"]) == 1  # the added one
    full = tmp_path / "full"
    pipeline.extract([corpus], full, full=True)
    assert_same_dataset(full, out)


def test_a_changed_file_a_parser_version_and_full_re_extract(corpus: Path, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "out"
    pipeline.extract([corpus], out)
    # the bytes of one file change: only that file is extracted again
    edited = corpus / AKISHIMA.name
    edited.write_bytes(edited.read_bytes() + b"\n")
    run = pipeline.extract([corpus], out)
    assert sorted(Path(f.path).name for f in run.files if not f.cached and not f.duplicate_of) == [AKISHIMA.name]
    # a new version of one parser re-extracts that format's documents, and only them
    monkeypatch.setattr(KoganeiRoadmapParser, "version", KoganeiRoadmapParser.version + ".test")
    run = pipeline.extract([corpus], out)
    fresh = sorted(Path(f.path).name for f in run.files if not f.cached and not f.duplicate_of)
    assert fresh == ["koganei_copy.md", KOGANEI.name]
    versions = set(pl.read_parquet(out / "documents.parquet").filter(
        pl.col("format") == "koganei_roadmap")["parser_version"])
    assert versions == {f"{pipeline.__version__}+koganei_roadmap.{KoganeiRoadmapParser.version}"}
    # --full extracts everything again
    run = pipeline.extract([corpus], out, full=True)
    assert not any(f.cached for f in run.files)


def test_cache_keeps_only_the_documents_of_the_last_run(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    pipeline.extract([corpus], out)
    cache = Cache(out)
    assert len(cache.entries) == 5  # the duplicate is one document
    koganei_copy = next(e for e in cache.entries.values() if e.path.endswith("koganei_copy.md"))
    part = Path(cache.part_path(koganei_copy, "initiatives"))
    assert part.exists() and part.parent.name == "municipality_code=132101"
    assert pl.read_parquet(part).height == 63
    (corpus / "koganei_copy.md").unlink()
    pipeline.extract([corpus], out)
    assert not part.exists() and len(Cache(out).entries) == 4
    # the parts are a Hive-partitioned dataset as they are
    con = duckdb.connect()
    glob = str(out / CACHE_DIR / "parts" / "initiatives" / "*" / "*.parquet")
    assert con.execute(f"select municipality_code, count(*) from read_parquet('{glob}', hive_partitioning = true, "
                       "hive_types = {'municipality_code': VARCHAR}) group by all order by 1").fetchall() == [
        ("132039", 42), ("132071", 30), ("132101", 63)]


def test_a_corrupt_cache_index_is_a_full_run(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    pipeline.extract([corpus], out)
    (out / CACHE_DIR / "index.json").write_text("{not json", encoding="utf-8")
    run = pipeline.extract([corpus], out)
    assert not any(f.cached for f in run.files)
    assert len(Cache(out).entries) == 5


def test_jobs_2_gives_the_same_dataset_as_jobs_1(corpus: Path, tmp_path: Path) -> None:
    pipeline.extract([corpus], tmp_path / "one", jobs=1, full=True)
    run = pipeline.extract([corpus], tmp_path / "two", jobs=2, full=True)
    assert [Path(f.path).name for f in run.files] == sorted(p.name for p in corpus.iterdir())
    assert_same_dataset(tmp_path / "one", tmp_path / "two")


def test_a_pool_is_given_the_largest_files_first(corpus: Path, tmp_path: Path) -> None:
    """Submission order only (the results are placed by index): the largest first, ties and
    unreadable files (size 0) in input order, so a large file is not the last one a worker starts."""
    sizes = [10, 30, 20, 30]
    files = []
    for n, size in enumerate(sizes):
        files.append(tmp_path / f"f{n}.txt")
        files[-1].write_bytes(b"x" * size)
    files.append(tmp_path / "gone.txt")
    assert pipeline._largest_first(files, [0, 1, 2, 3, 4]) == [1, 3, 2, 0, 4]
    assert pipeline._largest_first(files, [0, 2]) == [2, 0]
    submitted = []
    original = pipeline.run_task

    def recording(task):
        submitted.append(Path(task.path).name)
        return original(task)

    firsts = {}  # a later copy of the same bytes is not extracted again
    for path in sorted(corpus.iterdir()):
        firsts.setdefault(path.read_bytes(), path)
    by_size = sorted(firsts.values(), key=lambda p: -p.stat().st_size)  # stable: ties in input order
    assert len(by_size) > 3 and by_size[0].stat().st_size > by_size[-1].stat().st_size
    from planparse import executors
    with pytest.MonkeyPatch.context() as patch:  # in process, but as a 2-worker executor
        patch.setattr(pipeline, "run_task", recording)
        patch.setattr(executors.InProcessExecutor, "workers", 2)
        run = pipeline.extract([corpus], tmp_path / "out", jobs=1, full=True)
    assert submitted == [p.name for p in by_size]
    assert [Path(f.path).name for f in run.files] == sorted(p.name for p in corpus.iterdir())


@pytest.fixture(scope="module")
def cluster():
    """A real Dask cluster: a scheduler and two worker processes (each with planparse importable)."""
    distributed = pytest.importorskip("distributed")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None,
                                  silence_logs=True) as local:
        yield local


def test_dask_cluster_gives_the_same_dataset_as_a_local_run(corpus: Path, tmp_path: Path, cluster) -> None:
    pipeline.extract([corpus], tmp_path / "local", jobs=1)
    run = pipeline.extract([corpus], tmp_path / "dask", scheduler=cluster.scheduler_address)
    assert len(cluster.scheduler_info["workers"]) == 2
    assert run.ok is False and [Path(f.path).name for f in run.files if f.failed] == ["minutes.txt"]
    assert_same_dataset(tmp_path / "local", tmp_path / "dask")
    # both workers took part: every extracted document went through the cluster
    assert sum(1 for f in run.files if not f.cached and not f.duplicate_of) == 5


def test_cli_scheduler_option(tmp_path: Path, cluster) -> None:
    result = CliRunner().invoke(app, ["extract", str(KOGANEI), "--out", str(tmp_path / "o"),
                                      "--scheduler", cluster.scheduler_address])
    assert result.exit_code == 0, result.output
    assert "koganei_roadmap  policies 3 · measures 16 · initiatives 63" in result.output
    unreachable = CliRunner().invoke(app, ["extract", str(KOGANEI), "--out", str(tmp_path / "p"),
                                           "--scheduler", "tcp://127.0.0.1:9", "--full"])
    assert unreachable.exit_code == 2 and "cannot reach the Dask scheduler at tcp://127.0.0.1:9" in unreachable.output
    assert "Traceback" not in unreachable.output


def test_cli_jobs_full_and_cached_lines(tmp_path: Path) -> None:
    out = tmp_path / "o"
    args = ["extract", str(KOGANEI), str(MUSASHINO), "--out", str(out), "--jobs", "2"]
    first = CliRunner().invoke(app, args)
    assert first.exit_code == 0, first.output
    assert "  cached" not in first.output and "2 files: 2 extracted, 0 failed →" in first.output
    second = CliRunner().invoke(app, args)
    assert "2 files: 2 extracted, 0 failed (2 unchanged, reused from the cache)" in second.output
    line = next(line for line in second.output.splitlines() if KOGANEI.name in line)
    assert line.endswith("cached") and "initiatives 63" in line
    third = CliRunner().invoke(app, [*args, "--full"])
    assert third.exit_code == 0 and "  cached" not in third.output
    bad = CliRunner().invoke(app, [*args, "--jobs", "0"])
    assert bad.exit_code == 2


def test_cli_process_with_jobs_2_gives_the_same_dataset(corpus: Path, tmp_path: Path) -> None:
    # a fresh process has not loaded polars: its workers are forked from it (the CLI's own path)
    import subprocess
    import sys

    pipeline.extract([corpus], tmp_path / "one", jobs=1)
    done = subprocess.run([sys.executable, "-m", "planparse.cli", "extract", str(corpus), "--out", str(tmp_path / "two"),
                           "--jobs", "2"], capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stderr  # minutes.txt has no format
    assert "6 files: 4 extracted, 1 failed, 1 duplicates →" in done.stdout
    assert_same_dataset(tmp_path / "one", tmp_path / "two")


def _view_rows(path: Path) -> list[str]:
    return sorted(map(repr, pl.read_parquet(path).rows()))


def test_an_added_document_re_exports_only_the_views_of_its_formats(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    for src in (KOGANEI, RAW / "hachioji_dx_plan_2022.txt", RAW / "hachioji_dx_action_plan_2025.txt"):
        shutil.copy(src, raw / src.name)
    out = tmp_path / "out"
    pipeline.extract([raw], out)
    hachioji, koganei = out / "hachioji_plan_action_results.parquet", out / "koganei_roadmap.parquet"
    before = {p: (p.stat().st_ino, p.stat().st_mtime_ns) for p in (hachioji, koganei)}
    (raw / "koganei_2.md").write_bytes(KOGANEI.read_bytes() + b"\n ")  # a Koganei edition added
    pipeline.extract([raw], out)
    assert (hachioji.stat().st_ino, hachioji.stat().st_mtime_ns) == before[hachioji]  # kept as published
    assert (koganei.stat().st_ino, koganei.stat().st_mtime_ns) != before[koganei]  # exported again
    full = tmp_path / "full"
    pipeline.extract([raw], full, full=True)
    for view in pipeline._views():
        assert _view_rows(out / f"{view}.parquet") == _view_rows(full / f"{view}.parquet"), view
    # an added action plan: the Hachioji views are exported again, with its rows
    kept = hachioji.stat().st_ino, hachioji.stat().st_mtime_ns
    (raw / "hap_2.txt").write_bytes((RAW / "hachioji_dx_action_plan_2025.txt").read_bytes() + b"\n ")
    pipeline.extract([raw], out)
    assert (hachioji.stat().st_ino, hachioji.stat().st_mtime_ns) != kept
    pipeline.extract([raw], full, full=True)
    assert _view_rows(hachioji) == _view_rows(full / hachioji.name)
    assert len(pl.read_parquet(hachioji)) > 0


def test_per_document_views_give_a_documents_rows_without_the_others(tmp_path: Path) -> None:
    """A view declared per document (``views.PER_DOCUMENT_VIEWS``, a format's ``per_document_views``,
    which an incremental run re-exports for the added documents only): each document's rows are the
    same when it is extracted alone."""
    views = sorted(PER_DOCUMENT_VIEWS | pipeline._per_document_views())
    assert "koganei_roadmap" in views
    everything = tmp_path / "all"
    pipeline.extract([RAW], everything)
    tables = {view: pl.read_parquet(everything / f"{view}.parquet") for view in views}
    documents = pl.read_parquet(everything / "documents.parquet").select("document_id", "source_path").rows()
    for document_id, source_path in documents:
        alone = tmp_path / document_id
        pipeline.extract([Path(source_path)], alone)
        for view, rows in tables.items():
            expected = sorted(map(repr, rows.filter(pl.col("document_id") == document_id).rows()))
            assert _view_rows(alone / f"{view}.parquet") == expected, (view, source_path)
    assert all(len(rows) > 0 for rows in tables.values())


def test_view_formats_name_every_format_a_view_reads(tmp_path: Path) -> None:
    """A view declared to read only some formats' documents gives the same rows without the others."""
    formats = pipeline._view_formats()
    assert formats  # the Hachioji and Koganei views declare theirs
    everything, only = tmp_path / "all", tmp_path / "only"
    pipeline.extract([RAW], everything)
    con = duckdb.connect(str(everything / "planparse.duckdb"), read_only=True)
    try:
        format_of = dict(con.execute("select source_path, format from documents").fetchall())
    finally:
        con.close()
    for view, declared in formats.items():
        shutil.rmtree(only, ignore_errors=True)
        pipeline.extract([Path(p) for p, f in format_of.items() if f in declared], only)
        assert _view_rows(only / f"{view}.parquet") == _view_rows(everything / f"{view}.parquet"), view
        assert len(pl.read_parquet(everything / f"{view}.parquet")) > 0, view
