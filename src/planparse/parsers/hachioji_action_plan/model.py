"""The small records the steps pass along (Piece, Header, Unit), the tuning numbers (Settings) and the
parse Context (lines, match keys, issue log, caches)."""

from __future__ import annotations

import functools
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass, field

from planparse.normalize import (
    join_wrapped,
    nfkc,
)
from planparse.parsers.hachioji_action_plan.patterns import ERA_BASE, ERA_YEAR_LINE, GREGORIAN_YEAR_LINE
from planparse.schemas.base import IssueLog


@dataclass(slots=True)
class Piece:
    """A classified part of a value region.

    ``kind``: ``T`` tag line, ``D`` dash line, ``M`` mark, ``I`` U+3000-only line, ``X`` text box,
    ``Y`` year header, ``O`` 目的/あるべき姿 label pair, ``P`` page number. ``lines`` are 1-based.
    ``gap``: a blank line precedes it. ``years``: the columns of a year header.
    """

    kind: str
    lines: list[int]
    gap: bool
    years: tuple[int, ...] = ()
    conflicts: tuple[str, ...] = ()

    @property
    def first(self) -> int:
        return self.lines[0]

    @property
    def last(self) -> int:
        return self.lines[-1]


@dataclass(slots=True)
class Header:
    """A card header line (``管理番号``) with its label block; ``has_kpi``: ``ＫＰＩ`` is among the labels."""

    code: str
    sub_heading: str
    line: int
    label_lines: list[int]
    has_kpi: bool


@dataclass(slots=True)
class Unit:
    """The pieces of one card found on a page (before it is paired with a 管理番号)."""

    anchor: Piece
    objective: Piece | None = None
    summary: Piece | None = None
    name: Piece | None = None
    name_only: Piece | None = None       # a name written without its department (2-1-1, 3-5-1)
    tags: list[Piece] = field(default_factory=list)
    displaced_tags: list[Piece] = field(default_factory=list)
    kpi: list[Piece] = field(default_factory=list)
    year_headers: list[Piece] = field(default_factory=list)
    is_kpi: bool = False
    kpi_from_orphan: bool = False
    kpi_with_name: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def position(self) -> int:
        return self.anchor.first

    @property
    def kpi_position(self) -> int:
        lines = [p.first for p in self.tags + self.kpi]
        return min(lines) if lines else self.anchor.first

    def lower(self) -> list[Piece]:
        return self.tags + self.kpi

    def evidence(self) -> int:
        """How sure we are that this unit has a KPI table: own year header 2, KPI cells/tags 1."""
        score = 2 if self.year_headers else 0
        if any(p.kind in "TMD" for p in self.lower()):
            score += 1
        return score

    def identity_text(self, lines: Sequence[str]) -> str:
        parts = [self.name, self.name_only, self.summary, self.objective]
        return "".join(piece_text(lines, p) for p in parts if p is not None)


def line_key(line: str) -> str:
    """Key of a line for recognising labels and structure: NFKC, all whitespace removed
    (``"ＫＰＩ"`` → ``KPI``, ``"事業名称 担当："`` → ``事業名称担当:``). Faster than ``match_key``, which
    also folds katakana long-vowel look-alikes (not needed for labels)."""
    return "".join((line if unicodedata.is_normalized("NFKC", line) else nfkc(line)).split())


def line_keys(lines: Sequence[str], match_text: str | None = None) -> list[str]:
    """``line_key`` of every line. ``match_text`` (optional): the lines' ``match_key``, one a line (the
    document's ``match_text``, when detection made it), taken as they are where they equal the
    ``line_key``: ``match_key`` differs only by folding a look-alike dash to ``ー`` and by keeping the
    separators U+001C–U+001F (not printable), so only the lines with a ``ー`` (or, when the text has a
    character that is not printable, the lines with one) are worked out again."""
    keys = match_text.split("\n") if match_text is not None else []
    if match_text is None or len(keys) != len(lines):
        # ``line_key`` inlined (no call per line); most lines are in NFKC already (no memo asked)
        is_normalized = unicodedata.is_normalized
        return ["".join((line if is_normalized("NFKC", line) else nfkc(line)).split()) if line else ""
                for line in lines]
    if not match_text.replace("\n", "").isprintable():  # rare: look at each line
        return [key if "ー" not in key and key.isprintable() else line_key(line)
                for line, key in zip(lines, keys, strict=True)]
    n, counted = 0, 0  # line n holds offset ``counted`` of match_text
    pos = match_text.find("ー")
    while pos != -1:
        n += match_text.count("\n", counted, pos)
        counted = pos
        keys[n] = line_key(lines[n])
        end = match_text.find("\n", pos)
        pos = match_text.find("ー", end) if end != -1 else -1
    return keys


@functools.lru_cache(maxsize=1024)  # a document writes the same few year lines again and again
def _era_year(key: str) -> int | None:
    """``令和4年度`` → 2022 (None when the match key is not a 和暦 year line)."""
    era = ERA_YEAR_LINE.match(key)
    if era is None:
        return None
    return ERA_BASE[era.group("era")] + (1 if era.group("n") == "元" else int(era.group("n")))


@functools.lru_cache(maxsize=1024)
def _gregorian_year(key: str) -> int | None:
    """``(2022年度）`` → 2022 (None when the match key is not a 西暦 year line)."""
    m = GREGORIAN_YEAR_LINE.match(key)
    return int(m.group("y")) if m else None


def piece_text(lines: Sequence[str], piece: Piece | None) -> str:
    """The text of a piece, its lines joined across wraps (``join_wrapped``); ``""`` for None."""
    if piece is None:
        return ""
    return join_wrapped(lines[n - 1] for n in piece.lines)


# Defaults of the tuning numbers (see ``Settings``)
YEAR_HEADER_MIN_COLUMNS = 2       # a year header shows at least this many 令和N年度 / (YYYY年度) columns
AFFINITY_RATIO = 1.5              # swap two KPI blocks when the swapped wording fits this much better …
AFFINITY_MARGIN = 0.2             # … and by at least this share of character pairs
SNIPPET_CHARS = 80                # length of quoted text in messages
PLAN_MERGE_MAX_COMBINATIONS = 20_000  # ways of merging a 取組内容 row's lines tried before giving up


@dataclass(frozen=True)
class Settings:
    """The parser's tuning numbers, resolved once per parse.

    ``year_header_min_columns``: columns (≥ 1) a line run needs to count as a year header;
    ``affinity_ratio`` (> 1) and ``affinity_margin`` (0–1, share of character pairs): how much better
    a swapped pairing of two KPI blocks must fit the cards' wording on an interleaved page;
    ``snippet_chars`` (≥ 10): length of source text quoted in issue messages;
    ``plan_merge_max_combinations`` (≥ 1): the most ways of merging a 取組内容 row's lines back into
    its columns that are tried (beyond it the row is kept as written, reported).
    Raises ``ValueError`` for values outside those ranges.
    """

    year_header_min_columns: int = YEAR_HEADER_MIN_COLUMNS
    affinity_ratio: float = AFFINITY_RATIO
    affinity_margin: float = AFFINITY_MARGIN
    snippet_chars: int = SNIPPET_CHARS
    plan_merge_max_combinations: int = PLAN_MERGE_MAX_COMBINATIONS

    def __post_init__(self) -> None:
        if self.year_header_min_columns < 1:
            raise ValueError("year_header_min_columns must be ≥ 1")
        if self.affinity_ratio <= 1:
            raise ValueError("affinity_ratio must be > 1")
        if not 0 <= self.affinity_margin <= 1:
            raise ValueError("affinity_margin must be within 0–1")
        if self.snippet_chars < 10:
            raise ValueError("snippet_chars must be ≥ 10")
        if self.plan_merge_max_combinations < 1:
            raise ValueError("plan_merge_max_combinations must be ≥ 1")


class Context:
    """One parse of one document: its lines (1-based access through ``lines[n - 1]``, a stray ``\\r``
    at a line's end removed), their match keys (``line_key``), the year each year-header line names
    (``era_years`` ``令和4年度`` → 2022, ``gregorian_years`` ``(2022年度）`` → 2022, else None) and the lines
    that can open a year header (``year_starts``), the issue log, the settings and caches of year headers
    and line kinds (``kinds``): every line is read once.
    ``match_text``: the lines' ``match_key`` (one a line) when already made (``line_keys`` reuses them).

    ``fiscal_years`` is set once the document's columns are known (``regions.document_fiscal_years``).
    """

    def __init__(self, lines: Sequence[str], settings: Settings | None = None, *,
                 match_text: str | None = None) -> None:
        # a line end written \r\r\n leaves a \r on the line: never part of the text
        self.lines = list(lines)
        if "\r" in "".join(self.lines):
            self.lines = [line.rstrip("\r") if line.endswith("\r") else line for line in self.lines]
        self.keys = line_keys(self.lines, match_text)
        # the year a line names when it is a year-header line (else None), read once per line
        self.era_years: list[int | None] = [None] * len(self.keys)
        self.gregorian_years: list[int | None] = [None] * len(self.keys)
        self.era_year_lines: list[int] = []  # the lines with an era year, in order
        # the lines that can open a year header (``year_header.starts_year_header``)
        self.year_starts: set[int] = set()
        for i in [i for i, key in enumerate(self.keys) if "年度" in key and key.endswith(("年度", "年度)"))]:
            key = self.keys[i]
            if key.endswith("年度"):
                self.era_years[i] = _era_year(key)
                if self.era_years[i] is not None:
                    self.era_year_lines.append(i + 1)
            else:
                self.gregorian_years[i] = _gregorian_year(key)
            if key == "年度" or self.era_years[i] is not None or self.gregorian_years[i] is not None:
                self.year_starts.add(i + 1)
        self.settings = settings or Settings()
        self.log = IssueLog()
        # (line, end, min_columns) → (the year header there or None, the last line looked at)
        self.year_header_cache: dict[tuple[int, int, int], tuple[Piece | None, int]] = {}
        # line n's ``pieces.basic_kind`` at ``kinds[n - 1]``, once asked (None before)
        self.kinds: list[str | None] = [None] * len(self.keys)
        self.fiscal_years: list[int] = []

    def next_nonempty(self, n: int, limit: int | None = None) -> int | None:
        """First line number ≥ n that is not blank (None when there is none before ``limit``)."""
        keys = self.keys
        stop = len(keys) + 1
        if limit and limit < stop:
            stop = limit
        while n < stop:
            if keys[n - 1]:
                return n
            n += 1
        return None

    def lines_keyed(self, *keys: str) -> list[int]:
        """The lines whose match key is one of ``keys``, in line order (``list.index`` scans the
        keys, no Python step per line)."""
        found = []
        for key in keys:
            i = -1
            try:
                while True:
                    i = self.keys.index(key, i + 1)
                    found.append(i + 1)
            except ValueError:
                pass
        return sorted(found)

    def is_year_line(self, n: int) -> bool:
        """Line ``n`` is a 和暦 year line of a year header (``令和4年度``)."""
        return self.era_years[n - 1] is not None

    def snippet(self, pieces: list[Piece]) -> str:
        text = " ".join(self.lines[n - 1].strip(" \u3000") for p in pieces for n in p.lines)
        cut = self.settings.snippet_chars
        return text[:cut] + ("…" if len(text) > cut else "")
