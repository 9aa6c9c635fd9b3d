"""The parser plugin interface: one subclass of ``Parser`` per format, listed in ``PARSERS``.

A parser sees only a ``SourceDocument`` (never a file), says how sure it is that the document
is its format (``detect``), and turns it into its format record plus issues (``parse``).
"""

from __future__ import annotations

import re
from abc import ABC, abstractmethod
from functools import lru_cache
from typing import ClassVar

import regex

from planparse.ingest import SourceDocument
from planparse.normalize import match_key
from planparse.schemas.base import ParseResult

__all__ = ["KEY_SOURCES", "SPACE_SOURCES", "Marker", "MarkerScore", "Parser", "keyed_lines", "marker_score"]


# The characters a marker's key run is made of (``Marker.key_run``): kana, CJK ideographs and the brackets 【】.
_KEYABLE = re.compile(r"[\u3010\u3011\u3041-\u3096\u30A1-\u30FA\u3400-\u4DBF\u4E00-\u9FFF]+")
# Characters whose NFKC form holds a keyable character other than themselves: CJK and Kangxi radicals,
# Hangzhou numerals, ゟ and ヿ, kanbun, enclosed and squared CJK (㈱, ㍻), compatibility ideographs, vertical
# forms (︻ → 【), halfwidth katakana, enclosed ideographs; and the voicing marks that compose a kana
# (カ + U+3099 → ガ).
KEY_SOURCES = ("\u2E80-\u2FDF\u3038-\u303A\u3099-\u309C\u309F\u30FF\u3190-\u319F\u3200-\u33FF"
               "\uF900-\uFAFF\uFE10-\uFE1F\uFE30-\uFE4F\uFF61-\uFF9F\U0001F200-\U0001F2FF\U0002F800-\U0002FA1F")
# Characters other than the space, U+3000, the tab and the line feed whose NFKC form holds whitespace
# (other spaces and line ends, spacing accents such as ¨ → " ̈").
SPACE_SOURCES = ("\x0b-\x0d\x1c-\x1f\x85\xa0\xa8\xaf\xb4\xb8\u02d8-\u02dd\u037a\u0384\u0385\u1680"
                 "\u1fbd-\u1fc1\u1fcd-\u1fcf\u1fdd-\u1fdf\u1fed\u1fee\u1ffd\u1ffe\u2000-\u200a\u2017\u2028"
                 "\u2029\u202f\u203e\u205f\u309b\u309c\ufc5e-\ufc63\ufdfa\ufdfb\ufe49-\ufe4c\ufe70-\ufe7e\uffe3")
# A line holding neither keeps its keyable characters, in order, in its match key, and two of them are
# adjacent there only when the line has nothing but spaces, U+3000 and tabs between them: a key run is in its
# key only when it is in the line once those are removed (tests/test_detect.py checks both lists against
# ``unicodedata`` for every code point).
_SOURCE_CHAR = re.compile(f"[{KEY_SOURCES}{SPACE_SOURCES}]")
_REGEX_META = frozenset("\\.^$*+?{}[]|()")
_KEY_RUNS: set[str] = set()  # every marker's key run: the lines ``marker_score`` keys hold one


def _key_run(pattern: str) -> str | None:
    """A run of keyable characters every match of ``pattern`` contains: the longest (the first of
    equals) in the literal text the pattern starts with (after a ``^``; a character made optional by
    ``?``, ``*`` or ``{`` does not count). None when there is none, or when the pattern has an
    alternative (``|``) outside a group or a character class, which would make the start optional."""
    depth, escaped, in_class = 0, False, False
    for ch in pattern:
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch == "(":
            depth += 1
        elif ch == ")":
            depth -= 1
        elif ch == "|" and depth <= 0:
            return None
    literal = []
    for ch in pattern[1:] if pattern.startswith("^") else pattern:
        if ch in _REGEX_META:
            if ch in "?*{" and literal:
                literal.pop()
            break
        literal.append(ch)
    runs = _KEYABLE.findall("".join(literal))
    return max(runs, key=len) if runs else None


class Marker:
    """A content marker for detection: a pattern searched in the document's match-key text
    (NFKC, whitespace removed) and its weight. ``min_count`` occurrences are needed.

    A match lies within one line's key (it may take the line break that ends it). ``key_run``: a run
    of kana and kanji every match contains (see ``_key_run``), or None; when every marker of a format
    has one, ``marker_score`` keys only the lines that can hold one."""

    def __init__(self, pattern: str, weight: float, min_count: int = 1) -> None:
        self.pattern = regex.compile(pattern, regex.MULTILINE)
        self.weight = weight
        self.min_count = min_count
        # a flag set inside the pattern for all of it (``…(?x)``) changes what its literal text matches
        self.key_run = None if self.pattern.flags & (regex.IGNORECASE | regex.VERBOSE) else _key_run(pattern)
        if self.key_run is not None:
            _KEY_RUNS.add(self.key_run)

    def hit(self, text: str) -> bool:
        """True when the pattern occurs at least ``min_count`` times in ``text``."""
        if self.min_count <= 1:
            return self.pattern.search(text) is not None
        count = 0
        for _ in self.pattern.finditer(text):
            count += 1
            if count >= self.min_count:
                return True
        return False

    @property
    def recurring(self) -> bool:
        """True for a structural marker: one expected several times (``min_count`` > 1), once per
        record or page of the format (a card header, a box label), rather than once per document."""
        return self.min_count > 1


class MarkerScore(float):
    """What ``marker_score`` returns: a float (the net score, as before) carrying the evidence
    ``detect`` weighs across formats.

    * ``positive``: the summed weights of the markers found, capped at 1, before negative markers;
    * ``structure_lines``: how many lines of the document match one of the format's recurring
      (structural) markers; ``detect`` compares it with the other formats' counts, so that a few
      stray lines of another format cannot outweigh a document's own structure.
    """

    positive: float
    structure_lines: int

    def __new__(cls, value: float, *, positive: float, structure_lines: int) -> MarkerScore:
        obj = super().__new__(cls, value)
        obj.positive = positive
        obj.structure_lines = structure_lines
        return obj


def marker_score(doc: SourceDocument, markers: list[Marker], *, negative: list[Marker] = ()) -> MarkerScore:
    """Score 0..1: the summed weights of the ``markers`` found in ``doc`` (capped at 1), minus
    the weights of ``negative`` markers found. Matching is done per line on ``match_key`` text
    (NFKC, no whitespace), so full-width/half-width and PDF spacing differences do not matter. For
    PDFs, each table row (its cells joined) is searched as one more line.

    Only the lines that can match are keyed and searched: when every marker has a ``key_run``, the
    lines holding a marker's key run (spaces removed) or a ``KEY_SOURCES`` or ``SPACE_SOURCES``
    character (``keyed_lines``); the others cannot hold a match, so the result is that of searching
    every line.

    Output: a ``MarkerScore`` (a float, so formats may combine it with other evidence) that also
    gives the positive weight and the number of lines matching the recurring markers
    (``Marker.recurring``), for ``detect``'s structure share.
    """
    if all(m.key_run is not None for m in (*markers, *negative)):
        keys, ends_document = keyed_lines(doc.text, tuple(sorted(_KEY_RUNS)))
        if doc.kind == "pdf":  # every line is followed by another: the table rows
            text = "\n".join([*keys, _row_keys(doc)])
        else:
            text = "\n".join(keys) if ends_document or not keys else "\n".join(keys) + "\n"
    else:
        text = doc.match_text
        if doc.kind == "pdf":
            text += "\n" + _row_keys(doc)
    found: list[float] = []  # the weights of the markers found, in order
    structure: set[int] = set()  # the lines (the offset before each: its line break) recurring markers match
    for m in markers:
        if m.recurring:  # one pass gives both its count (``hit``) and its lines
            offsets = [text.rfind("\n", 0, match.start()) for match in m.pattern.finditer(text)]
            if len(offsets) >= m.min_count:
                found.append(m.weight)
            structure.update(offsets)
        elif m.hit(text):
            found.append(m.weight)
    positive = sum(found)
    score = positive - sum(m.weight for m in negative if m.hit(text))
    return MarkerScore(round(max(0.0, min(1.0, score)), 3), positive=round(min(1.0, positive), 3),
                       structure_lines=len(structure))


def _row_keys(doc: SourceDocument) -> str:
    """A PDF's table rows as lines of match keys (a header may be split over several text lines:
    its cells are searched too)."""
    return "\n".join("".join(match_key(cell) for cell in row.cells) for table in doc.tables for row in table.rows)


@lru_cache(maxsize=2)
def keyed_lines(text: str, runs: tuple[str, ...]) -> tuple[tuple[str, ...], bool]:
    """The match keys of the lines of ``text`` (``\\n``-separated) that can have one of ``runs``
    (kana and kanji) in their key, in order, and whether the last of them is the last line of
    ``text``: the lines holding a ``KEY_SOURCES`` or ``SPACE_SOURCES`` character, and those holding
    one of ``runs`` once their spaces, U+3000 and tabs are removed. Computed once per document text
    (every format's ``marker_score`` asks for the same)."""
    keyed: set[int] = set()  # line indices
    squeezed = text.replace(" ", "").replace("\u3000", "").replace("\t", "")  # the same lines
    for source, pattern in ((text, _SOURCE_CHAR), (squeezed, _runs_pattern(runs) if runs else None)):
        if pattern is None:
            continue
        search = pattern.search
        line, counted = 0, 0  # the line of offset ``counted``
        found = search(source)
        while found is not None:
            line += source.count("\n", counted, found.start())
            keyed.add(line)
            counted = source.find("\n", found.end()) + 1  # on to the next line
            if not counted:
                break
            line += 1
            found = search(source, counted)
    lines = text.split("\n")
    order = sorted(keyed)
    return tuple(match_key(lines[n]) for n in order), bool(order) and order[-1] == len(lines) - 1


@lru_cache(maxsize=8)
def _runs_pattern(runs: tuple[str, ...]) -> re.Pattern:
    """Any of ``runs`` (the standard library's ``re``: it skips the positions none starts at)."""
    return re.compile("|".join(re.escape(run) for run in sorted(runs, key=lambda run: (-len(run), run))))


class Parser(ABC):
    """Base class of a format plugin.

    Class attributes: ``format`` (SCHEMA.md format value), ``description``, the municipality the
    format belongs to (``municipality_code`` with check digit, ``municipality_name``), and
    ``views`` (DuckDB views the format contributes: ``{name: SELECT …}``), ``view_comments``
    (``{name: (comment on the view, {column: comment})}`` for every column of those views, written
    as ``COMMENT ON`` into planparse.duckdb and into docs/data_dictionary.md) and ``check_queries``
    (``{title: SELECT …}`` run by ``planparse check`` against planparse.duckdb; every row returned
    is a finding listed under the title, e.g. measures without a counterpart in another document)
    and ``view_formats`` (``{view: (format, …)}``: the formats of the documents whose rows a view
    reads, when its SQL keeps only those (``documents.format = …``); an incremental run then keeps
    the view's published Parquet file when it added no document of those formats; a view not
    listed is exported again on every run) and ``per_document_views`` (the format's views whose rows
    are per document, as ``views.View.per_document`` says of the common ones: a ``document_id``
    column, and a document's rows depend only on that document's rows; an incremental run then
    writes such a view's file as the published rows of the unchanged documents plus the view's rows
    of the added ones, instead of running the whole view again).

    ``version``: the parser's own version (a short string). It is part of the key of the
    incremental cache (``planparse.cache``): a document whose bytes and whose format's version are
    unchanged is not parsed again. **Bump it with every change that can alter this format's rows**
    (the parser, its records' ``to_common``, the normalisation it relies on); otherwise reruns keep
    serving the old rows until ``planparse extract --full``.
    """

    format: ClassVar[str]
    description: ClassVar[str]
    municipality_code: ClassVar[str | None] = None
    municipality_name: ClassVar[str | None] = None
    version: ClassVar[str]
    views: ClassVar[dict[str, str]] = {}
    view_comments: ClassVar[dict[str, tuple[str, dict[str, str]]]] = {}
    view_formats: ClassVar[dict[str, tuple[str, ...]]] = {}
    per_document_views: ClassVar[frozenset[str]] = frozenset()
    check_queries: ClassVar[dict[str, str]] = {}

    @classmethod
    @abstractmethod
    def detect(cls, doc: SourceDocument) -> float:
        """Confidence 0..1 that ``doc`` is this format, from its content only (never its name)."""

    @abstractmethod
    def parse(self, doc: SourceDocument) -> ParseResult:
        """Parse ``doc`` into this format's record and issues.

        Raises only on a bug; irregular input becomes ``Issue`` rows.
        """
