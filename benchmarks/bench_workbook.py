"""Benchmark of workbook inputs (issue 13). Not a test: run by hand, figures go in the notes.

    .venv/bin/python benchmarks/bench_workbook.py [--runs 5] [--rows 100000]

A trial balance of 100,000 accounts in 5 currencies (USD, EUR, GBP, JPY, CAD), as a workbook and as
the same rows in CSV, each mapped to Daily Seg lines by ranges and built to text and JSON by the
`focusgen build` process (target: the workbook in at most 5 s). The two are run interleaved (workbook,
CSV, workbook, CSV, ...) and each figure is the median; the ratio is against the CSV of the same run.
Wall time is the target; the processes' CPU time (user + system) is printed beside it, as the machine
is shared and a busy one stretches wall time alone.
"""

from __future__ import annotations

import argparse
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from timing import ROOT

sys.path.insert(0, str(ROOT / "tests"))

RATES = {"EUR": "1.1933", "GBP": "1.3327", "JPY": "0.009591", "CAD": "0.76998"}
LINES = ["7010", "7020", "7030", "7070", "7090", "7100", "7120", "7130", "7150", "7170"]


def make(folder: Path, rows: int) -> tuple[Path, Path]:
    from xlsxmake import Num, write_book
    rnd = random.Random(13)
    currencies = ["USD", *RATES]
    accounts = []
    for i in range(rows):
        line = LINES[i % len(LINES)]
        account = f"{line}{i:07d}"
        amount = f"{rnd.randint(0, 10**9)}.{rnd.randint(0, 99):02d}"
        accounts.append((account, amount, f"account {i}", currencies[i % len(currencies)]))
    cells: dict[str, object] = {"A1": "account", "B1": "amount", "C1": "description", "D1": "currency"}
    for r, (a, m, d, c) in enumerate(accounts, 2):
        cells.update({f"A{r}": a, f"B{r}": Num(m), f"C{r}": d, f"D{r}": c})
    write_book(folder / "tb.xlsx", {"TB": cells})
    (folder / "tb.csv").write_text("account,amount,description,currency\n"
                                   + "".join(f"{a},{m},{d},{c}\n" for a, m, d, c in accounts))
    mapping = "accounts:\n" + "".join(f'  - {{range: ["{ln}0000000", "{ln}9999999"], line: {ln}}}\n'
                                      for ln in LINES)
    (folder / "map.yaml").write_text(mapping)
    head = ("report: daily-seg\nas_of: 2020-11-30\nfirm: {name: BENCH FCM}\nmapping: map.yaml\n"
            "fx: {" + ", ".join(f'{c}: "{r}"' for c, r in RATES.items()) + ", as_of: 2020-11-30}\n"
            "lines: {7194: 0, 7780: 0, 8760: 0}\n")
    xlsx, csv = folder / "xlsx.yaml", folder / "csv.yaml"
    xlsx.write_text(head + "trial_balance: tb.xlsx\n")
    csv.write_text(head + "trial_balance: tb.csv\n")
    return xlsx, csv


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--rows", type=int, default=100_000)
    args = ap.parse_args()
    exe = str(Path(sys.executable).with_name("focusgen"))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        xlsx, csv = make(folder, args.rows)
        print(f"{args.rows:,} rows: workbook {(folder / 'tb.xlsx').stat().st_size:,} bytes, "
              f"CSV {(folder / 'tb.csv').stat().st_size:,} bytes")
        times: dict[str, list[float]] = {"workbook": [], "csv": []}
        cpu: dict[str, list[float]] = {"workbook": [], "csv": []}
        outputs = {}
        for _ in range(args.runs):
            for name, source in (("workbook", xlsx), ("csv", csv)):
                out = folder / f"out-{name}"
                before = resource.getrusage(resource.RUSAGE_CHILDREN)
                t = time.perf_counter()
                subprocess.run([exe, "build", str(source), "--format", "txt,json", "--out", str(out),
                                "--quiet"], check=True)
                times[name].append(time.perf_counter() - t)
                after = resource.getrusage(resource.RUSAGE_CHILDREN)
                cpu[name].append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
                outputs[name] = (out / f"{source.stem}.txt").read_text()
        wb, cv = statistics.median(times["workbook"]), statistics.median(times["csv"])
        same = outputs["workbook"].replace("xlsx", "").replace("csv", "") == \
            outputs["csv"].replace("xlsx", "").replace("csv", "")
        print(f"workbook: {wb:.2f} s (target <= 5 s)   CSV: {cv:.2f} s   ratio {wb / cv:.2f}x   "
              f"(medians of {args.runs} interleaved runs; same text output: {same})")
        print(f"CPU time: workbook {statistics.median(cpu['workbook']):.2f} s   "
              f"CSV {statistics.median(cpu['csv']):.2f} s")


if __name__ == "__main__":
    main()
