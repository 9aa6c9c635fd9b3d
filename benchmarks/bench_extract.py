"""Benchmark a whole ``planparse extract`` (interpreter start-up included): wall time, throughput,
peak memory, and how the cost grows with the number of documents.

Run with ``make bench``. Each measurement starts a fresh ``planparse extract`` process (as a user
does) and reads its peak RSS from ``wait4``. Corpora:

* ``raw``        the documents of ``data/raw`` as they are;
* ``raw×N``      the same documents copied N times under new names, each copy made byte-unique by
                 an appended blank line of N spaces (so every copy is parsed; identical copies
                 would be extracted once, see ``dup×50``);
* ``dup×50``     50 byte-identical copies (the duplicate path: hashed, not parsed again).

Prints a Markdown table; ``--json PATH`` also writes the figures. Not part of ``make test``.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RAW = ROOT / "data" / "raw"
PLANPARSE = Path(sys.executable).parent / "planparse"


def build_corpus(folder: Path, copies: int, *, unique: bool) -> tuple[int, int]:
    """Copy data/raw ``copies`` times into ``folder``; return (file count, total bytes)."""
    folder.mkdir(parents=True, exist_ok=True)
    files = sorted(p for p in RAW.iterdir() if p.is_file())
    total = 0
    for n in range(copies):
        for src in files:
            data = src.read_bytes()
            if unique and copies > 1:
                data += b"\n" + b" " * (n + 1)
            dst = folder / f"copy{n:03d}_{src.name}"
            dst.write_bytes(data)
            total += len(data)
    return copies * len(files), total


def run_once(inputs: Path, out: Path) -> tuple[float, int, int]:
    """One ``planparse extract`` process: (wall seconds, peak RSS in KiB, exit code)."""
    shutil.rmtree(out, ignore_errors=True)
    start = time.perf_counter()
    proc = subprocess.Popen([str(PLANPARSE), "extract", str(inputs), "--out", str(out)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _pid, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    return wall, int(usage.ru_maxrss), os.waitstatus_to_exitcode(status)


def measure(name: str, inputs: Path, files: int, size: int, out: Path, repeat: int) -> dict:
    runs = [run_once(inputs, out) for _ in range(repeat)]
    walls = [w for w, _, _ in runs]
    best = min(walls)
    return {
        "corpus": name,
        "files": files,
        "mb": size / 1e6,
        "wall_min_s": best,
        "wall_median_s": statistics.median(walls),
        "mb_per_s": size / 1e6 / best,
        "ms_per_file": 1000 * best / files,
        "peak_rss_mib": max(r for _, r, _ in runs) / 1024,
        "exit_codes": sorted({c for _, _, c in runs}),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=5, help="runs per small corpus (the best is reported)")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON to this path")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="planparse-bench-") as tmp:
        tmpdir = Path(tmp)
        raw_size = sum(p.stat().st_size for p in RAW.iterdir() if p.is_file())
        raw_files = sum(1 for p in RAW.iterdir() if p.is_file())
        results.append(measure("raw", RAW, raw_files, raw_size, tmpdir / "out", args.repeat))
        for copies in (10, 50):
            folder = tmpdir / f"x{copies}"
            files, size = build_corpus(folder, copies, unique=True)
            results.append(measure(f"raw×{copies}", folder, files, size, tmpdir / "out", 1 if copies > 10 else 2))
        folder = tmpdir / "dup"
        files, size = build_corpus(folder, 50, unique=False)
        results.append(measure("dup×50", folder, files, size, tmpdir / "out", 1))
    print(f"python {sys.version.split()[0]}, {os.cpu_count()} CPUs\n")
    print("| corpus | files | MB | wall (best) | MB/s | ms/file | peak RSS |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for r in results:
        print(f"| {r['corpus']} | {r['files']} | {r['mb']:.2f} | {r['wall_min_s']:.2f} s | {r['mb_per_s']:.2f} | "
              f"{r['ms_per_file']:.0f} | {r['peak_rss_mib']:.0f} MiB |")
    base = results[0]
    for r in results[1:3]:
        ratio = r["wall_min_s"] / base["wall_min_s"]
        print(f"\n{r['corpus']}: {ratio:.1f}× the time of raw for {r['files'] / base['files']:.0f}× the documents")
    if any(code != 0 for r in results for code in r["exit_codes"]):
        print("\nwarning: some runs exited non-zero (a document failed to extract)")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(results, indent=2), encoding="utf-8")


if __name__ == "__main__":
    main()
