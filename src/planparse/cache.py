"""The incremental cache: each document's rows, kept inside ``--out`` and reused on reruns.

A rerun of ``planparse extract`` parses only the files that changed. Every extracted document is
stored as per-document Parquet parts, and an index records under which key they were made:

* ``sha256`` of the raw bytes (the document's content),
* ``format`` and that format's ``Parser.version`` (bump it when the parser changes),
* the ``pipeline`` fingerprint: planparse's version, the columns of every table, and the source
  of the shared modules (``_SHARED_MODULES``: ingest, detect, normalize, schemas, pipeline, check,
  enrich, editions, themes …), so a change there re-extracts everything without anyone having to
  remember it,
* the source path (the rows name it: ``documents.source_path``, ``extraction_issues.source_path``;
  a moved or renamed file is extracted again).

Layout inside ``<out>/cache/`` (Hive-style partitions, readable as they are by DuckDB, Spark or
Trino: ``read_parquet('<out>/cache/parts/initiatives/*/*.parquet', hive_partitioning = true)``)::

    index.json                                         sha256 → entry (key, document row, counts)
    parts/<table>/municipality_code=<code>/<document_id>-<key>.parquet   one document's rows

A part's file name contains its key, so a file is never overwritten with other content; parts no
longer referenced by the index are removed when the index is saved (``Cache.save``). Parts and the
index are written to a temporary name and moved into place (``os.replace``), so a killed run leaves
a readable cache (at worst some unreferenced parts, removed by the next run).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from dataclasses import dataclass
from functools import cache, cached_property
from pathlib import Path
from typing import Any

from planparse import __version__
from planparse.parsers import PARSERS

__all__ = ["CACHE_DIR", "Cache", "CacheEntry", "pipeline_fingerprint"]

CACHE_DIR = "cache"
"""Folder of the cache inside ``--out``."""

_LAYOUT = "1"  # bump when the cache layout or the entry format changes
_NO_PARTITION = "__none__"  # municipality_code of a document whose municipality is unknown
_SHARED_MODULES = ("ingest", "detect.py", "normalize.py", "memo.py", "text_cells.py", "parsers/base.py",
                   "parsers/table_cells.py", "schemas/base.py", "schemas/common.py",
                   "pipeline.py", "check.py", "inputs.py", "enrich.py", "editions.py", "themes.py", "themes.toml", "kpi_pairs.py",
                   "views.py")


@cache
def pipeline_fingerprint() -> str:
    """12 hex digits naming everything a cached document depends on besides its parser: the
    planparse version, the cache layout and the source of the shared modules (``_SHARED_MODULES``,
    which include the table models). Computed once per process (reads ~10 source files)."""
    root = Path(__file__).resolve().parent
    digest = hashlib.sha256(f"{__version__}\0{_LAYOUT}".encode())
    for name in _SHARED_MODULES:
        path = root / name
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path] if path.exists() else []:
            digest.update(file.relative_to(root).as_posix().encode() + b"\0" + file.read_bytes())
    return digest.hexdigest()[:12]


def parser_version(format_name: str | None) -> str | None:
    """The registered ``Parser.version`` of ``format_name`` (None for no format / unknown names)."""
    parser = PARSERS.get(format_name) if format_name else None
    return parser.version if parser else None


@dataclass(frozen=True)
class CacheEntry:
    """One cached document: its key, its ``documents`` row (JSON-ready dict), the tables it has
    parts for, its row counts per table (as ``FileResult.counts``), its issue counts per severity
    and its error issues (JSON-ready ``extraction_issues`` rows; the warnings are in its part)."""

    sha256: str
    path: str
    format: str | None
    parser_version: str | None
    pipeline: str
    formats: tuple[str, ...]
    document: dict[str, Any]
    tables: tuple[str, ...]
    counts: dict[str, int]
    issue_counts: dict[str, int]
    errors: tuple[dict[str, Any], ...]

    @cached_property
    def key(self) -> str:
        """8 hex digits of the whole key (part of every part's file name; computed once per entry)."""
        raw = "\0".join([self.sha256, self.path, self.format or "", self.parser_version or "", self.pipeline,
                         ",".join(self.formats)])
        return hashlib.sha256(raw.encode()).hexdigest()[:8]

    @cached_property
    def partition(self) -> str:
        """The part folder of this document: ``municipality_code=<code>``."""
        return f"municipality_code={self.document.get('municipality_code') or _NO_PARTITION}"

    @cached_property
    def file_stem(self) -> str:
        """The name of this document's part files, less ``.parquet``: ``<document_id>-<key>``."""
        return f"{self.document['document_id']}-{self.key}"

    def to_json(self) -> dict[str, Any]:
        return {"sha256": self.sha256, "path": self.path, "format": self.format,
                "parser_version": self.parser_version, "pipeline": self.pipeline, "formats": list(self.formats),
                "document": self.document, "tables": list(self.tables), "counts": self.counts,
                "issue_counts": self.issue_counts, "errors": list(self.errors)}

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> CacheEntry:
        return cls(sha256=data["sha256"], path=data["path"], format=data["format"],
                   parser_version=data["parser_version"], pipeline=data["pipeline"],
                   formats=tuple(data["formats"]), document=data["document"], tables=tuple(data["tables"]),
                   counts=dict(data["counts"]), issue_counts=dict(data["issue_counts"]), errors=tuple(data["errors"]))


class Cache:
    """The cache of one output folder (``<out>/cache``).

    ``lookup(sha256, path)`` gives the entry when its key is current (same bytes, same path, same
    format version, same pipeline fingerprint, same set of registered formats: a new format may
    claim a document), else None. ``put(...)`` writes a fresh document's parts and records it;
    ``save(keep)`` writes the index (entries of ``keep`` only) and removes parts nobody refers to.

    Raises ``OSError`` on file-system errors; an unreadable or foreign index is treated as empty.
    """

    def __init__(self, out_dir: str | Path) -> None:
        self.root = Path(out_dir) / CACHE_DIR
        self.index_path = self.root / "index.json"
        self.entries: dict[str, CacheEntry] = {}
        try:
            data = json.loads(self.index_path.read_text(encoding="utf-8"))
            if data.get("layout") == _LAYOUT:
                self.entries = {sha: CacheEntry.from_json(e) for sha, e in data["entries"].items()}
        except (OSError, ValueError, KeyError, TypeError):
            self.entries = {}
        self.formats = tuple(sorted(PARSERS))
        self._folders: set[Path] = set()  # part folders known to exist (created once per run)
        self._part_folders: dict[tuple[str, str], str] = {}
        self._parts_root = str(self.root / "parts")

    def lookup(self, sha256: str, path: str) -> CacheEntry | None:
        """The current entry of the document with these bytes at this path, or None (a miss)."""
        entry = self.entries.get(sha256)
        if (entry is None or entry.path != path or entry.pipeline != pipeline_fingerprint()
                or entry.formats != self.formats or entry.parser_version != parser_version(entry.format)):
            return None
        exists = os.path.exists
        if not all(exists(self.part_path(entry, t)) for t in entry.tables):
            return None
        return entry

    def part_path(self, entry: CacheEntry, table: str) -> str:
        """Where ``entry``'s rows of ``table`` are (the path of a Parquet file, as a string: a run
        asks for ~10 per document, and strings cost a fraction of ``Path`` objects)."""
        partition = entry.partition
        folder = self._part_folders.get((table, partition))
        if folder is None:  # one folder string per (table, partition), built once
            folder = self._part_folders[table, partition] = os.path.join(self._parts_root, table, partition)
        return f"{folder}/{entry.file_stem}.parquet"

    def put(self, *, sha256: str, path: str, format_name: str | None, document: dict[str, Any],
            parts: dict[str, bytes], counts: dict[str, int], issue_counts: dict[str, int],
            errors: list[dict[str, Any]]) -> CacheEntry:
        """Write a freshly extracted document's parts (``{table: Parquet bytes}``) and record it.

        ``document`` is its ``documents`` row and ``errors`` its error issues, as JSON-ready values
        (``model_dump(mode="json")``). Output: the new entry (replacing any older entry of the same
        bytes in memory).
        """
        entry = CacheEntry(sha256=sha256, path=path, format=format_name,
                           parser_version=parser_version(format_name), pipeline=pipeline_fingerprint(),
                           formats=self.formats, document=document, tables=tuple(parts), counts=counts,
                           issue_counts=issue_counts, errors=tuple(errors))
        for table, data in parts.items():
            path = Path(self.part_path(entry, table))
            if path.parent not in self._folders:
                path.parent.mkdir(parents=True, exist_ok=True)
                self._folders.add(path.parent)
            _write_atomic(path, data, mkdir=False)
        self.entries[sha256] = entry
        return entry

    def outputs_stamp(self, views: dict[str, str], run_rows: dict[str, list[dict[str, Any]]]) -> str:
        """What the published outputs depend on besides the documents' own rows: the pipeline
        fingerprint (which covers the table DDL), the views' SQL and the run-level rows
        (``pipeline.run_level_rows``: the themes taxonomy, the multiple_editions warnings)."""
        text = json.dumps([pipeline_fingerprint(), views, run_rows], sort_keys=True, default=str)
        return hashlib.sha256(text.encode()).hexdigest()[:16]

    def outputs_match(self, stamp: str) -> bool:
        """True when the published outputs were last written with this ``outputs_stamp``."""
        try:
            return json.loads((self.root / "outputs.json").read_text(encoding="utf-8")).get("stamp") == stamp
        except (OSError, ValueError, AttributeError):
            return False

    def record_outputs(self, stamp: str) -> None:
        """Remember the ``outputs_stamp`` of the outputs just published (after they are in place)."""
        _write_atomic(self.root / "outputs.json", json.dumps({"stamp": stamp}).encode())

    def save(self, keep: set[str]) -> None:
        """Write the index with the entries of the documents in ``keep`` (sha256 values) and remove
        every part file that no kept entry refers to (documents no longer in the inputs, old keys)."""
        self.entries = {sha: e for sha, e in self.entries.items() if sha in keep}
        self.root.mkdir(parents=True, exist_ok=True)
        data = {"layout": _LAYOUT, "entries": {sha: e.to_json() for sha, e in sorted(self.entries.items())}}
        _write_atomic(self.index_path, json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode())
        wanted = {self.part_path(e, t) for e in self.entries.values() for t in e.tables}
        parts = self.root / "parts"
        for folder, _subfolders, files in os.walk(parts, topdown=False):  # a folder's subfolders first
            for name in files:
                file = os.path.join(folder, name)
                if file not in wanted:  # old parts, and temporary files of killed runs
                    with contextlib.suppress(FileNotFoundError):
                        os.unlink(file)
            if folder != str(parts) and not os.listdir(folder):
                os.rmdir(folder)
                self._folders.discard(Path(folder))


def _write_atomic(path: Path, data: bytes, *, mkdir: bool = True) -> None:
    if mkdir:
        path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)
