"""Input files of a run: folders walked into files, and what to say about paths that are not files.

``collect_inputs`` turns the paths given to ``planparse extract`` into the list of inputs. A path
that cannot be read is never dropped silently: it stays in the list (a missing file, a folder that
cannot be listed, a broken link, a symbolic link that leads back into a folder being walked), and
``path_problem`` tells the pipeline what is wrong with it, so it gets a ``documents`` row and an
``extraction_issues`` row of its own. ``display_path`` gives a path as text that every writer
accepts (file names that are not valid UTF-8 are backslash-escaped).
"""

from __future__ import annotations

import errno
import hashlib
import os
import stat
from collections.abc import Iterable
from pathlib import Path

__all__ = ["collect_inputs", "display_path", "path_document_id", "path_problem"]


def collect_inputs(paths: Iterable[str | Path]) -> list[Path]:
    """Expand ``paths`` (files or folders) into the list of input paths.

    Folders are walked recursively in name order (a folder's files right after its name, as
    ``sorted(rglob)`` would give them); hidden files and folders (``.name``) are skipped; links to
    folders are followed unless they lead back to a folder being walked. Kept in the list, for
    ``path_problem`` to report: paths that do not exist, folders that cannot be listed, broken
    links, link loops (``a → b → a`` and links to an enclosing folder), and special files (FIFOs,
    sockets, devices: never read). Output: paths in walking order. Never raises.
    """
    out: list[Path] = []
    for raw in paths:
        p = Path(raw)
        if _is_dir(p):
            _walk(p, out, frozenset({os.path.realpath(p)}))
        else:
            out.append(p)
    return out


def _walk(folder: Path, out: list[Path], ancestors: frozenset[str]) -> None:
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError:
        out.append(folder)  # reported as unreadable_folder
        return
    for entry in entries:
        if entry.name.startswith("."):
            continue
        child = folder / entry.name
        if _is_dir(child):
            real = os.path.realpath(child)
            if real in ancestors:
                out.append(child)  # reported as symlink_loop
            else:
                _walk(child, out, ancestors | {real})
        else:
            out.append(child)


def _is_dir(path: Path) -> bool:
    try:
        return path.is_dir()
    except OSError:
        return False


def path_problem(path: str | Path) -> tuple[str, str] | None:
    """Why ``path`` cannot be read as an input file, as ``(issue code, message)``, or None for a
    regular file (which may still fail to read: that is ``unreadable_file`` at read time).

    Codes: ``unreadable_file`` (missing file, broken link, no permission), ``symlink_loop``
    (a link that leads to itself or back into a folder being walked), ``unreadable_folder``
    (a folder that could not be listed, or a folder given where a file is expected),
    ``not_a_regular_file`` (FIFO, socket, device). Never raises.
    """
    p = Path(path)
    try:
        st = p.stat()
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "symlink_loop", f"symbolic link loop: {display_path(p)} leads back to itself; not read"
        if p.is_symlink():
            return "unreadable_file", f"broken symbolic link: {display_path(p)} points to a missing file"
        return "unreadable_file", f"cannot read the file: {exc.strerror or exc}"
    if stat.S_ISDIR(st.st_mode):
        if p.is_symlink():
            target = os.path.realpath(p)
            parent = os.path.realpath(p.parent)
            if parent == target or parent.startswith(target.rstrip(os.sep) + os.sep):
                return "symlink_loop", (f"symbolic link loop: {display_path(p)} leads back to "
                                        f"{display_path(target)}, a folder already being read; not followed")
        try:
            os.listdir(p)
        except OSError as exc:
            return "unreadable_folder", f"cannot list the folder: {exc.strerror or exc}; its files were not read"
        return "unreadable_folder", "a folder, not a file: give it to `planparse extract` to read its files"
    if not stat.S_ISREG(st.st_mode):
        return "not_a_regular_file", "not a regular file (a FIFO, socket or device): not read"
    return None


def display_path(path: str | Path) -> str:
    """``path`` as valid Unicode text: a name that is not valid UTF-8 (e.g. a Shift_JIS name read
    from disk, held by Python as lone surrogates) has its undecodable bytes backslash-escaped
    (``\\x8e\\x73.txt``). Valid names are returned unchanged. Never raises."""
    text = os.fspath(path)
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return os.fsencode(text).decode("utf-8", errors="backslashreplace")
    return text


def path_document_id(path: str | Path) -> tuple[str, str]:
    """``(document_id, sha256 hex)`` for an input whose bytes could not be read: the SHA-256 of
    ``unreadable:`` followed by the path's bytes, so that two missing paths (or a missing path and
    an empty file) never share an id; the id is stable across runs for the same path."""
    digest = hashlib.sha256(b"unreadable:" + os.fsencode(os.fspath(path))).hexdigest()
    return digest[:12], digest
