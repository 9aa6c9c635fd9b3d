"""Format detection: which registered parser a ``SourceDocument`` belongs to, from its content.

The file name is never used: a renamed copy of a document is detected the same way.

Each parser scores its own content markers (``parsers.base.marker_score``). A format's structure
is its recurring markers (a card header per card, a box label per record): when several formats'
markers would pass, ``detect`` weighs each one's marker score by its share of the structural
lines, so that a few stray lines of another format (three ``管理番号 1-1-1`` lines pasted into the
DX plan) do not outweigh the document's own fifty headings.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass
from typing import NamedTuple

from planparse.ingest import SourceDocument
from planparse.parsers import PARSERS
from planparse.parsers.base import MarkerScore
from planparse.schemas.base import Issue

__all__ = ["FORMATS_DOC", "MIN_CONFIDENCE", "RUNNER_UP_MARGIN", "STRUCTURE_SHARE_FULL", "Detection", "FormatInfo",
           "detect", "detection_warnings", "supported_formats", "unknown_format_message"]

FORMATS_DOC = "docs/formats/"
"""Where each format's reading rules and markers are documented (one Markdown file per format)."""

MIN_CONFIDENCE = 0.5
"""Below this confidence a document is reported as ``unknown_format``."""
STRUCTURE_SHARE_FULL = 0.5
"""A format holding at least this share of the candidates' structural lines (lines matching their
recurring markers) keeps its full marker score; below it the score is scaled down in proportion
(a share of 0.05 keeps a tenth)."""
RUNNER_UP_MARGIN = 0.25
"""A second format within this much of the winner's confidence (and above ``MIN_CONFIDENCE``) is
reported as an ``ambiguous_format`` warning."""


@dataclass(frozen=True)
class Detection:
    """Result of ``detect``: the best ``format`` (None when no parser is confident enough), its
    ``confidence`` 0..1, every parser's confidence (``scores``, highest first), and each format's
    share 0..1 of the document's structural lines (``structure``; formats whose ``detect`` gives
    no structural evidence are absent)."""

    format: str | None
    confidence: float
    scores: tuple[tuple[str, float], ...]
    structure: tuple[tuple[str, float], ...] = ()

    @property
    def runner_up(self) -> tuple[str, float] | None:
        """The second format and its confidence, or None with fewer than two formats."""
        return self.scores[1] if len(self.scores) > 1 else None


def detect(doc: SourceDocument) -> Detection:
    """Ask every registered parser how sure it is; let structure decide between candidates.

    Input: a ``SourceDocument``. Output: ``Detection``; ``format`` is None when the best confidence
    is below ``MIN_CONFIDENCE``. The candidates are the formats whose ``detect`` returns a
    ``MarkerScore`` with a positive weight of at least ``MIN_CONFIDENCE``. When they have
    structural lines, each format's confidence is ``positive × min(1, share /
    STRUCTURE_SHARE_FULL)``, ``share`` being its structural lines over the candidates' (its own
    added for a non-candidate); negative markers are then not needed, the share does their job.
    A plain float, or a document where no candidate has a structural line, is taken as it is.
    Never raises for any text (parsers' ``detect`` are pure scans).
    """
    raw = [(name, p.detect(doc)) for name, p in PARSERS.items()]
    evidence = {name: s for name, s in raw if isinstance(s, MarkerScore)}
    pool = sum(s.structure_lines for s in evidence.values() if s.positive >= MIN_CONFIDENCE)
    scores: list[tuple[str, float]] = []
    shares: list[tuple[str, float]] = []
    for name, s in raw:
        if name in evidence and pool:
            total = pool if s.positive >= MIN_CONFIDENCE else pool + s.structure_lines
            share = s.structure_lines / total
            shares.append((name, round(share, 3)))
            scores.append((name, round(s.positive * min(1.0, share / STRUCTURE_SHARE_FULL), 3)))
        else:
            scores.append((name, float(s)))
    scores.sort(key=lambda item: -item[1])
    best, conf = scores[0] if scores else (None, 0.0)
    return Detection(format=best if conf >= MIN_CONFIDENCE else None, confidence=conf, scores=tuple(scores),
                     structure=tuple(sorted(shares, key=lambda item: -item[1])))


def detection_warnings(detection: Detection) -> list[Issue]:
    """``ambiguous_format`` warnings for a detected document whose runner-up is close: confidence
    at least ``MIN_CONFIDENCE`` and within ``RUNNER_UP_MARGIN`` of the winner. Output: 0 or 1 issue."""
    second = detection.runner_up
    if detection.format is None or second is None:
        return []
    name, conf = second
    if conf < MIN_CONFIDENCE or detection.confidence - conf >= RUNNER_UP_MARGIN:
        return []
    return [Issue(severity="warning", code="ambiguous_format",
                  message=f"read as {detection.format} (confidence {detection.confidence:.2f}), but it also "
                          f"looks like {name} ({conf:.2f}): check that the format is right")]


class FormatInfo(NamedTuple):
    """One registered format as a user sees it: ``format`` (SCHEMA.md value), the municipality
    (``municipality_code``, ``municipality_name``, None when the format is not tied to one),
    ``description`` (the document it reads) and ``markers`` (what ``detect`` looks for, in words:
    the first paragraph of the parser's ``detect`` docstring)."""

    format: str
    municipality_code: str | None
    municipality_name: str | None
    description: str
    markers: str


def supported_formats() -> list[FormatInfo]:
    """Every format of the ``PARSERS`` registry, in registry order. Never raises."""
    out = []
    for name, parser in PARSERS.items():
        doc = inspect.getdoc(parser.detect) or ""
        markers = " ".join(doc.split("\n\n", 1)[0].replace("``", "").split())
        out.append(FormatInfo(format=name, municipality_code=parser.municipality_code,
                              municipality_name=parser.municipality_name,
                              description=parser.description, markers=markers))
    return out


def unknown_format_message(detection: Detection) -> str:
    """The ``unknown_format`` issue text: the best guess and its score, the supported formats, and
    where to read how each is recognised (``docs/formats/``, ``planparse formats``)."""
    best, score = detection.scores[0] if detection.scores else ("-", 0.0)
    names = ", ".join(f.format for f in supported_formats())
    return (f"unknown format: no parser recognises this document (best guess {best} at confidence "
            f"{score:.2f}, below the threshold {MIN_CONFIDENCE:.2f}). Supported formats: {names}. "
            f"What each format looks for: `planparse formats` and {FORMATS_DOC}")
