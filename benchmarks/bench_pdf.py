"""Benchmarks of the PDF (issue 3). Not a test: run by hand, figures go in the notes.

    .venv/bin/python benchmarks/bench_pdf.py [--runs 7] [--batch 250]

1. One FOCUS II filing rendered in-process, warm (target <= 0.3 s), beside the plain table-based
   rendering of the same filing (benchmarks/plain_table.html.j2) measured in the same run.
2. `focusgen build inputs/2020-11.yaml` as a whole process, PDF + text + JSON (target <= 1.0 s),
   beside the plain baseline as a whole process (benchmarks/plain_baseline.py).
3. 250 Daily Seg filings from a folder with `focusgen build` on both cores (target <= 60 s), with
   the workers' peak memory after their first and last filings (memory flat across the batch).
Figures are medians of several runs; this machine is noisy.
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from timing import ROOT, median_time



def make_daily_seg_inputs(folder: Path, n: int) -> None:
    """n Daily Seg inputs: the Credit Suisse example with every ledger line moved a little."""
    import csv
    rows = list(csv.DictReader((ROOT / "inputs" / "daily-seg-2017-12-26.csv").open()))
    head = (ROOT / "inputs" / "daily-seg-2017-12-26.yaml").read_text().split("lines:")[0]
    rnd = random.Random(20171226)
    for i in range(n):
        lines = []
        for row in rows:
            v = int(row["amount"].replace(",", "").replace("(", "-").replace(")", ""))
            step = rnd.randint(0, 1000)
            moved = v + step if v > 0 else v - step if v < 0 else 0      # deduct lines stay <= 0
            lines.append(f"  {row['line']}: {moved}")
        text = head + "lines:\n  7194: \"5%\"\n  7780: \"5%\"\n  8760: \"5%\"\n" + "\n".join(lines) + "\n"
        (folder / f"ds-{i:03d}.yaml").write_text(text)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=7)
    ap.add_argument("--batch", type=int, default=250)
    args = ap.parse_args()

    from plain_baseline import plain_html
    from weasyprint import HTML

    from focusgen.render import pdf as render_pdf
    from focusgen.report.compute import compute
    from focusgen.inputs.load import load_input

    example = ROOT / "inputs" / "2020-11.yaml"
    filing = compute(load_input(example))
    html = plain_html(filing)
    render_pdf.render_pdf(filing)
    HTML(string=html).write_pdf()
    ours = median_time(lambda: render_pdf.render_pdf(filing), args.runs)
    plain = median_time(lambda: HTML(string=html).write_pdf(), args.runs)
    print(f"1. one FOCUS II filing, in-process warm: {ours:.3f} s   plain table baseline: {plain:.3f} s"
          f"   ({plain / ours:.1f}x faster)")

    exe = str(Path(sys.executable).with_name("focusgen"))
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [exe, "build", str(example), "--out", tmp, "--quiet", "--format", "pdf,txt,json"]
        base_cmd = [sys.executable, str(Path(__file__).with_name("plain_baseline.py")), str(example),
                    f"{tmp}/plain.pdf"]
        subprocess.run(cmd, check=True)
        subprocess.run(base_cmd, check=True)
        build = median_time(lambda: subprocess.run(cmd, check=True), args.runs)
        base = median_time(lambda: subprocess.run(base_cmd, check=True), args.runs)
    print(f"2. focusgen build (pdf,txt,json) process: {build:.3f} s   plain baseline process: {base:.3f} s"
          f"   ({base / build:.1f}x faster)")

    if args.batch:
        with tempfile.TemporaryDirectory() as tmp:
            folder = Path(tmp) / "in"
            folder.mkdir()
            make_daily_seg_inputs(folder, args.batch)
            t = time.perf_counter()
            subprocess.run([exe, "build", str(folder), "--out", f"{tmp}/out", "--quiet", "--format", "pdf,txt,json"],
                           check=True)
            elapsed = time.perf_counter() - t
            built = len(list(Path(tmp, "out").glob("*/*.pdf")))
            from focusgen.batch import build_many, expand
            rss: list[int] = []
            build_many(expand([folder])[:120], Path(tmp) / "mem", ("pdf", "txt", "json"), workers=2,
                       progress=lambda o: rss.append(o.max_rss_kb // 1024))
        print(f"3. {built} Daily Seg filings, focusgen build on both cores: {elapsed:.1f} s "
              f"({elapsed / built * 1000:.0f} ms each)")
        print(f"   workers' peak memory (MiB) after every 10th of 120 filings: {rss[::10]}")


if __name__ == "__main__":
    main()
