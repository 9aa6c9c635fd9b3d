"""Store: common rows → ``<out>/<table>.parquet`` and ``<out>/planparse.duckdb``, written atomically.

Every table of ``schemas.common.TABLES`` is written on every run, empty ones with their columns.
The DuckDB file declares the contract: column types, PRIMARY KEY, REFERENCES, CHECK constraints on
enum columns, and a COMMENT on every table and column (the data dictionary travels in the file).

Atomicity: all outputs are first written into a staging folder inside ``<out>``; only when every
file is complete are they moved over the previous outputs with ``os.replace`` (atomic per file on
POSIX). A run killed at any moment leaves the previous files readable; a stale staging folder left
by a killed run is removed by the next run. Rows are streamed into Parquet parts while files are
extracted (``OutputWriter``), so memory does not grow with the number of documents.

One writer at a time: an ``OutputWriter`` holds ``<out>/.planparse.lock`` (``filelock``, an OS lock
released when the process ends, even when killed) from its creation until commit or abort, so a
second run into the same folder waits for the first (or stops with ``OutputBusyError``) instead
of silently overwriting it.
"""

from __future__ import annotations

import functools
import os
import shutil
import tempfile
import types
import typing
from collections.abc import Callable, Collection, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from planparse.schemas.common import KPI_DECIMAL_DIGITS, KPI_DECIMAL_PLACES, TABLES, Row
from planparse.views import COMMON_VIEWS, LATEST_OF, PER_DOCUMENT_VIEWS, view_ddl
from planparse.views import sql_literal as _quote

_MODELS: dict[str, type[Row]] = {m.__table__: m for m in TABLES}

__all__ = [
    "COMMON_VIEWS",
    "DUCKDB_NAME",
    "LOCK_NAME",
    "OutputBusyError",
    "OutputWriter",
    "column_types",
    "create_schema",
    "ddl",
    "parquet_bytes",
    "parquet_parts",
    "read_tables",
    "schema_statements",
    "write_outputs",
]

DUCKDB_NAME = "planparse.duckdb"
LOCK_NAME = ".planparse.lock"
_STAGING_PREFIX = ".planparse-staging-"


class OutputBusyError(RuntimeError):
    """Another run is writing into the same output folder and did not finish within the timeout.
    ``lock_path`` is the lock file (``<out>/.planparse.lock``)."""

    def __init__(self, lock_path: Path, timeout: float) -> None:
        super().__init__(f"another planparse run is writing to {lock_path.parent} (lock {lock_path} held "
                         f"for more than {timeout:g} s); try again when it has finished")
        self.lock_path = lock_path


# --------------------------------------------------------------------------------------------
# Types derived from the pydantic models
# --------------------------------------------------------------------------------------------


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """(inner type, nullable) of ``X | None``."""
    if get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        return _plain(args[0]), len(args) < len(get_args(annotation))
    return _plain(annotation), False


def _plain(annotation: Any) -> Any:
    """``X`` of ``Annotated[X, …]`` (constrained types such as the exact KPI decimals)."""
    return get_args(annotation)[0] if get_origin(annotation) is typing.Annotated else annotation


def column_types(model: type[Row]) -> list[tuple[str, str, bool, tuple[str, ...] | None, str]]:
    """For each column of ``model``: ``(name, duckdb_type, nullable, enum_values, description)``.

    Python → DuckDB: str → VARCHAR, int → BIGINT, float → DOUBLE, Decimal → DECIMAL(18,4),
    bool → BOOLEAN, datetime → TIMESTAMP (UTC), list[str] → VARCHAR[], Literal[...] → VARCHAR + CHECK.
    Raises TypeError for an annotation outside that set.
    """
    out = []
    for name, field in model.model_fields.items():
        inner, nullable = _unwrap(field.annotation)
        enum: tuple[str, ...] | None = None
        if get_origin(inner) is Literal:
            enum = tuple(get_args(inner))
            sql = "VARCHAR"
        elif inner is str:
            sql = "VARCHAR"
        elif inner is bool:
            sql = "BOOLEAN"
        elif inner is int:
            sql = "BIGINT"
        elif inner is float:
            sql = "DOUBLE"
        elif inner is Decimal:
            sql = _DECIMAL
        elif inner is datetime:
            sql = "TIMESTAMP"
        elif get_origin(inner) is list and get_args(inner) == (str,):
            sql = "VARCHAR[]"
        else:
            raise TypeError(f"{model.__name__}.{name}: unsupported annotation {field.annotation!r}")
        out.append((name, sql, nullable, enum, field.description or ""))
    return out


_DECIMAL = f"DECIMAL({KPI_DECIMAL_DIGITS},{KPI_DECIMAL_PLACES})"


@functools.cache
def _polars_schema(model: type[Row]):
    import polars as pl

    mapping = {"VARCHAR": pl.Utf8, "BOOLEAN": pl.Boolean, "BIGINT": pl.Int64, "DOUBLE": pl.Float64,
               "TIMESTAMP": pl.Datetime("us"), "VARCHAR[]": pl.List(pl.Utf8),
               _DECIMAL: pl.Decimal(KPI_DECIMAL_DIGITS, KPI_DECIMAL_PLACES)}
    return {name: mapping[sql] for name, sql, *_ in column_types(model)}


def ddl(model: type[Row]) -> list[str]:
    """DuckDB statements creating ``model``'s table: CREATE TABLE with NOT NULL, CHECK (enums),
    PRIMARY KEY and FOREIGN KEY clauses, then COMMENT ON the table and every column."""
    cols = []
    for name, sql, nullable, enum, _desc in column_types(model):
        col = f'"{name}" {sql}' + ("" if nullable else " NOT NULL")
        if enum:
            col += f' CHECK ("{name}" IN ({", ".join(_quote(v) for v in enum)}))'
        cols.append(col)
    if model.__primary_key__:
        cols.append(f"PRIMARY KEY ({', '.join(model.__primary_key__)})")
    for column, target in model.__foreign_keys__.items():
        cols.append(f"FOREIGN KEY ({column}) REFERENCES {target}")
    stmts = [f"CREATE TABLE {model.__table__} (\n  " + ",\n  ".join(cols) + "\n)"]
    stmts.append(f"COMMENT ON TABLE {model.__table__} IS {_quote(model.__doc_table__)}")
    for name, _sql, _n, _e, desc in column_types(model):
        stmts.append(f'COMMENT ON COLUMN {model.__table__}."{name}" IS {_quote(desc)}')
    return stmts


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


# Per-document parts (cache and staging): lz4 (fast to write and read) and no column statistics, which
# cost a third of the writing of a small file and which nothing reading a whole small file needs; the
# published files are zstd-compressed (level 1: a third less CPU than polars' default level, 3% larger)
# with statistics.
_PART_OPTIONS: dict[str, Any] = {"compression": "lz4", "statistics": False}
_PUBLISHED_OPTIONS: dict[str, Any] = {"compression": "zstd", "compression_level": 1}


def parquet_bytes(table: str, rows: Sequence[Row | Mapping[str, Any]]) -> bytes:
    """Rows of ``table`` (``Row`` models, or their ``model_dump()`` dicts) as the bytes of one
    Parquet file with the table's column types (a part: lz4, no statistics). Models are
    read field by field (``__dict__``), not serialised again. Raises KeyError for an unknown table
    name."""
    return parquet_parts({table: rows})[table]


def parquet_parts(tables: Mapping[str, Sequence[Row | Mapping[str, Any]]]) -> dict[str, bytes]:
    """``parquet_bytes`` of several tables at once: ``{table: rows}`` → ``{table: Parquet bytes}``,
    every table of the input (empty ones too). The files are written in one run of polars' engine
    (``collect_all``), which costs less than one run per file. Raises KeyError for an unknown table
    name."""
    import io

    import polars as pl
    from polars.lazyframe.opt_flags import QueryOptFlags

    buffers = {name: io.BytesIO() for name in tables}
    sinks = [pl.from_dicts([row.__dict__ if isinstance(row, Row) else row for row in rows],
                           schema=_polars_schema(_MODELS[name])).lazy().sink_parquet(
                 buffers[name], lazy=True, **_PART_OPTIONS)
             for name, rows in tables.items()]
    pl.collect_all(sinks, optimizations=QueryOptFlags._eager())
    return {name: buffer.getvalue() for name, buffer in buffers.items()}


class OutputWriter:
    """Streams rows into staged Parquet parts, then publishes all outputs at once.

    ``add(rows)`` buffers row dicts per table and writes a Parquet *part* to the staging folder
    whenever ``flush_rows`` rows are buffered, so memory is bounded by the buffer, not by the
    corpus. ``commit()`` joins the parts into ``<table>.parquet`` (streamed by polars), builds
    ``planparse.duckdb`` from those files (``schema_statements``: DDL with keys, checks and comments,
    the views and their comments; then the rows), exports every view as ``<view>.parquet`` too, and
    moves every file over the previous outputs (``os.replace``; the DuckDB file last). ``abort()``
    (or leaving a ``with`` block by an exception) removes the staging folder and leaves the
    previous outputs untouched. The folder's lock (``LOCK_NAME``) is held from creation to
    ``commit``/``abort``: creating a writer waits up to ``lock_timeout`` seconds (None: no limit),
    calling ``on_lock_wait(lock path)`` once if it has to wait, and raises ``OutputBusyError`` when
    the time is up.

    Raises ``duckdb.Error`` from ``commit`` when rows break a declared constraint (the pipeline
    checks keys before adding rows) and ``OSError`` on file-system errors.
    """

    def __init__(self, out_dir: str | Path, *, views: Mapping[str, str] | None = None,
                 view_comments: Mapping[str, ViewComments] | None = None,
                 view_formats: Mapping[str, Sequence[str]] | None = None,
                 per_document_views: Collection[str] = (), flush_rows: int = 20_000,
                 lock_timeout: float | None = None, on_lock_wait: Callable[[Path], None] | None = None) -> None:
        self.out = Path(out_dir)
        self.out.mkdir(parents=True, exist_ok=True)
        self._lock = _acquire_lock(self.out, lock_timeout, on_lock_wait)
        try:
            _remove_stale_staging(self.out)
            self.staging = Path(tempfile.mkdtemp(prefix=f"{_STAGING_PREFIX}{os.getpid()}-", dir=self.out))
        except BaseException:
            self._lock.release()
            raise
        self.views = {**COMMON_VIEWS, **(views or {})}
        self.view_comments = dict(view_comments or {})
        self.view_formats = {name: frozenset(formats) for name, formats in (view_formats or {}).items()}
        self.per_document_views = frozenset(per_document_views)
        self.flush_rows = flush_rows
        self._buffers: dict[str, list[Mapping[str, Any]]] = {m.__table__: [] for m in TABLES}
        self._buffered = 0
        self._parts: dict[str, list[str | Path]] = {m.__table__: [] for m in TABLES}
        self._owned: set[Path] = set()
        self._schema: Future | None = None  # the preparing thread's (prepare_database / _extension)
        self._schema_kind: str | None = None
        self._contract: list[str] | None = None

    def __enter__(self) -> OutputWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self.abort()

    def prepare_database(self) -> None:
        """Start making the staged ``planparse.duckdb`` with the contract (``schema_statements``:
        tables, views, comments; no rows; a copy of the per-user template,
        ``contract.create_database``) in a background thread, so that it overlaps the extraction;
        ``commit`` then only adds the rows. Call it only once no process
        will be forked from this one any more (it imports DuckDB). Optional: without it, ``commit``
        builds the file from scratch; a failure here is ignored (``commit`` builds it again) and
        the result is discarded when ``commit`` extends a previous database instead."""
        from planparse.contract import create_database

        self._prepare("contract", create_database, self.staging / DUCKDB_NAME, self._statements())

    def _statements(self) -> list[str]:
        """``schema_statements`` of this writer's views (computed once)."""
        if self._contract is None:
            self._contract = schema_statements(self.views, self.view_comments)
        return self._contract

    def prepare_extension(self, previous: Path) -> None:
        """Start copying the previous database ``previous`` into the staging folder and opening it,
        in a background thread, for a run that will likely ``commit(extend=previous)`` (an
        incremental run): the copy and DuckDB's start-up then overlap the extraction. Same rules as
        ``prepare_database``; discarded (the staged copy removed) when ``commit`` does not extend
        this file."""
        from planparse.contract import copy_database

        self._prepare(str(previous), copy_database, previous, self.staging / DUCKDB_NAME)

    def _prepare(self, kind: str, fn: Callable[..., Any], *args: Any) -> None:
        if self._schema is None:
            self._schema_kind = kind
            self._schema_pool = ThreadPoolExecutor(max_workers=1)
            self._schema = self._schema_pool.submit(fn, *args)
            self._schema_pool.shutdown(wait=False)

    def _prepared_database(self, kind: str | None = None):
        """Wait for the preparing thread (``prepare_database`` / ``prepare_extension``): the open
        DuckDB connection to the staged file (the caller closes it) when it prepared ``kind``
        (``"contract"``, or the path of the previous database), else None: nothing was prepared,
        it failed, or it prepared something else (then its staged file is removed)."""
        if self._schema is None:
            return None
        try:
            con = self._schema.result()
        except Exception:  # built again from scratch by commit
            con = None
        finally:
            self._schema = None
        if con is not None and self._schema_kind == kind:
            return con
        if con is not None:
            con.close()
        self._remove_staged_database()
        return None

    def _remove_staged_database(self) -> None:
        for name in (DUCKDB_NAME, DUCKDB_NAME + ".wal"):
            (self.staging / name).unlink(missing_ok=True)

    def add(self, rows: Mapping[str, Sequence[Mapping[str, Any]]]) -> None:
        """Buffer row dicts (``{table name: [Row.model_dump(), …]}``); unknown tables raise KeyError."""
        for table, table_rows in rows.items():
            self._buffers[table].extend(table_rows)
            self._buffered += len(table_rows)
        if self._buffered >= self.flush_rows:
            self._flush()

    def add_part(self, table: str, path: str | Path) -> None:
        """Append an existing Parquet file of ``table``'s rows (with its column types, e.g. a cached
        document's part) after the rows added so far. The file is read at ``commit`` and never
        modified or removed. Unknown tables raise KeyError."""
        if self._buffers[table]:
            self._flush_table(table)
        self._parts[table].append(path)

    def _flush_table(self, name: str) -> None:
        import polars as pl

        if self._buffers[name]:
            part = self.staging / f"{name}.part{len(self._parts[name]):05d}.parquet"
            pl.from_dicts(self._buffers[name], schema=_polars_schema(_MODELS[name])).write_parquet(part, **_PART_OPTIONS)
            self._parts[name].append(part)
            self._owned.add(part)
            self._buffered -= len(self._buffers[name])
            self._buffers[name] = []

    def _flush(self) -> None:
        for model in TABLES:
            self._flush_table(model.__table__)
        self._buffered = 0

    def commit(self, *, extend: Path | None = None, added: Mapping[str, Sequence[Path]] | None = None,
               added_documents: Sequence[Mapping[str, Any]] = (), latest_editions: Mapping[str, bool] | None = None,
               run_issues: Sequence[Mapping[str, Any]] = (), run_issue_codes: Sequence[str] = (),
               previous_rows: Mapping[str, Sequence[Path]] | None = None) -> list[Path]:
        """Write the final Parquet files and the DuckDB file and move them into place.

        With ``extend`` (a previous ``planparse.duckdb`` holding every row of this run except those
        of some added documents; one that cannot be opened is ignored and the file is built from the
        joined tables instead), the DuckDB file is that file plus ``added_documents`` (their
        ``documents`` rows) and the rows of the ``added`` part files (``{table: [Parquet paths]}``),
        with ``documents.is_latest_edition`` set as ``latest_editions`` says (``{document_id: value}``)
        and the run-level issues (codes ``run_issue_codes``) replaced by ``run_issues``, instead of
        a build from scratch: an incremental run that only added files does not rebuild the
        database. The Parquet files are always joined from all parts, in order, except that with
        ``previous_rows`` (``{table: [part paths]}``: parts whose rows the published
        ``<out>/<table>.parquet`` holds, in that order, besides the run-level issues of
        ``run_issue_codes``), a table whose parts include those as one unbroken run reads that one
        file instead of them (many small parts cost more than one file of the same rows). Extended,
        a per-document view's file (``views.PER_DOCUMENT_VIEWS``, a format's ``per_document_views``) is the published one's rows of the
        documents that neither were added nor changed ``is_latest_edition``, and the view's rows of
        those that did; a view reading only formats none of whose documents changed keeps its
        published file (``view_formats``).

        Output: the paths written (``<out>/<table>.parquet`` …, ``<out>/planparse.duckdb``).
        """
        import polars as pl

        try:
            self._flush()
            def join_parts(model: type[Row]) -> tuple[type[Row], Path]:
                name = model.__table__
                path = self.staging / f"{name}.parquet"
                parts = self._parts[name]
                if not parts:
                    pl.DataFrame(schema=_polars_schema(model)).write_parquet(path, **_PUBLISHED_OPTIONS)
                elif len(parts) == 1:  # the same bytes: a second name (never modified in place)
                    _link_or_copy(parts[0], path)
                elif self._published_holds(name, (previous_rows or {}).get(name, ()), run_issue_codes):
                    _link_or_copy(self.out / f"{name}.parquet", path)  # no row added: the published file
                else:  # several parts: streamed into one file, never all in memory
                    self._scan_parts(name, (previous_rows or {}).get(name, ()), run_issue_codes).sink_parquet(
                        path, **_PUBLISHED_OPTIONS)
                return model, path

            # the tables one after the other in a thread, in TABLES order (polars releases the GIL and
            # runs its own threads), while DuckDB loads each joined file as soon as it is there
            # (below): reading one file per table costs DuckDB half the CPU of reading every part
            # again. One thread: several joins at once only contended with each other and with
            # DuckDB (the commit of a one-file-added run ~25 ms shorter than with 4 threads; the
            # 100-document commit no longer than before)
            join_pool = ThreadPoolExecutor(max_workers=1)
            joined = {model.__table__: join_pool.submit(join_parts, model) for model in TABLES}
            join_pool.shutdown(wait=False)
            try:
                view_files, db_path = self._write_database(
                    joined={name: future.result for name, future in joined.items()},
                    extend=extend, added=added, added_documents=added_documents, latest_editions=latest_editions,
                    run_issues=run_issues, run_issue_codes=run_issue_codes)
            finally:
                parquet_files = [future.result() for future in joined.values()]
                for part in self._owned:  # joined: the staged parts are no longer needed
                    part.unlink(missing_ok=True)
            files = [p for _, p in parquet_files] + view_files + [db_path]
            _fsync_all(files)
            written = []
            for path in files:  # the DuckDB file last: it is the one analysts open
                target = self.out / path.name
                os.replace(path, target)
                written.append(target)
            _fsync_dir(self.out)
            return written
        finally:
            self.abort()

    def _published_holds(self, name: str, previous: Sequence[str | Path], run_issue_codes: Sequence[str]) -> bool:
        """True when the published ``<out>/<name>.parquet`` holds exactly the rows of ``name``'s parts:
        they are all ``previous`` parts (see ``commit``), and the table is not the one whose
        run-level issues are replaced."""
        return (bool(previous) and self._parts[name] == list(previous)
                and not (name == "extraction_issues" and run_issue_codes)
                and (self.out / f"{name}.parquet").exists())

    def _scan_parts(self, name: str, previous: Sequence[Path], run_issue_codes: Sequence[str]):
        """A polars LazyFrame of ``name``'s parts in order; the unbroken run of ``previous`` among them
        (if any) read from the published ``<out>/<name>.parquet`` instead (less its run-level issues)."""
        import polars as pl

        parts = self._parts[name]
        published = self.out / f"{name}.parquet"
        start = parts.index(previous[0]) if previous and previous[0] in parts else -1
        if start < 0 or parts[start:start + len(previous)] != list(previous) or not published.exists():
            return pl.scan_parquet(parts, hive_partitioning=False)
        before, after = parts[:start], parts[start + len(previous):]
        rows = pl.scan_parquet(published, hive_partitioning=False)
        if name == "extraction_issues" and run_issue_codes:
            rows = rows.filter(~pl.col("code").is_in(list(run_issue_codes)))
        frames = [pl.scan_parquet(before, hive_partitioning=False)] if before else []
        frames.append(rows)
        frames += [pl.scan_parquet(after, hive_partitioning=False)] if after else []
        return pl.concat(frames) if len(frames) > 1 else rows

    def _write_database(self, *, joined: Mapping[str, Callable[[], tuple[type[Row], Path]]],
                        extend: Path | None, added: Mapping[str, Sequence[Path]] | None,
                        added_documents: Sequence[Mapping[str, Any]], latest_editions: Mapping[str, bool] | None,
                        run_issues: Sequence[Mapping[str, Any]], run_issue_codes: Sequence[str]
                        ) -> tuple[list[Path], Path]:
        """``commit``'s DuckDB part: the staged ``planparse.duckdb`` (extended by the added parts, or
        built from the joined tables: ``joined[table]()`` waits for ``<table>.parquet`` and gives
        ``(model, path)``) and the views' Parquet files. Output: (the view files, the database file)."""
        import duckdb

        from planparse.contract import BUILD_CONFIG, copy_database, create_database

        db_path = self.staging / DUCKDB_NAME
        # kept open: no second start-up of DuckDB on the file
        con = self._prepared_database("contract" if extend is None else str(extend))
        if extend is not None and con is None:
            try:
                con = copy_database(extend, db_path)
            except (OSError, duckdb.Error):  # the previous database cannot be read: a new one is built
                self._remove_staged_database()
                con, extend = None, None
        if extend is not None:
            sources = {"documents": []}
            if added_documents:
                documents = self.staging / "added_documents.parquet"
                documents.write_bytes(parquet_bytes("documents", added_documents))
                sources["documents"] = [documents]
            sources.update({t: list(p) for t, p in (added or {}).items() if t != "documents"})
            if run_issues:
                issues = self.staging / "run_issues.parquet"
                issues.write_bytes(parquet_bytes("extraction_issues", run_issues))
                sources.setdefault("extraction_issues", []).append(issues)
            script = ["BEGIN TRANSACTION"]
            flag = {True: "true", False: "false", None: "NULL"}
            script += [f"UPDATE documents SET is_latest_edition = {flag[value]} WHERE document_id = {_quote(doc)}"
                       for doc, value in (latest_editions or {}).items()]
            if run_issue_codes:
                script.append("DELETE FROM extraction_issues WHERE code IN "
                              f"({', '.join(_quote(c) for c in run_issue_codes)})")
            script += [f"INSERT INTO {m.__table__} BY NAME SELECT * FROM read_parquet("
                       f"[{', '.join(_quote(str(p)) for p in sources[m.__table__])}], hive_partitioning = false)"
                       for m in TABLES if sources.get(m.__table__)]
        else:  # the contract (tables, views, comments; unless prepared already), then the rows
            script = ["BEGIN TRANSACTION"]
            if con is None:
                con = create_database(db_path, self._statements())
        if con is None:
            con = duckdb.connect(str(db_path), config=BUILD_CONFIG)
        view_files = []
        try:  # one transaction
            con.execute(";\n".join(script) + ";")
            if extend is None:  # each table once its joined file is there (in TABLES order: references first)
                for model in TABLES:
                    if self._parts[model.__table__]:
                        _model, path = joined[model.__table__]()
                        con.execute(f"INSERT INTO {model.__table__} BY NAME SELECT * FROM read_parquet("
                                    f"{_quote(str(path))}, hive_partitioning = false)")
            con.execute("COMMIT")
            con.execute("CHECKPOINT")
            view_files = [self.staging / f"{name}.parquet" for name in self.views]

            changed = None  # extended: the documents whose rows in a per-document view may differ
            if extend is not None:
                changed = [d["document_id"] for d in added_documents] + list(latest_editions or {})

            def export(name: str, source: Future | None = None) -> None:  # one cursor (connection) per thread
                rows = f'"{name}"'
                published = self.out / f"{name}.parquet"
                if source is not None:  # a latest-edition view: its rows filtered from its base's file
                    source.result()
                    rows = (f"read_parquet({_quote(str(self.staging / f'{LATEST_OF[name]}.parquet'))}) "
                            "WHERE is_latest_edition")
                elif changed is not None and self._per_document(name) and published.exists():
                    # the last run's rows of the other documents, and the view's rows of these
                    rows = f"read_parquet({_quote(str(published))})"
                    if changed:
                        ids = ", ".join(_quote(doc) for doc in changed)
                        rows += f' WHERE document_id NOT IN ({ids}) UNION ALL SELECT * FROM "{name}" ' \
                                f"WHERE document_id IN ({ids})"
                cursor = con.cursor()
                try:
                    cursor.execute(f"COPY (SELECT * FROM {rows}) TO "
                                   f"{_quote(str(self.staging / f'{name}.parquet'))} (FORMAT parquet)")
                finally:
                    cursor.close()

            # the views as Parquet too, for tools that do not read DuckDB; in parallel threads
            # (DuckDB releases the GIL): a small view's export is mostly latency. A latest-edition
            # view (views.LATEST_OF) is the rows of its *_all_editions view whose is_latest_edition
            # is true: its file is that view's file when every document is the latest edition of its
            # plan, else those rows read back from that view's exported file (a scan, not the joins
            # again; the exports of the bases are queued first, so none waits on an unstarted one).
            same = self._same_views(con)
            kept = self._kept_views(con, added_documents, latest_editions) if extend is not None else set()
            view_files = [path for path in view_files if path.stem not in kept]  # the published file stays
            empty = self._empty_views(con, kept)
            exported = [name for name in self.views if name not in same and name not in kept and name not in empty]
            filtered = {name for name in exported if self._latest_of_common(name) in exported}
            with ThreadPoolExecutor(max_workers=4) as pool:
                futures = {name: pool.submit(export, name) for name in exported if name not in filtered}
                futures.update({name: pool.submit(export, name, futures[LATEST_OF[name]]) for name in filtered})
                for future in futures.values():
                    future.result()
            for name, base in same.items():
                _link_or_copy(self.staging / f"{base}.parquet", self.staging / f"{name}.parquet")
            for name, path in empty.items():  # copied: the user cache's file must never change
                shutil.copyfile(path, self.staging / f"{name}.parquet")
        finally:
            con.close()
        return view_files, db_path

    def _kept_views(self, con, added_documents: Sequence[Mapping[str, Any]],
                    latest_editions: Mapping[str, bool] | None) -> set[str]:
        """The views whose published ``<view>.parquet`` an extended database leaves as it is: those
        that read only documents of their ``view_formats``, when no document of those formats was
        added and none changed its ``is_latest_edition`` (the rest of their rows is the last run's)."""
        changed = {d.get("format") for d in added_documents}
        if latest_editions:
            ids = ", ".join(_quote(doc) for doc in latest_editions)
            changed |= {f for (f,) in con.execute(f"SELECT DISTINCT format FROM documents WHERE document_id IN ({ids})").fetchall()}
        return {name for name, formats in self.view_formats.items()
                if name in self.views and not formats & changed and (self.out / f"{name}.parquet").exists()}

    def _empty_views(self, con, kept: set[str]) -> dict[str, Path]:
        """``{view: its empty Parquet file}`` (``contract.empty_view``) for the views (but ``kept``)
        that read only formats (``view_formats``) with no document in this database: such a view
        has no rows, so its file is the template's, not a query's."""
        if not self.view_formats:
            return {}
        from planparse.contract import empty_view

        present = {f for (f,) in con.execute("SELECT DISTINCT format FROM documents").fetchall()}
        found = {}
        for name, formats in self.view_formats.items():
            if name in self.views and name not in kept and not formats & present:
                path = empty_view(self._statements(), name)
                if path is not None:
                    found[name] = path
        return found

    def _per_document(self, name: str) -> bool:
        """True for a view whose rows are per document: a common one of ``views.PER_DOCUMENT_VIEWS``,
        as ``COMMON_VIEWS`` defines it, or a format's of ``per_document_views``."""
        if name in PER_DOCUMENT_VIEWS:
            return self.views.get(name) == COMMON_VIEWS[name]
        return name in self.per_document_views and name in self.views

    def _latest_of_common(self, name: str) -> str | None:
        """The ``*_all_editions`` view of the latest-edition view ``name`` when both are the common
        views as ``COMMON_VIEWS`` defines them (a format may not redefine them), else None."""
        base = LATEST_OF.get(name)
        if base is None or any(self.views.get(v) != COMMON_VIEWS[v] for v in (name, base)):
            return None
        return base

    def _same_views(self, con) -> dict[str, str]:
        """``{latest-edition view: its *_all_editions view}`` for the common views (as ``COMMON_VIEWS``
        defines them) that have the same rows in this database: all of them when every document is
        the latest edition of its plan, none otherwise."""
        every_latest = con.execute(
            "SELECT count(*) FILTER (WHERE is_latest_edition IS NOT TRUE) = 0 FROM documents").fetchone()[0]
        if not every_latest:
            return {}
        return {name: base for name in LATEST_OF if (base := self._latest_of_common(name)) is not None}

    def abort(self) -> None:
        """Remove the staging folder (the previous outputs stay as they were) and release the lock."""
        con = self._prepared_database()  # its thread writes into the staging folder: let it finish first
        if con is not None:
            con.close()
        shutil.rmtree(self.staging, ignore_errors=True)
        self._lock.release()


def _link_or_copy(source: Path, target: Path) -> None:
    """``target`` as a second name of ``source`` (a hard link: neither is ever modified in place),
    or a copy where the file system has no hard links."""
    try:
        os.link(source, target)
    except OSError:
        shutil.copyfile(source, target)


def _acquire_lock(out: Path, timeout: float | None, on_wait: Callable[[Path], None] | None):
    from filelock import FileLock, Timeout

    path = out / LOCK_NAME
    lock = FileLock(path)
    try:
        lock.acquire(timeout=0)
    except Timeout:
        if on_wait is not None:
            on_wait(path)
        try:
            lock.acquire(timeout=-1 if timeout is None else timeout)
        except Timeout:
            raise OutputBusyError(path, -1 if timeout is None else timeout) from None
    return lock


ViewComments = tuple[str, Mapping[str, str]]
"""``(comment on the view, {column: comment})``: how a format plugin documents one of its views."""


def schema_statements(views: Mapping[str, str],
                      view_comments: Mapping[str, ViewComments] | None = None) -> list[str]:
    """The DuckDB statements of planparse's schema, in order: every table of ``TABLES`` (``ddl``:
    keys, checks, comments), ``views`` (``{name: SELECT …}``; ``views.view_ddl`` comments the
    common ones), then ``COMMENT ON`` the views and columns of ``view_comments`` (the formats'
    views). The same statements build ``planparse.duckdb`` and the empty schema that
    ``planparse dictionary`` reads."""
    stmts = [stmt for model in TABLES for stmt in ddl(model)]
    stmts += view_ddl(views)
    for name, (comment, columns) in (view_comments or {}).items():
        stmts.append(f"COMMENT ON VIEW {name} IS {_quote(comment)}")
        stmts += [f'COMMENT ON COLUMN {name}."{column}" IS {_quote(text)}' for column, text in columns.items()]
    return stmts


def create_schema(con, *, views: Mapping[str, str],
                  view_comments: Mapping[str, ViewComments] | None = None) -> None:
    """Run ``schema_statements`` on the DuckDB connection ``con`` (one script). Raises
    ``duckdb.Error`` when a statement fails (e.g. a comment on a column the view lacks)."""
    con.execute(";\n".join(schema_statements(views, view_comments)) + ";")


def write_outputs(
    out_dir: str | Path,
    rows: Mapping[str, Sequence[Mapping[str, Any]]],
    *,
    views: Mapping[str, str] | None = None,
    view_comments: Mapping[str, ViewComments] | None = None,
) -> list[Path]:
    """Write every table as Parquet and into one DuckDB file, atomically (see ``OutputWriter``).

    Input: ``rows`` maps table names (``schemas.common.TABLES``) to row dicts (``Row.model_dump()``);
    missing tables are written empty. ``views``: extra DuckDB views ``{name: SELECT …}`` on top of
    ``COMMON_VIEWS``, documented by ``view_comments``. Output: the paths written (tables, views as
    Parquet, the DuckDB file). Raises as ``OutputWriter.commit``; the previous outputs are then
    left untouched.
    """
    with OutputWriter(out_dir, views=views, view_comments=view_comments) as writer:
        writer.add(rows)
        return writer.commit()


def _fsync_all(paths: Sequence[Path]) -> None:
    """fsync every file, in parallel threads (os.fsync releases the GIL): the disk flushes them in
    one go instead of one after the other."""
    with ThreadPoolExecutor(max_workers=min(16, len(paths) or 1)) as pool:
        list(pool.map(_fsync, paths))


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _fsync_dir(path: Path) -> None:
    try:
        fd = os.open(path, os.O_RDONLY)
    except OSError:  # pragma: no cover - platforms without directory fds
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover
        pass
    finally:
        os.close(fd)


def _remove_stale_staging(out: Path) -> None:
    """Remove staging folders of earlier runs whose process no longer exists."""
    for entry in out.glob(f"{_STAGING_PREFIX}*"):
        try:
            pid = int(entry.name[len(_STAGING_PREFIX):].split("-", 1)[0])
        except ValueError:
            pid = -1
        if pid > 0 and pid != os.getpid() and _alive(pid):
            continue
        shutil.rmtree(entry, ignore_errors=True)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover
        return True
    return True


# --------------------------------------------------------------------------------------------
# Reading
# --------------------------------------------------------------------------------------------


def read_tables(out_dir: str | Path, names: Sequence[str] | None = None):
    """Read the Parquet outputs back: ``{table name: polars.DataFrame}``.

    Raises FileNotFoundError when ``out_dir`` holds no outputs (run ``planparse extract`` first).
    """
    import polars as pl

    out = Path(out_dir)
    wanted = names or [m.__table__ for m in TABLES]
    frames = {}
    for name in wanted:
        path = out / f"{name}.parquet"
        if not path.exists():
            raise FileNotFoundError(f"{path} does not exist: run `planparse extract` first")
        frames[name] = pl.read_parquet(path)
    return frames
