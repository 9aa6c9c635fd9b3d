"""Format detection: which registered parser a ``SourceDocument`` belongs to, from its content.

The file name is never used: a renamed copy of a document is detected the same way.
"""

from __future__ import annotations

import inspect
from dataclasses import dataclass

from planparse.ingest import SourceDocument
from planparse.parsers import PARSERS

__all__ = ["FORMATS_DOC", "MIN_CONFIDENCE", "Detection", "FormatInfo", "detect", "supported_formats",
           "unknown_format_message"]

FORMATS_DOC = "docs/formats/"
"""Where each format's reading rules and markers are documented (one Markdown file per format)."""

MIN_CONFIDENCE = 0.5
"""Below this confidence a document is reported as ``unknown_format``."""


@dataclass(frozen=True)
class Detection:
    """Result of ``detect``: the best ``format`` (None when no parser is confident enough), its
    ``confidence`` 0..1, and every parser's score (``scores``, highest first)."""

    format: str | None
    confidence: float
    scores: tuple[tuple[str, float], ...]


def detect(doc: SourceDocument) -> Detection:
    """Ask every registered parser how sure it is and pick the highest score.

    Input: a ``SourceDocument``. Output: ``Detection``; ``format`` is None when the best score is
    below ``MIN_CONFIDENCE``. Never raises for any text (parsers' ``detect`` are pure scans).
    """
    scores = sorted(((name, float(p.detect(doc))) for name, p in PARSERS.items()), key=lambda s: -s[1])
    best, conf = scores[0] if scores else (None, 0.0)
    return Detection(format=best if conf >= MIN_CONFIDENCE else None, confidence=conf, scores=tuple(scores))


@dataclass(frozen=True)
class FormatInfo:
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
