"""Store: common rows → ``<out>/<table>.parquet`` and ``<out>/planparse.duckdb``, written atomically.

Every table of ``schemas.common.TABLES`` is written on every run, empty ones with their columns.
The DuckDB file declares the contract: column types, PRIMARY KEY, REFERENCES, CHECK constraints on
enum columns, and a COMMENT on every table and column (the data dictionary travels in the file).

Atomicity: all outputs are first written into a staging folder inside ``<out>``; only when every
file is complete are they moved over the previous outputs with ``os.replace`` (atomic per file on
POSIX). A run killed at any moment leaves the previous files readable; a stale staging folder left
by a killed run is removed by the next run. Rows are streamed into Parquet parts while files are
extracted (``OutputWriter``), so memory does not grow with the number of documents.
"""

from __future__ import annotations

import functools
import os
import shutil
import tempfile
import types
import typing
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from planparse.schemas.common import TABLES, Row

_MODELS: dict[str, type[Row]] = {m.__table__: m for m in TABLES}

__all__ = [
    "COMMON_VIEWS",
    "DUCKDB_NAME",
    "OutputWriter",
    "column_types",
    "ddl",
    "ddl_script",
    "parquet_bytes",
    "read_tables",
    "write_outputs",
]

DUCKDB_NAME = "planparse.duckdb"
_STAGING_PREFIX = ".planparse-staging-"

COMMON_VIEWS: dict[str, str] = {
    # One row per initiative and fiscal year with its municipality, measure and policy: the usual
    # starting point for comparing targets, results and status across cities and years.
    "annual_status": """
        SELECT d.municipality_code, d.municipality_name, d.format, i.document_id,
               m.policy_code, m.policy_name, m.code AS measure_code, m.name AS measure_name,
               i.initiative_id, i.code AS initiative_code, i.name AS initiative_name,
               i.lead_department, a.fiscal_year, a.plan, a.target, a.result,
               a.status_raw, a.status, a.note
        FROM annual_entries a
        JOIN initiatives i USING (initiative_id)
        JOIN documents d ON d.document_id = i.document_id
        LEFT JOIN measures m ON m.measure_id = i.measure_id
    """,
}


# --------------------------------------------------------------------------------------------
# Types derived from the pydantic models
# --------------------------------------------------------------------------------------------


def _unwrap(annotation: Any) -> tuple[Any, bool]:
    """(inner type, nullable) of ``X | None``."""
    if get_origin(annotation) in (typing.Union, types.UnionType):
        args = [a for a in get_args(annotation) if a is not type(None)]
        return args[0], len(args) < len(get_args(annotation))
    return annotation, False


def column_types(model: type[Row]) -> list[tuple[str, str, bool, tuple[str, ...] | None, str]]:
    """For each column of ``model``: ``(name, duckdb_type, nullable, enum_values, description)``.

    Python → DuckDB: str → VARCHAR, int → BIGINT, float → DOUBLE, bool → BOOLEAN,
    datetime → TIMESTAMP (UTC), list[str] → VARCHAR[], Literal[...] → VARCHAR + CHECK.
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
        elif inner is datetime:
            sql = "TIMESTAMP"
        elif get_origin(inner) is list and get_args(inner) == (str,):
            sql = "VARCHAR[]"
        else:
            raise TypeError(f"{model.__name__}.{name}: unsupported annotation {field.annotation!r}")
        out.append((name, sql, nullable, enum, field.description or ""))
    return out


@functools.cache
def _polars_schema(model: type[Row]):
    import polars as pl

    mapping = {"VARCHAR": pl.Utf8, "BOOLEAN": pl.Boolean, "BIGINT": pl.Int64, "DOUBLE": pl.Float64,
               "TIMESTAMP": pl.Datetime("us"), "VARCHAR[]": pl.List(pl.Utf8)}
    return {name: mapping[sql] for name, sql, *_ in column_types(model)}


def _quote(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


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


def ddl_script(models: Sequence[type[Row]] = TABLES) -> str:
    """All of ``ddl(model)`` for ``models`` as one SQL script (statements separated by ``;``), so
    the DuckDB file's contract is created by a single ``execute`` call."""
    return ";\n".join(stmt for model in models for stmt in ddl(model)) + ";"


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


_PART_COMPRESSION = "lz4"  # per-document parts: fast to write and read; the published files use zstd


def parquet_bytes(table: str, rows: Sequence[Row | Mapping[str, Any]]) -> bytes:
    """Rows of ``table`` (``Row`` models, or their ``model_dump()`` dicts) as the bytes of one
    Parquet file with the table's column types (lz4-compressed). Models are read field by field
    (``__dict__``), not serialised again. Raises KeyError for an unknown table name."""
    import io

    import polars as pl

    records = [row.__dict__ if isinstance(row, Row) else row for row in rows]
    buffer = io.BytesIO()
    pl.from_dicts(records, schema=_polars_schema(_MODELS[table])).write_parquet(
        buffer, compression=_PART_COMPRESSION)
    return buffer.getvalue()


class OutputWriter:
    """Streams rows into staged Parquet parts, then publishes all outputs at once.

    ``add(rows)`` buffers row dicts per table and writes a Parquet *part* to the staging folder
    whenever ``flush_rows`` rows are buffered, so memory is bounded by the buffer, not by the
    corpus. ``commit()`` joins the parts into ``<table>.parquet`` (streamed by polars), builds
    ``planparse.duckdb`` from them (DDL with keys, checks and comments, then the rows, then the
    views) and moves every file over the previous outputs (``os.replace``; the DuckDB file
    last). ``abort()`` (or leaving a ``with`` block by an exception) removes the staging folder
    and leaves the previous outputs untouched.

    Raises ``duckdb.Error`` from ``commit`` when rows break a declared constraint (the pipeline
    checks keys before adding rows) and ``OSError`` on file-system errors.
    """

    def __init__(self, out_dir: str | Path, *, views: Mapping[str, str] | None = None,
                 flush_rows: int = 20_000) -> None:
        self.out = Path(out_dir)
        self.out.mkdir(parents=True, exist_ok=True)
        _remove_stale_staging(self.out)
        self.staging = Path(tempfile.mkdtemp(prefix=f"{_STAGING_PREFIX}{os.getpid()}-", dir=self.out))
        self.views = {**COMMON_VIEWS, **(views or {})}
        self.flush_rows = flush_rows
        self._buffers: dict[str, list[Mapping[str, Any]]] = {m.__table__: [] for m in TABLES}
        self._buffered = 0
        self._parts: dict[str, list[Path]] = {m.__table__: [] for m in TABLES}
        self._owned: set[Path] = set()

    def __enter__(self) -> OutputWriter:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is not None:
            self.abort()

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
        self._flush_table(table)
        self._parts[table].append(Path(path))

    def _flush_table(self, name: str) -> None:
        import polars as pl

        if self._buffers[name]:
            part = self.staging / f"{name}.part{len(self._parts[name]):05d}.parquet"
            pl.from_dicts(self._buffers[name], schema=_polars_schema(_MODELS[name])).write_parquet(part)
            self._parts[name].append(part)
            self._owned.add(part)
            self._buffered -= len(self._buffers[name])
            self._buffers[name] = []

    def _flush(self) -> None:
        for model in TABLES:
            self._flush_table(model.__table__)
        self._buffered = 0

    def commit(self, *, extend: Path | None = None, added: Mapping[str, Sequence[Path]] | None = None,
               added_documents: Sequence[Mapping[str, Any]] = ()) -> list[Path]:
        """Write the final Parquet files and the DuckDB file and move them into place.

        With ``extend`` (a previous ``planparse.duckdb`` holding every row of this run except those
        of some added documents), the DuckDB file is that file plus ``added_documents`` (their
        ``documents`` rows) and the rows of the ``added`` part files (``{table: [Parquet paths]}``),
        instead of a build from scratch: an incremental run that only added files does not rebuild
        the database. The Parquet files are always joined from all parts, in order.

        Output: the paths written (``<out>/<table>.parquet`` …, ``<out>/planparse.duckdb``).
        """
        import duckdb
        import polars as pl

        try:
            self._flush()
            def join_parts(model: type[Row]) -> tuple[type[Row], Path]:
                name = model.__table__
                path = self.staging / f"{name}.parquet"
                parts = self._parts[name]
                if not parts:
                    pl.DataFrame(schema=_polars_schema(model)).write_parquet(path)
                elif len(parts) == 1 and parts[0] in self._owned:
                    os.replace(parts[0], path)
                elif len(parts) == 1:
                    shutil.copyfile(parts[0], path)
                else:  # several parts: streamed into one file, never all in memory
                    pl.scan_parquet(parts, hive_partitioning=False).sink_parquet(path)
                    for part in parts:
                        if part in self._owned:
                            part.unlink()
                return model, path

            # the tables in parallel threads (polars releases the GIL): many small parts are latency
            with ThreadPoolExecutor(max_workers=4) as pool:
                parquet_files = list(pool.map(join_parts, TABLES))
            db_path = self.staging / DUCKDB_NAME
            if extend is not None:
                shutil.copyfile(extend, db_path)
                sources = {"documents": []}
                if added_documents:
                    documents = self.staging / "added_documents.parquet"
                    documents.write_bytes(parquet_bytes("documents", added_documents))
                    sources["documents"] = [documents]
                sources.update({t: list(p) for t, p in (added or {}).items() if t != "documents"})
                script = ["BEGIN TRANSACTION"]
                script += [f"INSERT INTO {m.__table__} BY NAME SELECT * FROM read_parquet("
                           f"[{', '.join(_quote(str(p)) for p in sources[m.__table__])}], hive_partitioning = false)"
                           for m in TABLES if sources.get(m.__table__)]
            else:  # the contract (DDL, comments), the rows, the views
                script = ["BEGIN TRANSACTION", ddl_script([m for m, _ in parquet_files]).rstrip(";")]
                script += [f"INSERT INTO {model.__table__} BY NAME SELECT * FROM read_parquet({_quote(str(path))})"
                           for model, path in parquet_files]
                script += [f"CREATE VIEW {name} AS {select}" for name, select in self.views.items()]
            con = duckdb.connect(str(db_path))
            try:  # one script in one transaction
                con.execute(";\n".join(script) + ";\nCOMMIT;")
                con.execute("CHECKPOINT")
            finally:
                con.close()
            files = [p for _, p in parquet_files] + [db_path]
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

    def abort(self) -> None:
        """Remove the staging folder (the previous outputs stay as they were)."""
        shutil.rmtree(self.staging, ignore_errors=True)


def write_outputs(
    out_dir: str | Path,
    rows: Mapping[str, Sequence[Mapping[str, Any]]],
    *,
    views: Mapping[str, str] | None = None,
) -> list[Path]:
    """Write every table as Parquet and into one DuckDB file, atomically (see ``OutputWriter``).

    Input: ``rows`` maps table names (``schemas.common.TABLES``) to row dicts (``Row.model_dump()``);
    missing tables are written empty. ``views``: extra DuckDB views ``{name: SELECT …}`` on top of
    ``COMMON_VIEWS``. Output: the paths written. Raises as ``OutputWriter.commit``; the previous
    outputs are then left untouched.
    """
    with OutputWriter(out_dir, views=views) as writer:
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
