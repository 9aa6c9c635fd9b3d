"""The library entry point: raw files → common rows → outputs. No printing here.

``extract(paths, out)`` ingests every file, detects its format, runs the format's parser, maps
the record to the common tables, checks keys and the document's own figures, and writes all
tables atomically (``store.write_outputs``). One bad file never stops the others: whatever goes
wrong becomes an ``extraction_issues`` row of that file.
"""

from __future__ import annotations

import functools
import hashlib
import importlib
import operator
import threading
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from planparse import __version__
from planparse.check import compare_figures
from planparse.detect import Detection, detect, detection_warnings, unknown_format_message
from planparse.editions import EditionRow, latest_editions
from planparse.enrich import IssuePlacer, enrich_document, enrich_rows
from planparse.ingest import IngestError, SourceDocument, document_id_for, load_bytes
from planparse.inputs import collect_inputs, display_path, path_document_id, path_problem
from planparse.normalize import clear_memos
from planparse.parsers import PARSERS
from planparse.schemas.base import Issue, ParseResult, RowContext
from planparse.schemas.common import TABLES, CommonRows, Document, ExtractionIssue, Row

__all__ = [
    "ExtractTask", "FileResult", "NoInputError", "RunResult", "collect_inputs", "extract", "extract_file",
    "mark_latest_editions", "parse_document", "run_level_rows", "run_task",
]


class NoInputError(ValueError):
    """``extract`` found no input file (an empty folder, say) and was not allowed to write an
    empty dataset: the previous outputs are kept."""


@dataclass
class FileResult:
    """What one input file gave: its ``documents`` row, its rows in the other tables, its issues.

    ``duplicate_of`` is set (and nothing else extracted) when the file has the same bytes as an
    earlier input of the run. ``error_detail`` holds a traceback for parser bugs (for --verbose).
    ``cached`` is True when the rows were reused from the incremental cache (not extracted again);
    ``issue_counts`` is set (errors and warnings per severity) when ``issues`` holds the errors only
    (``extract(all_issues=False)``). ``parts`` carries the rows as Parquet bytes per
    table between a worker and the parent.
    """

    path: str
    document: Document
    rows: CommonRows
    issues: list[ExtractionIssue]
    detection: Detection | None = None
    duplicate_of: str | None = None
    error_detail: str | None = None
    counts: dict[str, int] = field(default_factory=dict)
    cached: bool = False
    parts: dict[str, bytes] = field(default_factory=dict)
    issue_counts: dict[str, int] | None = None

    def __post_init__(self) -> None:
        if not self.counts:
            self.counts = self.rows.counts()

    def release_rows(self) -> None:
        """Drop the rows (once written) to keep memory flat over large runs; ``counts`` stays."""
        self.rows = CommonRows()

    @property
    def failed(self) -> bool:
        """True when the file has an error row (it could not be extracted, or lost data)."""
        return any(i.severity == "error" for i in self.issues)

    @property
    def error_count(self) -> int:
        if self.issue_counts is not None:
            return self.issue_counts.get("error", 0)
        return sum(1 for i in self.issues if i.severity == "error")

    @property
    def warning_count(self) -> int:
        if self.issue_counts is not None:
            return self.issue_counts.get("warning", 0)
        return sum(1 for i in self.issues if i.severity == "warning")


@dataclass
class RunResult:
    """All files of a run, and the output paths written (empty when ``out`` was None)."""

    files: list[FileResult]
    outputs: list[Path] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every file was extracted without an error row."""
        return not any(f.failed for f in self.files)


def parse_document(doc: SourceDocument, format_name: str) -> ParseResult:
    """Run the registered parser of ``format_name`` on ``doc``.

    Raises KeyError for an unregistered format and whatever the parser raises (a bug).
    """
    return PARSERS[format_name]().parse(doc)


def extract_file(path: str | Path, *, data: bytes | None = None, extracted_at: datetime | None = None) -> FileResult:
    """Extract one file into rows, without writing anything.

    Input: the file's path (and its bytes, if already read). Output: ``FileResult``; every
    failure (unreadable, empty, encrypted, unknown format, parser bug) is an error row in
    ``issues``, never an exception.
    """
    extracted_at = extracted_at or datetime.now(UTC).replace(tzinfo=None)
    clear_memos()  # the text memo holds one document at a time
    spath = display_path(path)
    issues: list[Issue] = []
    detection: Detection | None = None
    doc: SourceDocument | None = None
    rows = CommonRows()
    info = None
    format_name = None
    error_detail = None
    if spath != str(path):
        issues.append(Issue(severity="warning", code="file_name_not_utf8",
                            message=f"the file name is not valid UTF-8: stored as {Path(spath).name} "
                                    "(its undecodable bytes backslash-escaped)"))
    unreadable = False
    if data is None:
        problem = path_problem(path)
        if problem is None:
            try:
                data = Path(path).read_bytes()
            except OSError as exc:
                problem = ("unreadable_file", f"cannot read the file: {exc.strerror or exc}")
        if problem is not None:
            data, unreadable = b"", True
            issues.append(Issue(severity="error", code=problem[0], message=problem[1]))
    if not unreadable:
        try:
            doc = load_bytes(data, path=spath)
        except IngestError as exc:
            issues.append(Issue(severity="error", code=exc.code, message=exc.message))
        except Exception as exc:  # a bug in ingest costs only this file
            error_detail = traceback.format_exc()
            issues.append(Issue(severity="error", code="ingest_error",
                                message=f"decoding the file failed ({type(exc).__name__}: {exc}); "
                                        "nothing was extracted from this file"))
    sha = doc.sha256 if doc is not None else hashlib.sha256(data).hexdigest()  # ingest hashed it already
    if doc is not None:
        issues.extend(Issue(severity="warning", code=code, message=msg) for code, msg in doc.notes)
        try:
            detection = detect(doc)
        except Exception as exc:  # a bug in a parser's detect costs only this file
            error_detail = traceback.format_exc()
            issues.append(Issue(severity="error", code="detect_error",
                                message=f"detecting the format failed ({type(exc).__name__}: {exc}); "
                                        "nothing was extracted from this file"))
        format_name = detection.format if detection is not None else None
        if detection is None:
            pass
        elif format_name is None:
            issues.append(Issue(severity="error", code="unknown_format",
                                message=unknown_format_message(detection)))
        else:
            issues.extend(detection_warnings(detection))
            try:
                result = parse_document(doc, format_name)
                issues.extend(result.issues)
                ctx = RowContext(document_id=doc.document_id, page_of=doc.page_of)
                rows = result.record.to_common(ctx)
                info = result.record.document_info()
            except NotImplementedError as exc:
                issues.append(Issue(severity="error", code="parser_not_implemented",
                                    message=f"{format_name}: {exc}"))
            except ValidationError as exc:
                error_detail = traceback.format_exc()
                issues.append(Issue(severity="error", code="invalid_record",
                                    message=f"the {format_name} parser produced rows that break the schema "
                                            f"({exc.error_count()} errors, first: {_first_error(exc)}); "
                                            "nothing was extracted from this file"))
                rows = CommonRows()
            except Exception as exc:  # a parser bug must not stop the other files
                error_detail = traceback.format_exc()
                issues.append(Issue(severity="error", code="parser_error",
                                    message=f"the {format_name} parser failed ({type(exc).__name__}: {exc}); "
                                            "nothing was extracted from this file"))
                rows = CommonRows()
    if unreadable:
        document_id, sha = path_document_id(path)
    else:
        document_id = doc.document_id if doc is not None else document_id_for(sha)
    try:
        issues.extend(_enforce_keys(rows, document_id))
        issues.extend(_self_check(rows, document_id))
    except Exception as exc:  # a bug in the checks: keep nothing half-checked
        error_detail = traceback.format_exc()
        issues.append(Issue(severity="error", code="check_error",
                            message=f"checking the extracted rows failed ({type(exc).__name__}: {exc}); "
                                    "nothing was extracted from this file"))
        rows = CommonRows()
    parser = PARSERS.get(format_name) if format_name else None
    failed = any(i.severity == "error" for i in issues)
    document = Document(
        document_id=document_id,
        format=format_name,
        municipality_code=(info.municipality_code if info and info.municipality_code else
                           parser.municipality_code if parser else None),
        municipality_name=(info.municipality_name if info and info.municipality_name else
                           parser.municipality_name if parser else None),
        title=info.title if info else None,
        plan_start_fy=info.plan_start_fy if info else None,
        plan_end_fy=info.plan_end_fy if info else None,
        source_path=spath,
        source_sha256=sha,
        source_kind=doc.kind if doc else None,
        page_count=doc.page_count if doc else None,
        parser_version=f"{__version__}+{format_name}.{parser.version}" if parser else __version__,
        extracted_at=extracted_at,
        file_name=Path(spath).name,
        file_size=len(data),
        encoding=doc.encoding if doc else None,
        line_count=len(doc.lines) if doc else None,
        extraction_status="failed" if failed else "ok",
    )
    if doc is not None:  # v2: editions, status_group, keys, KPI pairs, themes (enrich.py)
        try:
            enrich_document(document, doc.lines)
            enrich_rows(rows, document)
        except Exception as exc:  # a bug in the cross-format step must not stop the other files
            error_detail = traceback.format_exc()
            issues.append(Issue(severity="error", code="enrich_error",
                                message=f"the cross-format step failed ({type(exc).__name__}: {exc})"))
            document.extraction_status = "failed"
    page_of = doc.page_of if doc is not None else (lambda _n: None)
    placer = IssuePlacer(rows, document_id)
    issue_rows = []
    for n, i in enumerate(issues, start=1):
        iid, mid = placer.place(i)
        issue_rows.append(ExtractionIssue(
            document_id=document_id, severity=i.severity, code=i.code, message=i.message,
            source_line=i.source_line, seq=n, source_path=spath,
            source_page=page_of(i.source_line) if i.source_line else None,
            initiative_id=iid, measure_id=mid,
        ))
    return FileResult(path=spath, document=document, rows=rows, issues=issue_rows,
                      detection=detection, error_detail=error_detail)


def _first_error(exc: ValidationError) -> str:
    err = exc.errors()[0]
    loc = ".".join(str(p) for p in err.get("loc", ()))
    return f"{loc}: {err.get('msg')}"


def _enforce_keys(rows: CommonRows, document_id: str) -> list[Issue]:
    """Drop rows that would break a PRIMARY KEY or REFERENCES constraint, reporting each one.

    Rows are checked within one document: duplicate keys keep the first row; a reference to a
    row that does not exist (or to another document) drops the referring row.
    """
    issues: list[Issue] = []
    present: dict[str, set] = {"documents": {document_id}}  # single-column keys, as values
    for model in TABLES:
        name = model.__table__
        if name in ("documents", "extraction_issues", "themes"):
            continue
        table_rows: list[Row] = getattr(rows, name)
        key_columns = model.__primary_key__
        single = len(key_columns) == 1
        key_of = operator.attrgetter(*key_columns)  # a value for one column, a tuple for several
        references = [(column, operator.attrgetter(column), target.split("(", 1)[0], present.get(target.split("(", 1)[0], set()))
                      for column, target in model.__foreign_keys__.items()]
        kept: list[Row] = []
        seen: set = set()
        for row in table_rows:
            key = key_of(row)
            if key in seen:
                issues.append(Issue(severity="error", code="duplicate_key",
                                    message=f"{name}: a second row with key {(key,) if single else key} was dropped "
                                            "(parser produced the same key twice)",
                                    source_line=_row_line(row)))
                continue
            missing = None
            for column, value_of, target_table, targets in references:
                value = value_of(row)
                if value is not None and value not in targets:
                    missing = (column, value, target_table)
                    break
            if missing:
                issues.append(Issue(severity="error", code="dangling_reference",
                                    message=f"{name}: row {(key,) if single else key} refers to "
                                            f"{missing[0]}={missing[1]!r}, which is not in {missing[2]}; "
                                            "the row was dropped",
                                    source_line=_row_line(row)))
                continue
            seen.add(key)
            kept.append(row)
        if len(kept) != len(table_rows):
            setattr(rows, name, kept)
        if single:
            present[name] = seen
    return issues


def _row_line(row: Row) -> int | None:
    for attr in ("source_line_start", "source_line"):
        value = getattr(row, attr, None)
        if isinstance(value, int):
            return value
    return None


def _self_check(rows: CommonRows, document_id: str) -> list[Issue]:
    """Compare the document's stated figures with the extracted rows; mismatches → warnings."""
    if not rows.document_figures:
        return []
    dump = lambda items: [r.__dict__ for r in items]  # noqa: E731 - the fields' values, read only
    comparisons = compare_figures(
        dump(rows.document_figures), initiatives=dump(rows.initiatives),
        annual_entries=dump(rows.annual_entries), measures=dump(rows.measures),
    )
    issues = []
    for c in comparisons:
        if c.matches is False:
            year = f" FY{c.fiscal_year}" if c.fiscal_year is not None else ""
            issues.append(Issue(
                severity="warning", code="figure_mismatch",
                message=f"the document states {c.metric}{year} [{c.scope}] = {c.stated:g}, "
                        f"the extracted data gives {c.computed:g}",
                source_line=c.source_line,
            ))
    return issues


@dataclass(frozen=True)
class ExtractTask:
    """One file's work, as shipped to an executor (picklable): where the result goes (``index`` in
    the run's inputs), the file's ``path`` and ``data`` (its bytes, None when unreadable), the run's
    ``extracted_at``, and whether to serialise the rows into Parquet ``parts`` (for the cache and the
    outputs) and then drop them (unless ``keep_rows``), and its warnings with them (unless
    ``keep_issues``; ``FileResult.issue_counts`` keeps their number)."""

    index: int
    path: str
    data: bytes | None
    extracted_at: datetime
    parts: bool = True
    keep_rows: bool = False
    keep_issues: bool = True


def run_task(task: ExtractTask) -> tuple[int, FileResult]:
    """Run ``extract_file`` for one task (in whatever process the executor chose).

    Output: ``(task.index, result)``; with ``task.parts``, ``result.parts`` holds the Parquet bytes
    of every table the document has rows in (``documents`` and ``extraction_issues`` included), so
    the expensive serialisation happens in the worker and the parent only writes bytes.
    """
    result = extract_file(task.path, data=task.data, extracted_at=task.extracted_at)
    if task.parts:
        from planparse.store import parquet_parts

        tables = {"documents": [result.document], **{name: getattr(result.rows, name) for name in CommonRows.model_fields},
                  "extraction_issues": result.issues}
        result.parts = parquet_parts({name: rows for name, rows in tables.items() if rows})
        if not task.keep_rows:
            result.release_rows()
        if not task.keep_issues:  # they are in the parts: ship the errors and the counts only
            result.issue_counts = {"error": result.error_count, "warning": result.warning_count}
            result.issues = [i for i in result.issues if i.severity == "error"]
    return task.index, result


def extract(
    paths: Sequence[str | Path],
    out: str | Path | None,
    *,
    on_file: Callable[[Path, int, int], None] | None = None,
    on_done: Callable[[FileResult], None] | None = None,
    keep_rows: bool = False,
    allow_empty: bool = False,
    lock_timeout: float | None = None,
    on_lock_wait: Callable[[Path], None] | None = None,
    jobs: int | None = 1,
    scheduler: object | None = None,
    full: bool = False,
    all_issues: bool = True,
) -> RunResult:
    """Extract every input file and write all tables to ``out`` (unless ``out`` is None).

    Input: files or folders (see ``collect_inputs``). ``jobs``: worker processes for the per-file
    work (None: one per CPU; 1: in this process); ``scheduler``: the address of a Dask scheduler
    (or a cluster object) to run it on instead (see ``executors``). ``on_file(path, done, total)``
    and ``on_done(result)`` are called as each file is finished (for progress display), in
    completion order. Output: ``RunResult`` with the files in input order.

    Incremental: with ``out``, each document's rows are kept in ``<out>/cache`` and a file whose
    key (bytes, path, parser version, pipeline) is unchanged is not extracted again
    (``FileResult.cached``). ``all_issues=False`` keeps only the errors in each result's ``issues``
    (the warnings are written all the same and ``issue_counts`` counts them): the CLI without
    ``-v`` does so, sparing workers and cache the round trip of every warning;
    ``full=True`` extracts every file anyway. Every table is assembled from
    the per-document parts in input order, whoever made them, so the dataset is the same for a
    full or an incremental run, for any ``jobs`` and on a cluster (only ``extracted_at`` tells when
    a reused document was extracted). Rows are dropped from the results once written
    (``FileResult.counts`` stays), unless ``keep_rows`` is True or ``out`` is None.

    Files with identical bytes are extracted once; the later ones are listed in the first one's
    ``documents.duplicate_paths`` and get a ``duplicate_of``.

    A run that finds no input file raises ``NoInputError`` before touching ``out`` (the previous
    outputs are kept) unless ``allow_empty`` is True (then an empty dataset is written). Writing
    into ``out`` holds its lock (``store.OutputLock``, ``<out>/.planparse.lock``): a second run into
    the same folder waits up to ``lock_timeout`` seconds (None: forever), calling ``on_lock_wait(lock
    path)`` once when it has to wait, then raises ``store.OutputBusyError``.

    Raises only on output errors (``OSError``, ``duckdb.Error``, ``OutputBusyError``) and
    ``NoInputError``, leaving previous outputs intact.
    """
    files = collect_inputs(paths)
    if not files and not allow_empty:
        raise NoInputError("no input file found in " + ", ".join(display_path(p) for p in paths))
    extracted_at = datetime.now(UTC).replace(tzinfo=None)
    writer = cache = None
    if out is not None:  # the writer holds OUT's lock for the whole run (cache included)
        from planparse.cache import Cache
        from planparse.store import OutputWriter

        writer = OutputWriter(out, views=_views(), view_comments=_view_comments(), view_formats=_view_formats(),
                              per_document_views=_per_document_views(),
                              lock_timeout=lock_timeout,
                              on_lock_wait=on_lock_wait)
    try:
        if writer is not None:
            cache = Cache(out)
        run = _extract_into(files, writer, cache, extracted_at=extracted_at, on_file=on_file, on_done=on_done,
                            keep_rows=keep_rows, jobs=jobs, scheduler=scheduler, full=full, all_issues=all_issues)
    except BaseException:
        if writer is not None:
            writer.abort()
        raise
    return run


def _largest_first(files: Sequence[Path], indexes: Sequence[int]) -> list[int]:
    """``indexes`` (into ``files``) ordered by file size, largest first (ties, and files whose size
    cannot be read, in input order): the order in which a pool is given the files."""
    def size(index: int) -> int:
        try:
            return files[index].stat().st_size
        except OSError:
            return 0
    return sorted(indexes, key=lambda index: -size(index))


def _extract_into(files: list[Path], writer, cache, *, extracted_at: datetime, on_file, on_done, keep_rows: bool,
                  jobs: int | None, scheduler: object | None, full: bool, all_issues: bool) -> RunResult:
    """``extract``'s plan: reuse, extract (``executors``), then write (``writer`` None: rows kept)."""
    from planparse.executors import make_executor
    from planparse.store import DUCKDB_NAME

    readable = [path_problem(path) is None for path in files]  # special files (a FIFO) are never read
    digests = [_sha256_of(path) if ok else None for path, ok in zip(files, readable, strict=True)]
    shown = [display_path(path) for path in files]
    results: list[FileResult | None] = [None] * len(files)
    first_of: dict[str, int] = {}
    hits: dict[int, Any] = {}  # index → cache entry its rows are read from (reused, then fresh ones)
    todo: list[int] = []
    for index, (path, sha) in enumerate(zip(files, digests, strict=True)):
        key = sha if sha is not None else path_document_id(path)[1]  # same bytes, or the same unreadable path
        if key in first_of:
            continue  # a duplicate: filled in below
        first_of[key] = index
        entry = cache.lookup(sha, shown[index]) if cache is not None and sha is not None and not full else None
        if entry is not None:
            hits[index] = entry
        else:
            todo.append(index)
    reused = dict(hits)
    total = len(files)
    done = 0

    def finished(result: FileResult) -> None:
        nonlocal done
        if on_file:
            on_file(Path(result.path), done, total)
        done += 1
        if on_done:
            on_done(result)

    def tasks(order: Sequence[int]):
        for index in order:
            data = None
            if readable[index]:
                try:
                    data = files[index].read_bytes()
                except OSError:
                    data = None  # extract_file reports why it cannot be read
            cached = cache is not None and data is not None
            yield ExtractTask(index=index, path=str(files[index]), data=data, extracted_at=extracted_at,
                              parts=cached, keep_rows=keep_rows or not cached, keep_issues=all_issues)

    # while the files are extracted, a thread makes the new database (the contract, no rows) or,
    # when the run will likely extend the previous database (files reused from the cache), copies
    # and opens that one
    prepare = None
    if writer is not None:
        previous_db = writer.out / DUCKDB_NAME
        if full or not reused:
            prepare = writer.prepare_database
        elif previous_db.exists():
            prepare = functools.partial(writer.prepare_extension, previous_db)
    with make_executor(jobs=jobs, scheduler=scheduler, tasks=len(todo)) as executor:
        if prepare is not None and not executor.forks_workers:
            prepare()
            prepare = None
        # several workers: the largest files first (their size standing for their work), so that a
        # large one started last does not keep one worker busy while the others idle; the results
        # are placed by index, so the dataset is the same in any order
        order = _largest_first(files, todo) if executor.workers > 1 else todo
        for index, result in executor.run(run_task, tasks(order)):
            if prepare is not None:  # the pool's workers are all forked once a result is back
                prepare()
                prepare = None
                # and polars, which the commit needs, is imported meanwhile (not at the run's end)
                threading.Thread(target=importlib.import_module, args=("polars",), name="import-polars").start()
            if cache is not None and result.parts:
                hits[index] = cache.put(
                    sha256=result.document.source_sha256, path=result.path, format_name=result.document.format,
                    document=result.document.model_dump(mode="json"), parts=result.parts, counts=result.counts,
                    issue_counts={"error": result.error_count, "warning": result.warning_count},
                    errors=[i.model_dump(mode="json") for i in result.issues if i.severity == "error"])
                result.parts = {}
            results[index] = result
            finished(result)
    for index, entry in reused.items():  # after the pool: reading them loads polars, which a fork must not inherit
        results[index] = _cached_result(cache, entry, shown[index], all_issues=all_issues)
        finished(results[index])
    for index, (path, sha) in enumerate(zip(files, digests, strict=True)):
        if results[index] is None:  # a later copy of the same bytes
            first = results[first_of[sha if sha is not None else path_document_id(path)[1]]]
            first.document.duplicate_paths.append(shown[index])
            results[index] = FileResult(path=shown[index], document=first.document, rows=CommonRows(), issues=[],
                                        detection=first.detection, duplicate_of=first.path)
            finished(results[index])
    run = RunResult(files=results)
    run_rows = run_level_rows(results)  # before the documents rows: it sets is_latest_edition
    if writer is None:
        return run
    documents = [r.document.model_dump() for r in results if r.duplicate_of is None]
    # the run's issue rows are replaced in an extended database; its other rows (themes) must match
    stamp = cache.outputs_stamp(writer.views, {t: rows for t, rows in run_rows.items() if t != "extraction_issues"})
    kept = latest = None
    if not full and len(hits) == len(documents) and cache.outputs_match(stamp):  # every document cached
        kept, latest = _documents_kept(writer.out, documents) or (None, None)
    added: dict[str, list[Path]] = {}
    previous: dict[str, list[Path]] = {}  # the parts of the kept documents, when the published tables hold them
    same_order = kept is not None and _published_order(writer.out) == [
        d["document_id"] for d in documents if d["document_id"] in kept]
    for index, result in enumerate(results):
        if result.duplicate_of is not None:
            continue
        entry = hits.get(index)
        if entry is not None:
            for table in entry.tables:
                if table != "documents":  # written last, from memory: duplicates add to it
                    writer.add_part(table, cache.part_path(entry, table))
                    if kept is not None and result.document.document_id not in kept:
                        added.setdefault(table, []).append(cache.part_path(entry, table))
                    elif same_order:
                        previous.setdefault(table, []).append(cache.part_path(entry, table))
        else:  # not cacheable (unreadable file): its rows were kept
            writer.add(tables_of([result], documents=False))
            if not keep_rows:
                result.release_rows()
    writer.add({**run_rows, "documents": documents})  # documents last: a later duplicate adds to an earlier row
    # until the new outputs are all in place, none of them may be taken for the last run's (a run
    # killed while moving them would otherwise leave a mix that the next run could extend)
    cache.record_outputs("")
    if kept is not None:  # only documents were added since the last run: extend its database
        run.outputs = writer.commit(extend=writer.out / DUCKDB_NAME, added=added,
                                    added_documents=[d for d in documents if d["document_id"] not in kept],
                                    latest_editions=latest, run_issues=run_rows["extraction_issues"],
                                    run_issue_codes=(RUN_ISSUE_CODE,), previous_rows=previous)
    else:
        run.outputs = writer.commit()
    cache.record_outputs(stamp)
    cache.save(keep={r.document.source_sha256 for r in results if r.duplicate_of is None})
    return run


def _documents_kept(out: Path, documents: list[dict[str, Any]]) -> tuple[set[str], dict[str, bool]] | None:
    """``(ids, latest)`` for the published ``planparse.duckdb`` when every document in it has the
    same ``documents`` row in this run but for ``is_latest_edition`` (``latest``: the new value of
    each that changed), so its rows in every table are the same and the file can be extended with
    the added documents; None when anything else differs or the files cannot be read (the database
    is then built from scratch). The database's documents are read from the published
    ``documents.parquet``, which holds the same rows: the caller asks only when the outputs stamp
    matches, and the stamp is cleared while a run moves its outputs into place, so both files are
    from one finished run (reading a Parquet file costs less than opening the database)."""
    import polars as pl

    from planparse.store import DUCKDB_NAME

    if not (out / DUCKDB_NAME).exists():
        return None
    try:
        previous = pl.read_parquet(out / "documents.parquet").to_dicts()
    except (OSError, pl.exceptions.PolarsError):
        return None
    current = {d["document_id"]: d for d in documents}
    latest: dict[str, bool] = {}
    for row in previous:
        now = current.get(row["document_id"])
        if now is None or {**now, "is_latest_edition": None} != {**row, "is_latest_edition": None}:
            return None
        if now["is_latest_edition"] != row["is_latest_edition"]:
            latest[row["document_id"]] = now["is_latest_edition"]
    return {row["document_id"] for row in previous}, latest


def _published_order(out: Path) -> list[str] | None:
    """The ``document_id`` of every row of the published ``documents.parquet``, in order (the order
    of the rows of every table there); None when it cannot be read. ``OutputWriter.commit``
    publishes ``documents.parquet`` before the other tables: after a run killed in between, the
    tables are the run before's, which had these documents in this order only if it had their rows
    too (the same cache parts; a parser changed since would make them cache misses now)."""
    import polars as pl

    try:
        return pl.read_parquet(out / "documents.parquet", columns=["document_id"])["document_id"].to_list()
    except (OSError, pl.exceptions.PolarsError):
        return None


def _sha256_of(path: Path) -> str | None:
    """SHA-256 (hex) of a file's bytes, read in blocks; None when it cannot be read."""
    try:
        with path.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest()
    except OSError:
        return None


def _cached_result(cache, entry, path: str, *, all_issues: bool = False) -> FileResult:
    """A ``FileResult`` rebuilt from a cache entry: its document row, counts and error issues (all
    issues, read from its ``extraction_issues`` part, when ``all_issues``); no rows (they are read
    from the parts when writing)."""
    if all_issues and "extraction_issues" in entry.tables:
        import polars as pl

        rows = pl.read_parquet(cache.part_path(entry, "extraction_issues")).to_dicts()
    else:
        rows = entry.errors
    issues = [ExtractionIssue.model_validate(row) for row in rows]
    return FileResult(path=path, document=Document.model_validate(entry.document), rows=CommonRows(),
                      issues=issues, counts=dict(entry.counts), cached=True, issue_counts=dict(entry.issue_counts))


RUN_ISSUE_CODE = "multiple_editions"
"""The code of the issues a run adds across documents (``mark_latest_editions``), not one file."""


def run_level_rows(results: Sequence[FileResult]) -> dict[str, list[dict[str, Any]]]:
    """The rows that depend on the whole run, not on one file: marks ``is_latest_edition`` on the
    results' documents (``mark_latest_editions``) and returns ``{"extraction_issues": [the
    multiple_editions warnings], "themes": [the taxonomy]}`` as row dicts, to be written once per
    run before the ``documents`` rows. Duplicates (``duplicate_of``) are left out."""
    from planparse.themes import theme_rows

    issues = mark_latest_editions([r for r in results if r.duplicate_of is None])
    return {"extraction_issues": [i.model_dump() for i in issues],
            "themes": [t.model_dump() for t in theme_rows()]}


def mark_latest_editions(results: Sequence[FileResult]) -> list[ExtractionIssue]:
    """Set ``documents.is_latest_edition`` across a run's results (``editions.latest_editions``) and
    report every series with several editions: one ``multiple_editions`` warning per document of
    such a series, appended to its ``issues``. Output: the new issue rows (to be written)."""
    rows = [EditionRow(document_id=r.document.document_id, plan_series=r.document.plan_series,
                       edition_fy=r.document.edition_fy, plan_start_fy=r.document.plan_start_fy,
                       plan_end_fy=r.document.plan_end_fy) for r in results]
    latest, groups = latest_editions(rows)
    by_id = {r.document.document_id: r for r in results}
    new: list[ExtractionIssue] = []
    for r in results:
        r.document.is_latest_edition = latest[r.document.document_id]
    for series, members in groups:
        names = ", ".join(f"{by_id[d].document.file_name} ({by_id[d].document.edition or 'no edition'})"
                          for d in members)
        for d in members:
            r = by_id[d]
            state = "the latest" if latest[d] else "not the latest"
            issue = ExtractionIssue(
                document_id=d, severity="warning", code=RUN_ISSUE_CODE,
                message=f"{len(members)} documents of this run are editions of {series}: {names}; "
                        f"this one is {state} (the analyst views show the latest only)",
                source_line=None, seq=_last_issue_seq(r) + 1, source_path=r.path,
            )
            r.issues.append(issue)
            if r.issue_counts is not None:
                r.issue_counts["warning"] = r.issue_counts.get("warning", 0) + 1
            new.append(issue)
    return new


def _last_issue_seq(result: FileResult) -> int:
    """The ``seq`` of a result's last issue row, also when its ``issues`` hold only its errors
    (``issue_counts`` then counts them all; ``extract_file`` numbers the issues 1..n)."""
    counted = sum(result.issue_counts.values()) if result.issue_counts is not None else 0
    return max(max((i.seq for i in result.issues), default=0), counted)


def tables_of(results: Iterable[FileResult], *, documents: bool = True) -> dict[str, list[dict[str, Any]]]:
    """Row dicts per table for the given results (duplicates contribute nothing); the
    ``documents`` rows are left out when ``documents`` is False."""
    tables: dict[str, list[dict[str, Any]]] = {m.__table__: [] for m in TABLES}
    for r in results:
        if r.duplicate_of is not None:
            continue
        if documents:
            tables["documents"].append(r.document.model_dump())
        for name in CommonRows.model_fields:
            tables[name].extend(row.model_dump() for row in getattr(r.rows, name))
        tables["extraction_issues"].extend(i.model_dump() for i in r.issues)
    return tables


def _views() -> dict[str, str]:
    views: dict[str, str] = {}
    for parser in PARSERS.values():
        views.update(parser.views)
    return views


def _view_formats() -> dict[str, tuple[str, ...]]:
    formats: dict[str, tuple[str, ...]] = {}
    for parser in PARSERS.values():
        formats.update(parser.view_formats)
    return formats


def _per_document_views() -> frozenset[str]:
    return frozenset().union(*(parser.per_document_views for parser in PARSERS.values()))


def _view_comments() -> dict[str, tuple[str, dict[str, str]]]:
    comments: dict[str, tuple[str, dict[str, str]]] = {}
    for parser in PARSERS.values():
        comments.update(parser.view_comments)
    return comments
