"""The parser plugin interface: one subclass of ``Parser`` per format, listed in ``PARSERS``.

A parser sees only a ``SourceDocument`` (never a file), says how sure it is that the document
is its format (``detect``), and turns it into its format record plus issues (``parse``).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from bisect import bisect_right
from functools import lru_cache
from itertools import accumulate
from typing import ClassVar

import regex

from planparse.ingest import SourceDocument
from planparse.normalize import match_key
from planparse.schemas.base import ParseResult

__all__ = ["Marker", "MarkerScore", "Parser", "marker_score"]


class Marker:
    """A content marker for detection: a pattern searched in the document's match-key text
    (NFKC, whitespace removed) and its weight. ``min_count`` occurrences are needed."""

    def __init__(self, pattern: str, weight: float, min_count: int = 1) -> None:
        self.pattern = regex.compile(pattern, regex.MULTILINE)
        self.weight = weight
        self.min_count = min_count

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

    def lines(self, text: str, line_starts: list[int]) -> set[int]:
        """0-based indices of the lines of ``text`` (starting at ``line_starts``) the pattern matches."""
        return {bisect_right(line_starts, m.start()) - 1 for m in self.pattern.finditer(text)}


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

    Output: a ``MarkerScore`` (a float, so formats may combine it with other evidence) that also
    gives the positive weight and the number of lines matching the recurring markers
    (``Marker.recurring``), for ``detect``'s structure share.
    """
    text = doc.match_text
    if doc.kind == "pdf":  # a PDF table's header may be split over several text lines: use its cells too
        text += "\n" + "\n".join("".join(match_key(cell) for cell in row.cells)
                                 for table in doc.tables for row in table.rows)
    found: list[float] = []  # the weights of the markers found, in order
    structure: set[int] = set()
    starts = _line_starts(text) if any(m.recurring for m in markers) else []
    for m in markers:
        if m.recurring:  # one pass gives both its count (``hit``) and its lines (``lines``)
            offsets = [match.start() for match in m.pattern.finditer(text)]
            if len(offsets) >= m.min_count:
                found.append(m.weight)
            structure.update(bisect_right(starts, offset) - 1 for offset in offsets)
        elif m.hit(text):
            found.append(m.weight)
    positive = sum(found)
    score = positive - sum(m.weight for m in negative if m.hit(text))
    return MarkerScore(round(max(0.0, min(1.0, score)), 3), positive=round(min(1.0, positive), 3),
                       structure_lines=len(structure))


@lru_cache(maxsize=2)
def _line_starts(text: str) -> list[int]:
    """Offsets in ``text`` where each ``\\n``-separated line starts, then ``len(text) + 1``; computed
    once per document text (every format's ``marker_score`` asks for the same one)."""
    # each line starts one past the end of the line before it: the running sum of (length + 1)
    return list(accumulate(map((1).__add__, map(len, text.split("\n"))), initial=0))


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
    listed is exported again on every run).

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
