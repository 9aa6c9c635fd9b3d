"""What every format plugin produces: a format record, issues, and document facts.

A parser returns a ``ParseResult``: its format's top-level record (a ``FormatRecord`` subclass,
faithful to the source's own labels) and a list of ``Issue``. Mapping the record to the common
tables is the record's ``to_common`` method, not a step inside the parser (DESIGN.md).
"""

# No ``from __future__ import annotations`` in a module of pydantic models: pydantic would evaluate
# every field's annotation from its string when the models are defined (~3 ms of each run in all).

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict

from planparse.schemas.common import CommonRows

__all__ = ["DocumentInfo", "FormatRecord", "Issue", "IssueLog", "ParseResult", "RowContext", "year_span"]


class Issue(BaseModel):
    """An irregularity a parser met: ``warning`` when handled by a documented rule, ``error``
    when something could not be placed (data lost). ``source_line`` is 1-based.

    ``initiative_code`` / ``measure_code`` name the record the issue belongs to, when the parser
    knows it (the source's code, as in ``initiatives.code``); the pipeline turns them into
    ``extraction_issues.initiative_id`` / ``measure_id`` (otherwise it places the issue by its line)."""

    model_config = ConfigDict(frozen=True)

    severity: Literal["error", "warning"]
    code: str
    message: str
    source_line: int | None = None
    initiative_code: str | None = None
    measure_code: str | None = None


@dataclass
class IssueLog:
    """Collects ``Issue`` objects while a parser runs (``log.warning(code, message, line)``)."""

    issues: list[Issue] = field(default_factory=list)

    def warning(self, code: str, message: str, line: int | None = None, *,
                initiative: str | None = None, measure: str | None = None) -> None:
        """Record an irregularity handled by a rule (``initiative`` / ``measure``: the record's code)."""
        self.issues.append(Issue(severity="warning", code=code, message=message, source_line=line,
                                 initiative_code=initiative, measure_code=measure))

    def error(self, code: str, message: str, line: int | None = None, *,
              initiative: str | None = None, measure: str | None = None) -> None:
        """Record something that could not be parsed (its data is not in the output)."""
        self.issues.append(Issue(severity="error", code=code, message=message, source_line=line,
                                 initiative_code=initiative, measure_code=measure))


class DocumentInfo(BaseModel):
    """Facts about the document that go into its ``documents`` row."""

    title: str | None = None
    municipality_code: str | None = None
    municipality_name: str | None = None
    plan_start_fy: int | None = None
    plan_end_fy: int | None = None


def year_span(fiscal_years: list[int]) -> tuple[int | None, int | None]:
    """``(first, last)`` of a document's fiscal years (e.g. its year columns); ``(None, None)`` when empty."""
    return (min(fiscal_years), max(fiscal_years)) if fiscal_years else (None, None)


@dataclass(frozen=True)
class RowContext:
    """What ``to_common`` needs besides the record: the ``document_id`` and a function giving the
    PDF page of a 1-based line (None for text sources)."""

    document_id: str
    page_of: Callable[[int], int | None] = lambda _line: None


class FormatRecord(BaseModel, ABC):
    """Base of each format's top-level record (e.g. ``MusashinoProgressSheet``).

    Its validator is built when the format is first used, not at import (``defer_build``): a run
    over one format does not pay for the others' records.
    """

    model_config = ConfigDict(defer_build=True)

    @abstractmethod
    def document_info(self) -> DocumentInfo:
        """Title, municipality and plan period read from the document."""

    @abstractmethod
    def to_common(self, ctx: RowContext) -> CommonRows:
        """Map the record to the common tables of SCHEMA.md (rows validated by pydantic).

        Raises ``pydantic.ValidationError`` if a value breaks the contract.
        """


class ParseResult(BaseModel):
    """A parser's output: the format record and the issues met while parsing."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    record: FormatRecord
    issues: list[Issue]
