"""Store: common rows → ``<out>/<table>.parquet`` and ``<out>/planparse.duckdb``, written atomically.

Every table of ``schemas.common.TABLES`` is written on every run, empty ones with their columns.
The DuckDB file declares the contract: column types, PRIMARY KEY, REFERENCES, CHECK constraints on
enum columns, and a COMMENT on every table and column (the data dictionary travels in the file).

Atomicity: all outputs are first written into a staging folder inside ``<out>``; only when every
file is complete are they moved over the previous outputs with ``os.replace`` (atomic per file on
POSIX). A run killed at any moment leaves the previous files readable; a stale staging folder left
by a killed run is removed by the next run.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import types
import typing
from collections.abc import Mapping, Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, Literal, get_args, get_origin

from planparse.schemas.common import TABLES, Row

__all__ = [
    "COMMON_VIEWS",
    "DUCKDB_NAME",
    "column_types",
    "ddl",
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


# --------------------------------------------------------------------------------------------
# Writing
# --------------------------------------------------------------------------------------------


def write_outputs(
    out_dir: str | Path,
    rows: Mapping[str, Sequence[Mapping[str, Any]]],
    *,
    views: Mapping[str, str] | None = None,
) -> list[Path]:
    """Write every table as Parquet and into one DuckDB file, atomically.

    Input: ``rows`` maps table names (``schemas.common.TABLES``) to row dicts (``Row.model_dump()``);
    missing tables are written empty. ``views``: extra DuckDB views ``{name: SELECT …}`` on top of
    ``COMMON_VIEWS``. Output: the paths written (``<out>/<table>.parquet`` …, ``<out>/planparse.duckdb``).

    Raises ``duckdb.Error`` when rows break a declared constraint (the pipeline checks keys
    before calling) and ``OSError`` on file-system errors; in both cases the previous outputs
    are left untouched.
    """
    import duckdb
    import polars as pl

    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    _remove_stale_staging(out)
    staging = Path(tempfile.mkdtemp(prefix=f"{_STAGING_PREFIX}{os.getpid()}-", dir=out))
    written: list[Path] = []
    try:
        parquet_files: list[tuple[type[Row], Path]] = []
        for model in TABLES:
            frame = pl.from_dicts(list(rows.get(model.__table__, ())), schema=_polars_schema(model))
            path = staging / f"{model.__table__}.parquet"
            frame.write_parquet(path)
            parquet_files.append((model, path))
        db_path = staging / DUCKDB_NAME
        con = duckdb.connect(str(db_path))
        try:
            con.execute("BEGIN TRANSACTION")  # one transaction: catalog changes cost half as much
            for model, path in parquet_files:
                for stmt in ddl(model):
                    con.execute(stmt)
                con.execute(f"INSERT INTO {model.__table__} BY NAME SELECT * FROM read_parquet({_quote(str(path))})")
            for name, select in {**COMMON_VIEWS, **(views or {})}.items():
                con.execute(f"CREATE VIEW {name} AS {select}")
            con.execute("COMMIT")
            con.execute("CHECKPOINT")
        finally:
            con.close()
        files = [p for _, p in parquet_files] + [db_path]
        for path in files:
            _fsync(path)
        for path in files:  # the DuckDB file last: it is the one analysts open
            target = out / path.name
            os.replace(path, target)
            written.append(target)
        _fsync_dir(out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return written


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
