"""Benchmark whole ``planparse extract`` processes (interpreter start-up included) and print the
scale figures of issue 11 as ratios measured in one run, on this machine, against two references:

* the **floor**: a fresh Python process that reads the same files and runs one regex over them;
* the **imports**: a fresh Python process that imports duckdb and polars.

Figures (each run is a fresh process, as a user starts it; the best of ``--repeat`` runs):

* full run on ``raw×N`` (the documents of ``data/raw`` copied N times, each copy made byte-unique by
  an appended line of spaces, so every copy is parsed): default ``--jobs`` and ``--jobs 1``;
  × the floor, MB/s, MB/s per core, and the ``--jobs`` speed-up;
* incremental: one more byte-unique file added (the small Koganei plan; then, instead, the largest
  document, the Hachioji action plan), run again into the same ``--out``: × the full run;
* one small document (Koganei, 43 KB) into a fresh ``--out``: × the imports;
* identical copies (``dup×50``): hashed, extracted once;
* with ``--baseline PATH`` (the ``planparse`` executable of another installation, e.g. the code at
  the time issue 11 was filed), that installation's full run on the same corpus into a fresh
  ``--out`` (plain ``extract``: no ``--full`` / ``--jobs``, which older versions lack), and the
  per-core throughput ratio: our ``--jobs 1`` MB/s over its MB/s, by wall and by CPU time.

Bytecode: every timed process reads its modules' compiled bytecode, as an installed package does
(pip compiles it at install), from a cache folder of the run (``PYTHONPYCACHEPREFIX``; filled by
untimed warm-up runs; ``PYTHONDONTWRITEBYTECODE`` is dropped for the child processes), so an
environment that forbids ``__pycache__`` does not add the compilation of planparse's sources
(~50 ms CPU) to every process; ``--source-bytecode`` keeps the caller's environment instead.
Peak RSS is read from ``wait4``. Run with ``make bench`` (``--copies``, ``--repeat``, ``--json``, ``--baseline``;
``make bench BASELINE=PATH``).
Not part of ``make test``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data" / "raw"
PLANPARSE = Path(sys.executable).parent / "planparse"
SMALL = RAW / "koganei_dx_action_plan_2026.md"
LARGE = RAW / "hachioji_dx_action_plan_2025.txt"

FLOOR = """
import re, sys
from pathlib import Path
pattern = re.compile(r"令和\\s*\\d+\\s*年度")
found = 0
for path in sorted(Path(sys.argv[1]).iterdir()):
    found += len(pattern.findall(path.read_bytes().decode("utf-8")))
print(found)
"""


def build_corpus(folder: Path, copies: int, *, unique: bool, start: int = 0) -> tuple[int, int]:
    """Copy data/raw ``copies`` times into ``folder`` (copy numbers from ``start``); return (files, bytes)."""
    folder.mkdir(parents=True, exist_ok=True)
    files = sorted(p for p in RAW.iterdir() if p.is_file())
    total = 0
    for n in range(start, start + copies):
        for src in files:
            data = src.read_bytes()
            if unique:
                data += b"\n" + b" " * (n + 1)
            dst = folder / f"copy{n:04d}_{src.name}"
            dst.write_bytes(data)
            total += len(data)
    return copies * len(files), total


ENV: dict[str, str] | None = None  # the child processes' environment (None: this process's)


def timed(cmd: list[str]) -> tuple[float, float, int, int]:
    """One process: (wall seconds, CPU seconds of it and its worker processes, peak RSS in KiB,
    exit code)."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=ENV)
    _pid, status, usage = os.wait4(proc.pid, 0)
    cpu = usage.ru_utime + usage.ru_stime
    return time.perf_counter() - start, cpu, int(usage.ru_maxrss), os.waitstatus_to_exitcode(status)


def best(cmd: list[str], repeat: int, before=None) -> dict:
    """Best wall time (and CPU time) of ``repeat`` runs of ``cmd`` (``before()`` runs untimed before each)."""
    runs = []
    for _ in range(repeat):
        if before:
            before()
        runs.append(timed(cmd))
    return {"wall_s": min(r[0] for r in runs), "cpu_s": min(r[1] for r in runs),
            "peak_rss_mib": max(r[2] for r in runs) / 1024, "exit_codes": sorted({r[3] for r in runs})}


def extract_cmd(inputs: Path, out: Path, *extra: str, planparse: Path = PLANPARSE) -> list[str]:
    return [str(planparse), "extract", str(inputs), "--out", str(out), *extra]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=20, help="copies of data/raw in the scale corpus (20: 100 files, 11 MB)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement (the best is reported)")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON to this path")
    parser.add_argument("--baseline", type=Path, metavar="PATH",
                        help="a planparse executable of another installation: also time its full run on the same "
                             "corpus and print the per-core throughput ratio (our --jobs 1 over it)")
    parser.add_argument("--source-bytecode", action="store_true",
                        help="keep the caller's environment (e.g. PYTHONDONTWRITEBYTECODE: planparse compiled from "
                             "source in every process) instead of a bytecode cache for the timed processes")
    args = parser.parse_args()
    if args.baseline is not None and not os.access(args.baseline, os.X_OK):
        parser.error(f"--baseline {args.baseline}: not an executable")
    cores = len(os.sched_getaffinity(0))
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="planparse-bench-") as tmp:
        tmpdir = Path(tmp)
        global ENV
        if not args.source_bytecode:  # bytecode compiled once (warm-up below), as in an installed package
            ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
            ENV["PYTHONPYCACHEPREFIX"] = str(tmpdir / "pycache")
            warm = [[sys.executable, "-c", "import duckdb, polars"], extract_cmd(RAW, tmpdir / "warm")]
            if args.baseline is not None:
                warm.append(extract_cmd(RAW, tmpdir / "warm-baseline", planparse=args.baseline))
            for cmd in warm:
                subprocess.run(cmd, check=False, capture_output=True, env=ENV)
        corpus = tmpdir / f"x{args.copies}"
        files, size = build_corpus(corpus, args.copies, unique=True)
        out = tmpdir / "out"
        fresh = lambda: shutil.rmtree(out, ignore_errors=True)  # noqa: E731

        results["floor"] = best([sys.executable, "-c", FLOOR, str(corpus)], args.repeat)
        results["imports"] = best([sys.executable, "-c", "import duckdb, polars"], max(5, args.repeat))
        results["small"] = best(extract_cmd(SMALL, out), max(5, args.repeat), before=fresh)
        results["full"] = best(extract_cmd(corpus, out, "--full"), args.repeat, before=fresh)
        results["full_jobs1"] = best(extract_cmd(corpus, out, "--full", "--jobs", "1"), args.repeat, before=fresh)

        def add_one() -> None:  # the corpus as extracted, plus one new byte-unique file
            for extra in corpus.glob("added_*"):
                extra.unlink()
            fresh()
            subprocess.run(extract_cmd(corpus, out), check=False, capture_output=True, env=ENV)
            (corpus / "added_koganei.md").write_bytes(SMALL.read_bytes() + b"\n" + b" " * (args.copies + 1))

        results["incremental"] = best(extract_cmd(corpus, out), args.repeat, before=add_one)

        def add_large() -> None:  # the same, with the largest document (the Hachioji action plan) added
            add_one()
            (corpus / "added_koganei.md").unlink()
            (corpus / "added_large.txt").write_bytes(LARGE.read_bytes() + b"\n" + b" " * (args.copies + 1))

        results["incremental_large"] = best(extract_cmd(corpus, out), args.repeat, before=add_large)
        for extra in corpus.glob("added_*"):
            extra.unlink()
        dup = tmpdir / "dup"
        build_corpus(dup, 50, unique=False)
        results["dup50"] = best(extract_cmd(dup, out), 1, before=fresh)
        if args.baseline is not None:  # its own fresh --out: an older cache layout must not meet ours
            base_out = tmpdir / "baseline-out"
            results["baseline"] = best(extract_cmd(corpus, base_out, planparse=args.baseline), args.repeat,
                                       before=lambda: shutil.rmtree(base_out, ignore_errors=True))

    floor, imports = results["floor"]["wall_s"], results["imports"]["wall_s"]
    full, jobs1 = results["full"]["wall_s"], results["full_jobs1"]["wall_s"]
    mb = size / 1e6
    print(f"python {sys.version.split()[0]}, {cores} CPUs; corpus raw×{args.copies}: {files} files, {mb:.1f} MB\n")
    load = os.getloadavg()[0]
    print(f"load average {load:.1f} (other processes share the CPUs: wall times grow, CPU times less)")
    print("bytecode: " + ("as the caller's environment gives it (--source-bytecode)\n" if args.source_bytecode else
                          "compiled once, read from a cache (PYTHONPYCACHEPREFIX), as in an installed package\n"))
    print("| run | wall (best) | CPU (best) | peak RSS |")
    print("|---|---:|---:|---:|")
    labels = {"floor": "floor: read + one regex", "imports": "import duckdb, polars",
              "small": "one small document (Koganei, 43 KB)", "full": f"full run, --jobs {cores} (default)",
              "full_jobs1": "full run, --jobs 1", "incremental": "one file added (Koganei), run again",
              "incremental_large": "one large file added (Hachioji action plan), run again",
              "dup50": "50 identical copies", "baseline": f"baseline full run ({args.baseline})"}
    for key, label in labels.items():
        if key not in results:
            continue
        r = results[key]
        print(f"| {label} | {r['wall_s']:.2f} s | {r['cpu_s']:.2f} s | {r['peak_rss_mib']:.0f} MiB |")
    print()
    print(f"full run:        {full / floor:5.1f}× the floor   ({mb / full:.2f} MB/s, {mb / full / cores:.2f} MB/s per core)")
    print(f"full, --jobs 1:  {jobs1 / floor:5.1f}× the floor   ({mb / jobs1:.2f} MB/s on one core)")
    print(f"--jobs {cores} speed-up: {jobs1 / full:4.2f}×")
    print(f"incremental:     {results['incremental']['wall_s'] / full:5.2f} of the full run "
          f"({results['incremental_large']['wall_s'] / full:.2f} with the largest document added)")
    print(f"small document:  {results['small']['wall_s'] / imports:5.2f}× the imports")
    cpu = {k: r["cpu_s"] for k, r in results.items()}
    print(f"\nby CPU time: full run {cpu['full_jobs1'] / cpu['floor']:.1f}× the floor's, --jobs {cores} "
          f"adds {cpu['full'] / cpu['full_jobs1'] - 1:+.0%} CPU, incremental {cpu['incremental'] / cpu['full']:.2f} "
          f"of the full run, small document {cpu['small'] / cpu['imports']:.2f}× the imports")
    ratios = {"full_vs_floor": full / floor, "jobs1_vs_floor": jobs1 / floor, "jobs_speedup": jobs1 / full,
              "incremental_vs_full": results["incremental"]["wall_s"] / full,
              "incremental_large_vs_full": results["incremental_large"]["wall_s"] / full,
              "small_vs_imports": results["small"]["wall_s"] / imports}
    if "baseline" in results:
        base = results["baseline"]
        ratios["per_core_vs_baseline"] = base["wall_s"] / jobs1
        ratios["per_core_vs_baseline_cpu"] = base["cpu_s"] / cpu["full_jobs1"]
        print(f"\nper core against the baseline: --jobs 1 {mb / jobs1:.2f} MB/s vs {mb / base['wall_s']:.2f} MB/s "
              f"(wall): {ratios['per_core_vs_baseline']:.2f}×; by CPU time {mb / cpu['full_jobs1']:.2f} vs "
              f"{mb / base['cpu_s']:.2f} MB per CPU second: {ratios['per_core_vs_baseline_cpu']:.2f}×")
    if any(code != 0 for r in results.values() for code in r["exit_codes"]):
        print("\nwarning: some runs exited non-zero (a document failed to extract)")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        summary = {"files": files, "mb": mb, "cores": cores, "runs": results, "ratios": ratios}
        summary["bytecode"] = "source" if args.source_bytecode else "cached"
        if args.baseline is not None:
            summary["baseline"] = str(args.baseline)
        args.json.write_text(json.dumps(summary, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
