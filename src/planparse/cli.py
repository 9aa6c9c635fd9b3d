"""The ``planparse`` command line (typer): a thin layer over ``pipeline``, ``check`` and ``golden``.

Commands: ``extract``, ``detect``, ``formats``, ``check``, ``golden``, ``schema``, ``text``, ``report``,
``dictionary``; ``--version``. Exit codes: 0 success,
1 a file failed (or a self-check disagreed), 2 usage or output errors. No traceback reaches the
user for bad input; ``--verbose`` shows parser tracebacks (bugs).
"""

# No ``from __future__ import annotations`` here: typer reads every command's parameters from their
# annotations (``typing.get_type_hints``) each run, and evaluating them from strings (compiling each
# ``Annotated[…, typer.Option(…)]`` again) took 2 ms of a run; evaluated once at import, they cost nothing.

import json
import time
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape
from typer.core import TyperArgument

from planparse import __version__
from planparse.project import project_path

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    rich_markup_mode=None,  # plain help: no type tags such as <bool> beside flags, docstrings shown as written
    help="Turn municipal DX / IT plan documents (PDF, text, Markdown) into one dataset (Parquet + DuckDB).",
)
# emoji=False: a ":name:" in a file name or a quoted source text is printed as written, not as an emoji
console = Console(highlight=False, soft_wrap=True, emoji=False)
err_console = Console(stderr=True, highlight=False, emoji=False)

_DEFAULT_RAW = Path("data/raw")
_DEFAULT_OUT = Path("data/out")
_REFRESH_S = 0.1  # at most ten redraws of the progress bar a second
_TABLE_ORDER = ("policies", "measures", "initiatives", "annual_entries", "kpi_values", "glossary_terms",
                "document_figures")
_SHORT = {"annual_entries": "annual", "kpi_values": "kpi", "glossary_terms": "glossary",
          "document_figures": "figures"}

PathsArg = Annotated[
    list[Path] | None,
    typer.Argument(help="Files or folders to read (folders are walked recursively). Default: data/raw.",
                   metavar="PATH"),
]
OutOpt = Annotated[Path, typer.Option("--out", "-o", metavar="DIR",
                                      help="Output folder for the Parquet files and planparse.duckdb.")]


def _show_version(value: bool) -> None:
    if value:
        console.print(f"planparse {__version__}")
        raise typer.Exit(0)


@app.callback()
def _main(
    version: Annotated[bool, typer.Option("--version", callback=_show_version, is_eager=True,
                                          help="Print the planparse version and exit.")] = False,
) -> None:
    """Turn municipal DX / IT plan documents (PDF, text, Markdown) into one dataset (Parquet + DuckDB)."""


@app.command()
def extract(
    paths: PathsArg = None,
    out: OutOpt = _DEFAULT_OUT,
    verbose: Annotated[bool, typer.Option("--verbose", "-v", help="Show every issue and parser tracebacks.")] = False,
    jobs: Annotated[int | None, typer.Option(
        "--jobs", "-j", min=1, help="Worker processes for the per-file work (default: one per CPU).")] = None,
    scheduler: Annotated[str | None, typer.Option(
        help="Run the per-file work on this Dask scheduler (tcp://host:8786); needs planparse[dask].")] = None,
    full: Annotated[bool, typer.Option(
        "--full", help="Extract every file again, ignoring the rows cached in OUT/cache.")] = False,
    allow_empty: Annotated[bool, typer.Option(
        "--allow-empty", help="Write an empty dataset when no input file is found (default: exit 2, keep OUT).")] = False,
    wait: Annotated[float | None, typer.Option(
        "--wait", help="Seconds to wait for another run writing to OUT (default: until it ends).")] = None,
) -> None:
    """Extract files into Parquet tables and planparse.duckdb.

    Every file is written into the --out folder: one Parquet file per table and view, and
    planparse.duckdb.

    Incremental: files whose bytes and whose format's parser version are unchanged since the last
    run into OUT are reused from OUT/cache, not parsed again (--full extracts everything). Prints
    one line per file (format, record counts, issue counts; "cached" when reused). Exits 1 when any
    file failed (the others are still written), 2 when no input file was found (OUT is kept, unless
    --allow-empty), when another run kept OUT locked longer than --wait, when the --scheduler
    cannot be reached, or when the outputs could not be written.
    """
    from planparse.inputs import display_path
    from planparse.pipeline import NoInputError
    from planparse.pipeline import extract as run_extract
    from planparse.store import OutputBusyError

    inputs = paths or [_DEFAULT_RAW]
    missing = [p for p in inputs if not p.exists()]
    if missing and len(missing) == len(inputs):
        err_console.print(f"[red]error:[/] no such file or folder: {', '.join(escape(str(p)) for p in missing)}")
        raise typer.Exit(2)
    shown = err_console.is_terminal  # a progress bar only where someone watches a terminal
    progress = _progress_bar() if shown else _NoProgress()
    with progress:
        task = progress.add_task("", total=None)

        shown_at = [0.0]

        def on_file(path: Path, index: int, total: int) -> None:
            now = time.monotonic()
            if now - shown_at[0] < _REFRESH_S and index < total:  # a cached file takes microseconds:
                return  # redrawing the bar for each would cost more than the file
            shown_at[0] = now
            progress.update(task, total=total, completed=index, description=escape(display_path(path.name)))
            progress.refresh()

        def on_lock_wait(lock: Path) -> None:
            limit = "" if wait is None else f" (at most {wait:g} s)"
            err_console.print(f"[yellow]waiting:[/] another planparse run is writing to {escape(str(out))} "
                              f"(lock {escape(str(lock))}); waiting for it to finish{limit}")

        try:
            run = run_extract(inputs, out, on_file=on_file if shown else None,
                              allow_empty=allow_empty, lock_timeout=wait,
                              on_lock_wait=on_lock_wait, jobs=jobs, scheduler=scheduler, full=full,
                              all_issues=verbose)
        except NoInputError as exc:
            progress.stop()
            err_console.print(f"[red]error:[/] {escape(str(exc))}: nothing to extract. The previous outputs in "
                              f"{escape(str(out))} were kept (--allow-empty writes an empty dataset).")
            raise typer.Exit(2) from None
        except OutputBusyError as exc:
            progress.stop()
            err_console.print(f"[red]error:[/] {escape(str(exc))}. Nothing was written by this run.")
            raise typer.Exit(2) from None
        except (ImportError, ConnectionError) as exc:  # --scheduler without the dask extra, or unreachable
            progress.stop()
            err_console.print(f"[red]error:[/] {escape(str(exc))}")
            raise typer.Exit(2) from None
        except Exception as exc:  # output errors: keep the previous outputs, say why
            progress.stop()
            err_console.print(f"[red]error:[/] could not write the outputs to {escape(str(out))}: "
                              f"{escape(str(exc))}\nThe previous outputs were left as they were.")
            raise typer.Exit(2) from None
        progress.update(task, completed=len(run.files))
    if verbose:  # tracebacks go to stderr beside their file's lines
        for result in run.files:
            _print_file(result, verbose)
    elif run.files:  # one print of all the lines: rich renders them at once (~2.5× cheaper)
        console.print("\n".join(line for result in run.files for line in _file_lines(result, verbose)))
    failed = sum(1 for f in run.files if f.failed)
    dup = sum(1 for f in run.files if f.duplicate_of)
    cached = sum(1 for f in run.files if f.cached and not f.failed)
    extracted = len(run.files) - failed - dup
    summary = f"{len(run.files)} files: {extracted} extracted, {failed} failed"
    if dup:
        summary += f", {dup} duplicates"
    if cached:
        summary += f" ({cached} unchanged, reused from the cache)"
    console.print(f"{summary} → {escape(str(out))}/ (Parquet per table, planparse.duckdb)")
    if not run.files:
        err_console.print("[yellow]warning:[/] no input files found")
    raise typer.Exit(1 if failed else 0)


def _progress_bar():
    """The extract command's progress bar (rich), drawn on stderr; transient (gone when done)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    # auto_refresh=False: no refresh thread, which worker processes forked by --jobs would inherit
    progress = Progress(TextColumn("[bold]extract"), BarColumn(), MofNCompleteColumn(),
                        TextColumn("{task.description}"), TimeElapsedColumn(),
                        console=err_console, transient=True, auto_refresh=False)
    return progress


class _NoProgress:
    """Stands in for the progress bar when stderr is not a terminal (a pipe, a file, CI): rich
    would draw nothing there, so neither it nor the callbacks that feed it are set up."""

    def __enter__(self) -> "_NoProgress":
        return self

    def __exit__(self, *_exc) -> None:
        return None

    def add_task(self, *_args, **_kwargs) -> int:
        return 0

    def update(self, *_args, **_kwargs) -> None:
        return None

    def refresh(self) -> None:
        return None

    def stop(self) -> None:
        return None


def _print_file(result, verbose: bool) -> None:
    for line in _file_lines(result, verbose):
        console.print(line)
    if verbose and result.error_detail:
        err_console.print(escape(result.error_detail))


def _file_lines(result, verbose: bool) -> list[str]:
    """The console lines (rich markup) of one file: its summary line, then its issues (the first
    three errors; every issue when ``verbose``)."""
    name = escape(Path(result.path).name)
    if result.duplicate_of:
        return [f"[dim]=[/] {name}  duplicate of {escape(Path(result.duplicate_of).name)} (extracted once)"]
    counts = result.counts
    parts = [f"{_SHORT.get(t, t)} {counts[t]}" for t in _TABLE_ORDER if t in counts]
    fmt = result.document.format or "unknown"
    issues = f"{result.error_count} errors, {result.warning_count} warnings"
    mark = "[red]✗[/]" if result.failed else "[green]✓[/]"
    cached = "  [dim]cached[/]" if result.cached else ""
    lines = [f"{mark} {name}  {fmt}  {' · '.join(parts) or 'no records'}  ({issues}){cached}"]
    shown = [i for i in result.issues if verbose or i.severity == "error"]
    for issue in shown[: None if verbose else 3]:
        where = f" (line {issue.source_line})" if issue.source_line else ""
        color = "red" if issue.severity == "error" else "yellow"
        lines.append(f"    [{color}]{issue.severity}[/] {issue.code}{where}: {escape(issue.message)}")
    if not verbose and len(shown) > 3:
        lines.append(f"    … {len(shown) - 3} more errors (see extraction_issues)")
    return lines


@app.command()
def detect(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to inspect.", metavar="PATH")],
) -> None:
    """Show the detected format of each file, with its confidence.

    Detection reads the content only, never the file name.

    Exits 1 when a file cannot be read or no format is recognised.
    """
    from planparse.detect import detect as run_detect
    from planparse.ingest import IngestError, load
    from planparse.inputs import display_path, path_problem
    from planparse.pipeline import collect_inputs

    bad = 0
    for path in collect_inputs(paths):
        shown = escape(display_path(path))
        problem = path_problem(path)
        if problem is not None:
            console.print(f"{shown}  [red]error[/] {problem[0]}: {escape(problem[1])}")
            bad += 1
            continue
        try:
            doc = load(path)
        except IngestError as exc:
            console.print(f"{shown}  [red]error[/] {exc.code}: {escape(exc.message)}")
            bad += 1
            continue
        d = run_detect(doc)
        runner_up = next(((n, s) for n, s in d.scores if n != d.format), None) if d.format else None
        if d.format:
            extra = f"  (next: {runner_up[0]} {runner_up[1]:.2f})" if runner_up else ""
            console.print(f"{shown}  {d.format}  confidence {d.confidence:.2f}{extra}")
        else:
            bad += 1
            console.print(f"{shown}  [red]unknown_format[/]  best {d.scores[0][0]} {d.confidence:.2f}")
    raise typer.Exit(1 if bad else 0)


@app.command()
def formats() -> None:
    """List the formats planparse reads and what detection looks for.

    For each format: the municipality, the document and its markers.

    A document is recognised from its content only (never its file name); how each format is
    read, and every warning it can log, is documented in docs/formats/FORMAT.md.
    """
    from planparse.detect import FORMATS_DOC, MIN_CONFIDENCE, supported_formats

    for info in supported_formats():
        city = f"{info.municipality_name} {info.municipality_code}" if info.municipality_code else "any"
        console.print(f"[bold]{info.format}[/]  {escape(city)}  {escape(info.description)}")
        console.print(f"    markers: {escape(info.markers)}")
        console.print(f"    docs: {FORMATS_DOC}{info.format}.md")
    console.print(f"A document whose best score is below {MIN_CONFIDENCE:.2f} is reported as unknown_format.")


@app.command()
def check(out: OutOpt = _DEFAULT_OUT) -> None:
    """Compare the figures a document states with the extraction.

    Reads the outputs in the --out folder.

    Prints, per document that states figures, the stated and the computed value side by side,
    then the document's self-check warnings (issue codes figure_mismatch and check_*).
    Exits 1 when a stated figure disagrees with the extracted data.
    """
    from rich.table import Table

    from planparse.check import compare_figures, group_by_document
    from planparse.store import read_tables

    try:
        tables = read_tables(out)
    except FileNotFoundError as exc:
        err_console.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(2) from None
    rows = {name: frame.to_dicts() for name, frame in tables.items()}
    docs = {d["document_id"]: d for d in rows["documents"]}
    figures = group_by_document(rows["document_figures"])
    initiatives = group_by_document(rows["initiatives"])
    measures = group_by_document(rows["measures"])
    entries_by_doc: dict[str, list] = {}
    owner = {i["initiative_id"]: i["document_id"] for i in rows["initiatives"]}
    for a in rows["annual_entries"]:
        entries_by_doc.setdefault(owner.get(a["initiative_id"], ""), []).append(a)
    check_issues = group_by_document(
        i for i in rows["extraction_issues"] if i["code"] == "figure_mismatch" or i["code"].startswith("check_"))
    mismatches = 0
    for doc_id, doc in docs.items():
        stated = figures.get(doc_id, [])
        notes = check_issues.get(doc_id, [])
        if not stated and not notes:
            continue
        console.print(f"\n[bold]{escape(doc['file_name'])}[/]  {doc['format']}  ({doc_id})")
        if stated:
            table = Table(show_edge=False, pad_edge=False)
            for col in ("scope", "FY", "metric", "document", "extracted", ""):
                table.add_column(col, justify="right" if col in ("document", "extracted") else "left")
            for c in compare_figures(stated, initiatives=initiatives.get(doc_id, []),
                                     annual_entries=entries_by_doc.get(doc_id, []),
                                     measures=measures.get(doc_id, [])):
                verdict = {True: "[green]ok[/]", False: "[red]MISMATCH[/]", None: "[dim]not computable[/]"}[c.matches]
                mismatches += c.matches is False
                table.add_row(c.scope, "" if c.fiscal_year is None else str(c.fiscal_year), escape(c.metric),
                              f"{c.stated:g}", "-" if c.computed is None else f"{c.computed:g}", verdict)
            console.print(table)
        for issue in notes:
            where = f" (line {issue['source_line']})" if issue.get("source_line") else ""
            console.print(f"  [yellow]{issue['code']}[/]{where}: {escape(issue['message'])}")
    if not figures and not check_issues:
        console.print("No document in the outputs states figures about itself.")
    _run_check_queries(out)
    raise typer.Exit(1 if mismatches else 0)


def _run_check_queries(out: Path) -> None:
    """Run the formats' cross-document check queries on planparse.duckdb and list their findings."""
    import duckdb

    from planparse.parsers import PARSERS
    from planparse.store import DUCKDB_NAME

    queries = {title: sql for p in PARSERS.values() for title, sql in p.check_queries.items()}
    if not queries or not (out / DUCKDB_NAME).exists():
        return
    con = duckdb.connect(str(out / DUCKDB_NAME), read_only=True)
    try:
        for title, sql in queries.items():
            cursor = con.execute(sql)
            names = [d[0] for d in cursor.description]
            found = cursor.fetchall()
            console.print(f"\n[bold]{escape(title)}[/]: {len(found)}")
            for row in found:
                console.print("  " + "  ".join(f"{n}={escape(str(v))}" for n, v in zip(names, row, strict=True)))
    finally:
        con.close()


@app.command()
def golden(
    paths: Annotated[list[Path] | None, typer.Argument(
        help="Raw files or folders to write fixtures for. Default: the project's data/raw.", metavar="PATH")] = None,
    fixtures: Annotated[Path | None, typer.Option(
        metavar="DIR", help="Folder of the golden fixtures. Default: the project's tests/fixtures.")] = None,
) -> None:
    """Regenerate the golden fixtures from the raw files.

    One fixture per raw file: tests/fixtures/FORMAT/FILE.json.

    Default paths are those of the project (the folder of planparse's pyproject.toml), whatever
    the current folder. Review the diff (git diff tests/fixtures) before committing: fixtures are
    reviewed data.
    """
    from planparse.golden import write_fixture
    from planparse.pipeline import collect_inputs, extract_file

    fixtures = fixtures or project_path("tests/fixtures")
    failed = 0
    for path in collect_inputs(paths or [project_path("data/raw")]):
        result = extract_file(path)
        if result.document.format is None or result.failed:
            failed += 1
            console.print(f"[red]✗[/] {escape(str(path))}: not extracted, no fixture written")
            continue
        console.print(f"wrote {escape(str(write_fixture(fixtures, result)))}")
    raise typer.Exit(1 if failed else 0)


@app.command()
def schema(
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", metavar="FILE",
        help="Where to write the JSON Schema ('-' = stdout). Default: the project's schemas/planparse.schema.json.",
    )] = None,
) -> None:
    """Write the JSON Schema of all tables.

    Generated from the models; a test checks that the published file is current.
    """
    from planparse.schemas.common import json_schema

    output = output or project_path("schemas/planparse.schema.json")
    text = json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"
    if str(output) == "-":
        typer.echo(text, nl=False)  # verbatim: no markup, no :emoji: codes
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    console.print(f"wrote {escape(str(output))}")


@app.command()
def text(
    path: Annotated[Path, typer.Argument(help="A PDF, text or Markdown file.")],
    lines: Annotated[str | None, typer.Option(
        "--lines", "-n", help="Only lines FIRST-LAST (1-based, e.g. 120-140), or one line and its neighbours: 130.")
    ] = None,
    tables: Annotated[bool, typer.Option("--tables", help="Print the tables (rows of cells) instead of the lines.")
                      ] = False,
) -> None:
    """Print the text the parsers see, with the line numbers that source_line refers to.

    For a PDF every line also shows its page (p12); tables show their page, first line and cells
    separated by ' | '. Exits 1 when the file cannot be read.
    """
    from planparse.ingest import IngestError, load

    try:
        doc = load(path)
    except IngestError as exc:
        err_console.print(f"[red]error[/] {exc.code}: {escape(exc.message)}")
        raise typer.Exit(1) from None
    if tables:
        for k, table in enumerate(doc.tables, start=1):
            where = f"page {table.page}, " if table.page else ""
            console.print(f"table {k} ({where}line {table.first_line}, {len(table.rows)} rows)", markup=False)
            for row in table.rows:
                cells = " | ".join(cell.replace("\n", "⏎") for cell in row.cells)
                console.print(f"{row.line or '':>6}  {cells}", markup=False)
        return
    first, last = _line_range(lines, len(doc.lines))
    width = len(str(last))
    for number in range(first, last + 1):
        page = doc.page_of(number)
        prefix = f"{number:>{width}}  p{page:<3} " if page is not None else f"{number:>{width}}  "
        console.print(prefix + doc.line(number), markup=False)


def _line_range(spec: str | None, count: int) -> tuple[int, int]:
    """``"A-B"`` → (A, B); ``"N"`` → N ± 5; None → all lines; clipped to 1..count."""
    if not spec:
        return 1, count
    try:
        if "-" in spec:
            a, b = (int(part) for part in spec.split("-", 1))
        else:
            a = b = int(spec)
            a, b = a - 5, b + 5
    except ValueError:
        raise typer.BadParameter(f"--lines takes FIRST-LAST or one number, not {spec!r}") from None
    return max(1, a), min(count, b)


@app.command()
def report(
    data: Annotated[Path, typer.Option("--data", "-d", metavar="DIR",
                                       help="Folder holding planparse.duckdb (what extract wrote).")] = _DEFAULT_OUT,
    out: Annotated[Path, typer.Option("--out", "-o", metavar="DIR",
                                      help="Folder to write the HTML pages into.")] = _DEFAULT_OUT / "report",
) -> None:
    """Write a self-contained HTML report of an extraction.

    index.html and one page per document, in the --out folder.

    The overview shows the cities side by side (status per fiscal year, themes, KPI achievement,
    extraction issues); each document's page lists its measures and initiatives with their
    status per year, its KPI target-vs-actual chart and its extraction issues with their source
    lines. Pages load nothing from the network: CSS inlined, charts as inline SVG. Exits 2 when
    DIR holds no extraction.
    """
    import duckdb

    from planparse.report import build_report

    try:
        built = build_report(data, out)
    except FileNotFoundError as exc:
        err_console.print(f"[red]error:[/] {escape(str(exc))}")
        raise typer.Exit(2) from None
    except duckdb.Error as exc:
        err_console.print(f"[red]error:[/] {escape(str(data))} was written by another planparse version "
                          f"({escape(str(exc).splitlines()[0])}): run `planparse extract` again")
        raise typer.Exit(2) from None
    console.print(f"wrote {escape(str(built.index))} and {len(built.pages)} document pages "
                  f"({built.charts} charts; {', '.join(built.cities)})")


@app.command()
def dictionary(
    output: Annotated[Path | None, typer.Option(
        "--output", "-o", metavar="FILE",
        help="Where to write the Markdown ('-' = stdout). Default: the project's docs/data_dictionary.md.")] = None,
    data: Annotated[Path | None, typer.Option(
        "--data", "-d", metavar="DIR",
        help="Read the comments of DIR/planparse.duckdb instead of planparse's own empty schema.")] = None,
) -> None:
    """Write the data dictionary (docs/data_dictionary.md).

    Every table and view, its columns, types and comments, as Markdown.

    Generated from the COMMENT ON statements the DuckDB file carries; CI checks that
    docs/data_dictionary.md is current. Exits 2 when the --data folder holds no planparse.duckdb.
    """
    from planparse.dictionary import markdown, schema_connection

    if data is not None:
        from planparse.report.data import connect

        try:
            con = connect(data)
        except FileNotFoundError as exc:
            err_console.print(f"[red]error:[/] {escape(str(exc))}")
            raise typer.Exit(2) from None
    else:
        con = schema_connection()
    try:
        text = markdown(con)
    finally:
        con.close()
    if str(output) == "-":
        typer.echo(text, nl=False)  # verbatim: no markup, no :emoji: codes
        return
    output = output or project_path("docs/data_dictionary.md")
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    console.print(f"wrote {escape(str(output))}")


class _PlainArgument(TyperArgument):
    """A positional argument shown by its metavar alone (no ``<list[Path]>`` type tag, no braces)."""

    def display_type_rich(self, ctx) -> str | None:
        return None

    def _usage_display_name(self) -> str:
        name = self.display_name_raw
        name = name if self.required else f"[{name}]"
        return name + ("..." if self.nargs != 1 else "")


def command():
    """The click command behind ``app``, with positional arguments shown plainly in the help."""
    group = typer.main.get_command(app)
    for sub in [group, *getattr(group, "commands", {}).values()]:
        for param in sub.params:
            if isinstance(param, TyperArgument):
                param.__class__ = _PlainArgument
    return group


def main() -> None:
    """Console-script entry point (``planparse``).

    Once the command is done (its outputs written, its connections closed), every object left is
    moved to the collector's permanent generation (``gc.freeze``): the interpreter's teardown then
    frees them by reference count alone instead of tracing them all again in its final collections
    (~50 ms of a one-document run, with pydantic, polars and DuckDB loaded)."""
    try:
        command()()
    finally:
        import gc

        gc.freeze()


if __name__ == "__main__":  # pragma: no cover
    main()
