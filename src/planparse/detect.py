"""Format detection: which registered parser a ``SourceDocument`` belongs to, from its content.

The file name is never used: a renamed copy of a document is detected the same way.
"""

from __future__ import annotations

from dataclasses import dataclass

from planparse.ingest import SourceDocument
from planparse.parsers import PARSERS

__all__ = ["MIN_CONFIDENCE", "Detection", "detect"]

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
