"""Benchmark the PDF ingest against plain readers on the same replica PDFs, in one run.

For each replica (``tests/replicas.py``: the seeds drawn as PDFs) this measures pages per second of

* ``planparse``: our ingest (``ingest.load_bytes``: pdfminer characters → text boxes → reading
  order, pdfplumber tables on pages that draw lines), what ``planparse extract`` runs;
* ``pdfplumber``: ``page.extract_text()`` on every page (lines, no boxes: what ingest did before);
* ``pdfminer``: ``extract_pages`` with pdfminer's own layout analysis (``LAParams()``);
* ``pypdfium2``: ``get_textpage().get_text_range()`` (PDFium; text only: no boxes, and it drops
  leading and doubled spaces, so it cannot feed the parsers as it is).

Each reader runs ``--repeat`` times in turn and the best time counts, so all figures come from the
same machine state. Prints a Markdown table and the ratio of ours to plain pdfplumber. Not part of
``make test``; run with ``make bench``.
"""

from __future__ import annotations

import argparse
import io
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.replicas import replica_pdf  # noqa: E402

from planparse.ingest import load_bytes  # noqa: E402

RAW = ROOT / "data" / "raw"


def ours(data: bytes) -> None:
    load_bytes(data, path="bench.pdf")


def plain_pdfplumber(data: bytes) -> None:
    import pdfplumber

    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            page.extract_text()


def pdfminer_layout(data: bytes) -> None:
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LAParams

    for _ in extract_pages(io.BytesIO(data), laparams=LAParams()):
        pass


def pypdfium2_text(data: bytes) -> None:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    for page in pdf:
        page.get_textpage().get_text_range()
    pdf.close()


READERS: dict[str, Callable[[bytes], None]] = {
    "planparse": ours, "pdfplumber": plain_pdfplumber, "pdfminer": pdfminer_layout, "pypdfium2": pypdfium2_text,
}


def best_seconds(fn: Callable[[bytes], None], data: bytes, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn(data)
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    cases = [("hachioji_dx_action_plan_2025.txt", "flow"), ("hachioji_dx_plan_2022.txt", "two_column"),
             ("akishima_digital_plan_midterm_2024.txt", "flow"), ("musashino_info_plan7_progress.md", "a3_tables")]
    print("| replica | kind | pages | " + " | ".join(f"{r} pages/s" for r in READERS) + " | ours ÷ pdfplumber |")
    print("|---|---|---:|" + "---:|" * len(READERS) + "---:|")
    for name, layout in cases:
        data = replica_pdf((RAW / name).read_text(encoding="utf-8"), layout)
        pages = load_bytes(data, path="bench.pdf").page_count or 1
        rates = {r: pages / best_seconds(fn, data, args.repeat) for r, fn in READERS.items()}
        kind = "tables" if layout == "a3_tables" else "text"
        cells = " | ".join(f"{rates[r]:.0f}" for r in READERS)
        print(f"| {name} ({layout}) | {kind} | {pages} | {cells} | {rates['planparse'] / rates['pdfplumber']:.2f}× |")


if __name__ == "__main__":
    main()
