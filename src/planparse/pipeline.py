"""The library entry point: raw files → common rows → outputs. No printing here.

``extract(paths, out)`` ingests every file, detects its format, runs the format's parser, maps
the record to the common tables, checks keys and the document's own figures, and writes all
tables atomically (``store.write_outputs``). One bad file never stops the others: whatever goes
wrong becomes an ``extraction_issues`` row of that file.
"""

from __future__ import annotations

import hashlib
import traceback
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from planparse import __version__
from planparse.check import compare_figures
from planparse.detect import Detection, detect
from planparse.ingest import IngestError, SourceDocument, document_id_for, load_bytes
from planparse.normalize import clear_memos
from planparse.parsers import PARSERS
from planparse.schemas.base import Issue, ParseResult, RowContext
from planparse.schemas.common import TABLES, CommonRows, Document, ExtractionIssue, Row

__all__ = [
    "ExtractTask", "FileResult", "RunResult", "collect_inputs", "extract", "extract_file", "parse_document",
    "run_task",
]


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


def collect_inputs(paths: Iterable[str | Path]) -> list[Path]:
    """Expand ``paths`` (files or folders) into the list of input files.

    Folders are walked recursively in name order; hidden files and folders (``.name``) are
    skipped. A path that does not exist is kept (it will be reported as unreadable).
    """
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if p.is_dir():
            for child in sorted(p.rglob("*")):
                rel = child.relative_to(p)
                if child.is_file() and not any(part.startswith(".") for part in rel.parts):
                    out.append(child)
        else:
            out.append(p)
    return out


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
    spath = str(path)
    issues: list[Issue] = []
    detection: Detection | None = None
    doc: SourceDocument | None = None
    rows = CommonRows()
    info = None
    format_name = None
    error_detail = None
    if data is None:
        try:
            data = Path(path).read_bytes()
        except OSError as exc:
            data = b""
            issues.append(Issue(severity="error", code="unreadable_file",
                                message=f"cannot read the file: {exc.strerror or exc}"))
    sha = hashlib.sha256(data).hexdigest()
    if not issues:
        try:
            doc = load_bytes(data, path=spath)
        except IngestError as exc:
            issues.append(Issue(severity="error", code=exc.code, message=exc.message))
    if doc is not None:
        issues.extend(Issue(severity="warning", code=code, message=msg) for code, msg in doc.notes)
        detection = detect(doc)
        format_name = detection.format
        if format_name is None:
            best = detection.scores[0] if detection.scores else ("-", 0.0)
            issues.append(Issue(
                severity="error", code="unknown_format",
                message=f"unknown format: no parser recognises this document (best guess {best[0]} "
                        f"at confidence {best[1]:.2f}, below the threshold)",
            ))
        else:
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
    document_id = doc.document_id if doc is not None else document_id_for(sha)
    issues.extend(_enforce_keys(rows, document_id))
    issues.extend(_self_check(rows, document_id))
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
    page_of = doc.page_of if doc is not None else (lambda _n: None)
    issue_rows = [
        ExtractionIssue(
            document_id=document_id, severity=i.severity, code=i.code, message=i.message,
            source_line=i.source_line, seq=n, source_path=spath,
            source_page=page_of(i.source_line) if i.source_line else None,
        )
        for n, i in enumerate(issues, start=1)
    ]
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
    present: dict[str, set] = {"documents": {(document_id,)}}
    for model in TABLES:
        name = model.__table__
        if name in ("documents", "extraction_issues"):
            continue
        table_rows: list[Row] = getattr(rows, name)
        kept: list[Row] = []
        seen: set = set()
        for row in table_rows:
            key = tuple(getattr(row, c) for c in model.__primary_key__)
            if key in seen:
                issues.append(Issue(severity="error", code="duplicate_key",
                                    message=f"{name}: a second row with key {key} was dropped "
                                            "(parser produced the same key twice)",
                                    source_line=_row_line(row)))
                continue
            missing = None
            for column, target in model.__foreign_keys__.items():
                value = getattr(row, column)
                target_table = target.split("(", 1)[0]
                if value is not None and (value,) not in present.get(target_table, set()):
                    missing = (column, value, target_table)
                    break
            if missing:
                issues.append(Issue(severity="error", code="dangling_reference",
                                    message=f"{name}: row {key} refers to {missing[0]}={missing[1]!r}, "
                                            f"which is not in {missing[2]}; the row was dropped",
                                    source_line=_row_line(row)))
                continue
            seen.add(key)
            kept.append(row)
        setattr(rows, name, kept)
        if len(model.__primary_key__) == 1:
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
    dump = lambda items: [r.model_dump() for r in items]  # noqa: E731
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
        from planparse.store import parquet_bytes

        tables = {"documents": [result.document], **{name: getattr(result.rows, name) for name in CommonRows.model_fields},
                  "extraction_issues": result.issues}
        result.parts = {name: parquet_bytes(name, rows) for name, rows in tables.items() if rows}
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

    Raises only on output errors (``OSError``, ``duckdb.Error``), leaving previous outputs intact.
    """
    from planparse.executors import make_executor

    files = collect_inputs(paths)
    extracted_at = datetime.now(UTC).replace(tzinfo=None)
    digests = [_sha256_of(path) for path in files]
    cache = None
    if out is not None:
        from planparse.cache import Cache

        cache = Cache(out)
    results: list[FileResult | None] = [None] * len(files)
    first_of: dict[str, int] = {}
    hits: dict[int, Any] = {}  # index → cache entry its rows are read from (reused, then fresh ones)
    todo: list[int] = []
    for index, (path, sha) in enumerate(zip(files, digests, strict=True)):
        if sha is not None and sha in first_of:
            continue  # a duplicate: filled in below
        if sha is not None:
            first_of[sha] = index
        entry = cache.lookup(sha, str(path)) if cache is not None and sha is not None and not full else None
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

    def tasks():
        for index in todo:
            try:
                data = files[index].read_bytes()
            except OSError:
                data = None  # extract_file reads it again and reports why it cannot
            cached = cache is not None and data is not None
            yield ExtractTask(index=index, path=str(files[index]), data=data, extracted_at=extracted_at,
                              parts=cached, keep_rows=keep_rows or not cached, keep_issues=all_issues)

    with make_executor(jobs=jobs, scheduler=scheduler, tasks=len(todo)) as executor:
        for index, result in executor.run(run_task, tasks()):
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
        results[index] = _cached_result(cache, entry, str(files[index]), all_issues=all_issues)
        finished(results[index])
    for index, (path, sha) in enumerate(zip(files, digests, strict=True)):
        if results[index] is None:  # a later copy of the same bytes
            first = results[first_of[sha]]
            first.document.duplicate_paths.append(str(path))
            results[index] = FileResult(path=str(path), document=first.document, rows=CommonRows(), issues=[],
                                        detection=first.detection, duplicate_of=first.path)
            finished(results[index])
    run = RunResult(files=results)
    if out is None:
        return run
    from planparse.store import DUCKDB_NAME, OutputWriter

    views = _views()
    documents = [r.document.model_dump() for r in results if r.duplicate_of is None]
    stamp = cache.outputs_stamp(views)
    kept = None
    if not full and len(hits) == len(documents):  # every document has its parts in the cache
        kept = _documents_kept(Path(out), documents) if cache.outputs_match(stamp) else None
    added: dict[str, list[Path]] = {}
    writer = OutputWriter(out, views=views)
    try:
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
            else:  # not cacheable (unreadable file): its rows were kept
                writer.add(tables_of([result], documents=False))
                if not keep_rows:
                    result.release_rows()
        writer.add({"documents": documents})
        if kept is not None:  # only documents were added since the last run: extend its database
            run.outputs = writer.commit(extend=Path(out) / DUCKDB_NAME, added=added,
                                        added_documents=[d for d in documents if d["document_id"] not in kept])
        else:
            run.outputs = writer.commit()
    except BaseException:
        writer.abort()
        raise
    cache.record_outputs(stamp)
    cache.save(keep=set(first_of))
    return run


def _documents_kept(out: Path, documents: list[dict[str, Any]]) -> set[str] | None:
    """The ids of the documents in the published ``planparse.duckdb`` when every one of them has
    exactly the same ``documents`` row in this run (so their rows in every table are the same, and
    the file can be extended with the added documents); None when anything differs or the file
    cannot be read (the database is then built from scratch)."""
    import duckdb

    from planparse.store import DUCKDB_NAME

    path = out / DUCKDB_NAME
    if not path.exists():
        return None
    try:
        con = duckdb.connect(str(path), read_only=True)
        try:
            cursor = con.execute("SELECT * FROM documents")
            columns = [d[0] for d in cursor.description]
            previous = [dict(zip(columns, row, strict=True)) for row in cursor.fetchall()]
        finally:
            con.close()
    except duckdb.Error:
        return None
    current = {d["document_id"]: d for d in documents}
    if any(current.get(row["document_id"]) != row for row in previous):
        return None
    return {row["document_id"] for row in previous}


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
