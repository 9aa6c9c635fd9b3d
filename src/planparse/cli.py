"""The ``planparse`` command line (typer): a thin layer over ``pipeline``, ``check`` and ``golden``.

Commands: ``extract``, ``detect``, ``check``, ``golden``, ``schema``. Exit codes: 0 success,
1 a file failed (or a self-check disagreed), 2 usage or output errors. No traceback reaches the
user for bad input; ``--verbose`` shows parser tracebacks (bugs).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

app = typer.Typer(
    add_completion=False,
    no_args_is_help=True,
    help="Turn municipal DX / IT plan documents (PDF, text, Markdown) into one dataset (Parquet + DuckDB).",
)
console = Console(highlight=False, soft_wrap=True)
err_console = Console(stderr=True, highlight=False)

_DEFAULT_RAW = Path("data/raw")
_DEFAULT_OUT = Path("data/out")
_TABLE_ORDER = ("policies", "measures", "initiatives", "annual_entries", "kpi_values", "glossary_terms",
                "document_figures")
_SHORT = {"annual_entries": "annual", "kpi_values": "kpi", "glossary_terms": "glossary",
          "document_figures": "figures"}

PathsArg = Annotated[
    list[Path] | None,
    typer.Argument(help="Files or folders to read (folders are walked recursively). Default: data/raw."),
]
OutOpt = Annotated[Path, typer.Option("--out", "-o", help="Output folder for the Parquet files and planparse.duckdb.")]


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
) -> None:
    """Extract every file into OUT: one Parquet file per table and planparse.duckdb.

    Incremental: files whose bytes and whose format's parser version are unchanged since the last
    run into OUT are reused from OUT/cache, not parsed again (--full extracts everything). Prints
    one line per file (format, record counts, issue counts; "cached" when reused). Exits 1 when any
    file failed (the others are still written), 2 when the outputs could not be written or the
    scheduler cannot be reached.
    """
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from planparse.pipeline import extract as run_extract

    inputs = paths or [_DEFAULT_RAW]
    missing = [p for p in inputs if not p.exists()]
    if missing and len(missing) == len(inputs):
        err_console.print(f"[red]error:[/] no such file or folder: {', '.join(escape(str(p)) for p in missing)}")
        raise typer.Exit(2)
    # auto_refresh=False: no refresh thread, which worker processes forked by --jobs would inherit
    progress = Progress(TextColumn("[bold]extract"), BarColumn(), MofNCompleteColumn(),
                        TextColumn("{task.description}"), TimeElapsedColumn(),
                        console=err_console, transient=True, auto_refresh=False)
    with progress:
        task = progress.add_task("", total=None)

        def on_file(path: Path, index: int, total: int) -> None:
            progress.update(task, total=total, completed=index, description=escape(path.name))
            progress.refresh()

        try:
            run = run_extract(inputs, out, on_file=on_file, jobs=jobs, scheduler=scheduler, full=full,
                              all_issues=verbose)
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
    for result in run.files:
        _print_file(result, verbose)
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


def _print_file(result, verbose: bool) -> None:
    name = escape(Path(result.path).name)
    if result.duplicate_of:
        console.print(f"[dim]=[/] {name}  duplicate of {escape(Path(result.duplicate_of).name)} (extracted once)")
        return
    counts = result.counts
    parts = [f"{_SHORT.get(t, t)} {counts[t]}" for t in _TABLE_ORDER if t in counts]
    fmt = result.document.format or "unknown"
    issues = f"{result.error_count} errors, {result.warning_count} warnings"
    mark = "[red]✗[/]" if result.failed else "[green]✓[/]"
    cached = "  [dim]cached[/]" if result.cached else ""
    console.print(f"{mark} {name}  {fmt}  {' · '.join(parts) or 'no records'}  ({issues}){cached}")
    shown = [i for i in result.issues if verbose or i.severity == "error"]
    for issue in shown[: None if verbose else 3]:
        where = f" (line {issue.source_line})" if issue.source_line else ""
        color = "red" if issue.severity == "error" else "yellow"
        console.print(f"    [{color}]{issue.severity}[/] {issue.code}{where}: {escape(issue.message)}")
    if not verbose and len(shown) > 3:
        console.print(f"    … {len(shown) - 3} more errors (see extraction_issues)")
    if verbose and result.error_detail:
        err_console.print(escape(result.error_detail))


@app.command()
def detect(
    paths: Annotated[list[Path], typer.Argument(help="Files or folders to inspect.")],
) -> None:
    """Print the detected format and its confidence for each file (content only, never the name).

    Exits 1 when a file cannot be read or no format is recognised.
    """
    from planparse.detect import detect as run_detect
    from planparse.ingest import IngestError, load
    from planparse.pipeline import collect_inputs

    bad = 0
    for path in collect_inputs(paths):
        try:
            doc = load(path)
        except IngestError as exc:
            console.print(f"{escape(str(path))}  [red]error[/] {exc.code}: {escape(exc.message)}")
            bad += 1
            continue
        d = run_detect(doc)
        runner_up = next(((n, s) for n, s in d.scores if n != d.format), None) if d.format else None
        if d.format:
            extra = f"  (next: {runner_up[0]} {runner_up[1]:.2f})" if runner_up else ""
            console.print(f"{escape(str(path))}  {d.format}  confidence {d.confidence:.2f}{extra}")
        else:
            bad += 1
            console.print(f"{escape(str(path))}  [red]unknown_format[/]  best {d.scores[0][0]} {d.confidence:.2f}")
    raise typer.Exit(1 if bad else 0)


@app.command()
def check(out: OutOpt = _DEFAULT_OUT) -> None:
    """Compare what each document states about itself with what was extracted (reads OUT).

    Prints, per document that states figures, the stated and the computed value side by side,
    then the document's self-check warnings (codes ``figure_mismatch`` and ``check_*``).
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
    paths: PathsArg = None,
    fixtures: Annotated[Path, typer.Option(help="Folder of the golden fixtures.")] = Path("tests/fixtures"),
) -> None:
    """Regenerate the golden fixtures (tests/fixtures/<format>/<file>.json) from the raw files.

    Review the diff (git diff tests/fixtures) before committing: fixtures are reviewed data.
    """
    from planparse.golden import write_fixture
    from planparse.pipeline import collect_inputs, extract_file

    failed = 0
    for path in collect_inputs(paths or [_DEFAULT_RAW]):
        result = extract_file(path)
        if result.document.format is None or result.failed:
            failed += 1
            console.print(f"[red]✗[/] {escape(str(path))}: not extracted, no fixture written")
            continue
        console.print(f"wrote {escape(str(write_fixture(fixtures, result)))}")
    raise typer.Exit(1 if failed else 0)


@app.command()
def schema(
    output: Annotated[Path, typer.Option("--output", "-o", help="Where to write the JSON Schema ('-' = stdout).")]
    = Path("schemas/planparse.schema.json"),
) -> None:
    """Write the JSON Schema of all tables (generated from the models; CI checks it is current)."""
    from planparse.schemas.common import json_schema

    text = json.dumps(json_schema(), ensure_ascii=False, indent=2) + "\n"
    if str(output) == "-":
        console.print(text, markup=False, end="")
        return
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(text, encoding="utf-8")
    console.print(f"wrote {escape(str(output))}")


if __name__ == "__main__":  # pragma: no cover
    app()
