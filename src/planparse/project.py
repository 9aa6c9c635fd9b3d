"""Where the project's own files are: the folder holding planparse's ``pyproject.toml``.

Commands that write project files (``golden`` → ``tests/fixtures/``, ``schema`` →
``schemas/planparse.schema.json``, ``dictionary`` → ``docs/data_dictionary.md``) resolve their
default paths against this folder, so they do the same thing from any current folder.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

import regex

from planparse.memo import LazyPattern

__all__ = ["project_path", "project_root"]

# pyproject.toml line naming the project: name = "planparse"
_NAME_LINE = LazyPattern(r'^name\s*=\s*"planparse"\s*$', regex.MULTILINE)


def _is_project(folder: Path) -> bool:
    pyproject = folder / "pyproject.toml"
    try:
        return pyproject.is_file() and _NAME_LINE.search(pyproject.read_text(encoding="utf-8")) is not None
    except OSError:
        return False


@cache
def project_root() -> Path:
    """The planparse project folder.

    Looks upward from this package's source (an editable install: ``src/planparse`` → the
    project), then upward from the current folder; falls back to the current folder when neither
    holds planparse's ``pyproject.toml`` (an installed wheel run outside a checkout). Never raises.
    """
    here = Path(__file__).resolve()
    cwd = Path.cwd().resolve()
    for start in (here.parent, cwd):
        for folder in (start, *start.parents):
            if _is_project(folder):
                return folder
    return cwd


def project_path(relative: str | Path) -> Path:
    """``relative`` (e.g. ``"tests/fixtures"``) inside ``project_root()``."""
    return project_root() / relative
