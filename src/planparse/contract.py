"""A ready-made empty ``planparse.duckdb``: the contract (tables, keys, checks, views, comments)
built once per planparse schema and DuckDB version, then copied for every new database.

Building the contract runs ~275 DDL and COMMENT statements (~50 ms of CPU, and DuckDB's start-up
on a new file); copying a file of the same contract costs a few milliseconds. The template is an
ordinary cache, outside any output folder, in ``$PLANPARSE_CACHE_DIR``, else
``$XDG_CACHE_HOME/planparse``, else ``~/.cache/planparse``; its name holds a hash of the
statements and of the DuckDB version, so a schema change or a DuckDB upgrade makes a new one (old
ones can be deleted at any time). It is written to a temporary name and moved into place
(``os.replace``), so a reader never sees half a file; when the folder cannot be written the
contract is simply built in the new database each time. Beside it, ``<template>.views/`` holds every
view's Parquet file with no rows (``empty_view``): a view that reads only formats with no document in
a run is that file, not a query. When a new template is made, the templates made more than
``STALE_AFTER_DAYS`` days earlier are removed with their views folders (those of other schemas or DuckDB
versions would otherwise pile up; one still in use by another installation is simply made again by its
next run).
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import shutil
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from planparse.views import sql_literal

__all__ = ["BUILD_CONFIG", "STALE_AFTER_DAYS", "cache_folder", "copy_database", "create_database", "empty_view",
           "template_path"]

STALE_AFTER_DAYS = 30
"""Age (by modification time) past which another template is removed when a new one is made."""

# The connection that writes a new planparse.duckdb: one DuckDB thread. The build already runs its
# statements in parallel threads of its own (the view exports; polars joins the tables meanwhile), and
# its inserts read one small file each: DuckDB's pool of threads only adds its start-up and contention
# (one-document run ~15 ms less, the 100-document build's rows ~40 ms less CPU and wall on 2 cores).
BUILD_CONFIG = {"threads": 1}


def cache_folder() -> Path:
    """The folder of planparse's per-user caches (see the module docstring)."""
    explicit = os.environ.get("PLANPARSE_CACHE_DIR")
    if explicit:
        return Path(explicit)
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "planparse"


def template_path(statements: Sequence[str]) -> Path:
    """Where the template database of ``statements`` (the contract, as ``store.schema_statements``
    gives it) is kept for the installed DuckDB version."""
    import duckdb

    digest = hashlib.sha256(duckdb.__version__.encode() + b"\0" + "\0".join(statements).encode())
    return cache_folder() / f"contract-{digest.hexdigest()[:16]}.duckdb"


def create_database(path: Path, statements: Sequence[str]):
    """A new DuckDB file at ``path`` holding ``statements`` (the contract) and no rows: a copy of
    the template (made first if there is none yet), or, when the cache folder cannot be written,
    the statements run in ``path`` itself, in one transaction. Output: the open connection to it
    (the caller closes it). Raises ``duckdb.Error`` when a statement fails."""
    import duckdb

    template = _template(statements)
    if template is not None:
        try:
            return copy_database(template, path)
        except (OSError, duckdb.Error):  # a template removed meanwhile, or unreadable: build here
            path.unlink(missing_ok=True)
            with contextlib.suppress(OSError):  # an unreadable one is made again by the next run
                template.unlink()
    con = duckdb.connect(str(path), config=BUILD_CONFIG)
    try:
        _run(con, statements)
    except BaseException:
        con.close()
        raise
    return con


def copy_database(source: Path, path: Path):
    """A copy of the DuckDB file ``source`` at ``path``, opened. Output: the open connection (the
    caller closes it). Raises ``OSError`` when ``source`` cannot be read or ``path`` written, and
    ``duckdb.Error`` when the copy is not a database DuckDB can open."""
    import duckdb

    shutil.copyfile(source, path)
    return duckdb.connect(str(path), config=BUILD_CONFIG)


def _template(statements: Sequence[str]) -> Path | None:
    """The template of ``statements``, built now if missing; None when it cannot be written."""
    import duckdb

    target = template_path(statements)
    if target.exists() and _views_folder(target).is_dir():
        return target
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".contract-", suffix=".duckdb", dir=target.parent)
    except OSError:
        return None
    os.close(fd)
    os.unlink(tmp)  # DuckDB creates the file itself
    views = None
    try:
        con = duckdb.connect(tmp)
        try:
            _run(con, statements)
            con.execute("CHECKPOINT")
            views = tempfile.mkdtemp(prefix=".views-", dir=target.parent)
            for (name,) in con.execute("SELECT view_name FROM duckdb_views() WHERE NOT internal").fetchall():
                file = sql_literal(os.path.join(views, f"{name}.parquet"))
                con.execute(f'COPY (SELECT * FROM "{name}") TO {file} (FORMAT parquet)')
        finally:
            con.close()
        with contextlib.suppress(OSError):  # another process may have placed the same folder first
            os.replace(views, _views_folder(target))
        os.replace(tmp, target)
        _remove_stale_templates(target)
    except (OSError, duckdb.Error):
        for leftover in (tmp, tmp + ".wal"):
            with contextlib.suppress(OSError):
                os.unlink(leftover)
        return None
    finally:
        if views is not None:
            shutil.rmtree(views, ignore_errors=True)
    return target


def empty_view(statements: Sequence[str], name: str) -> Path | None:
    """The Parquet file of the view ``name`` with no rows (its columns and types), as the template
    database of ``statements`` exports it (made with the template, beside it), or None when there
    is none (no template yet, or a view it does not have). For a view that cannot have rows in a
    run: copying it costs less than planning the view's query."""
    path = _views_folder(template_path(statements)) / f"{name}.parquet"
    return path if path.is_file() else None


def _remove_stale_templates(keep: Path) -> None:
    """Remove the templates (and their views folders) in ``keep``'s folder, other than ``keep``, made
    more than ``STALE_AFTER_DAYS`` days ago; so does an old views folder whose template is gone (a new
    one is placed just before its template). Errors (a file removed meanwhile by another run, no
    permission) are ignored."""
    cutoff = time.time() - STALE_AFTER_DAYS * 86400
    for old in keep.parent.glob("contract-*.duckdb"):
        with contextlib.suppress(OSError):
            if old != keep and old.stat().st_mtime < cutoff:
                old.unlink()
    for folder in keep.parent.glob("contract-*.views"):
        with contextlib.suppress(OSError):
            if (folder.stat().st_mtime < cutoff
                    and not folder.with_name(folder.name.removesuffix(".views") + ".duckdb").exists()):
                shutil.rmtree(folder, ignore_errors=True)


def _views_folder(template: Path) -> Path:
    return template.with_name(template.name.removesuffix(".duckdb") + ".views")


def _run(con, statements: Sequence[str]) -> None:
    con.execute(";\n".join(["BEGIN TRANSACTION", *statements, "COMMIT"]) + ";")
