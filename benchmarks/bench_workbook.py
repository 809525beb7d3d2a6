"""Benchmark of workbook inputs (issue 13). Not a test: run by hand, figures go in the notes.

    .venv/bin/python benchmarks/bench_workbook.py [--runs 5] [--rows 100000]

A trial balance of 100,000 accounts in 5 currencies (USD, EUR, GBP, JPY, CAD), as a workbook and as
the same rows in CSV, each mapped to Daily Seg lines by ranges and built to text and JSON by the
`focusgen build` process (target: the workbook in at most 5 s). A third source is the same workbook
with one merged range beside the table, so its sheet is read with the merged-ranges pass (an expat pass
from the first `mergeCell` on; without one, the inflated part is only searched for the word). The
three are run interleaved (workbook, merged, CSV, workbook, ...), each figure is the median, the ratios
are against the CSV of the same run, and each process's peak memory is printed. Wall time is the
target; the processes' CPU time (user + system) is printed beside it, as the machine is shared and a
busy one stretches wall time alone.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
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
    with zipfile.ZipFile(folder / "tb.xlsx") as src, zipfile.ZipFile(folder / "tb-merged.xlsx", "w",
                                                                     zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = src.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"</sheetData>", b'</sheetData><mergeCells><mergeCell ref="F1:G1"/></mergeCells>')
            dst.writestr(item, data)
    xlsx, merged, csv = folder / "xlsx.yaml", folder / "merged.yaml", folder / "csv.yaml"
    xlsx.write_text(head + "trial_balance: tb.xlsx\n")
    merged.write_text(head + "trial_balance: tb-merged.xlsx\n")
    csv.write_text(head + "trial_balance: tb.csv\n")
    return xlsx, merged, csv


# `focusgen build` as its console script runs it, then the process's own peak resident memory (VmHWM:
# ru_maxrss would count this process's, from before the exec).
BUILD = """import sys
from focusgen.cli import main
status = main(sys.argv[1:])
print("peak_kib", open("/proc/self/status").read().split("VmHWM:")[1].split()[0], file=sys.stderr)
sys.exit(status)
"""


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--rows", type=int, default=100_000)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        xlsx, merged, csv = make(folder, args.rows)
        print(f"{args.rows:,} rows: workbook {(folder / 'tb.xlsx').stat().st_size:,} bytes, "
              f"CSV {(folder / 'tb.csv').stat().st_size:,} bytes")
        sources = {"workbook": xlsx, "merged": merged, "csv": csv}
        times: dict[str, list[float]] = {name: [] for name in sources}
        cpu: dict[str, list[float]] = {name: [] for name in sources}
        peak: dict[str, list[float]] = {name: [] for name in sources}
        outputs = {}
        for _ in range(args.runs):
            for name, source in sources.items():
                out = folder / f"out-{name}"
                t = time.perf_counter()
                proc = subprocess.Popen([sys.executable, "-c", BUILD, "build", str(source), "--format", "txt,json",
                                         "--out", str(out), "--quiet"], stderr=subprocess.PIPE, text=True)
                err = proc.stderr.read()
                _, status, usage = os.wait4(proc.pid, 0)
                times[name].append(time.perf_counter() - t)
                assert os.waitstatus_to_exitcode(status) == 0, err
                cpu[name].append(usage.ru_utime + usage.ru_stime)
                peak[name].append(int(err.split("peak_kib")[1]) / 1024)
                outputs[name] = (out / f"{source.stem}.txt").read_text()
        med = {name: statistics.median(times[name]) for name in sources}
        plain = {name: text.replace(sources[name].stem, "") for name, text in outputs.items()}
        same = plain["workbook"] == plain["csv"] == plain["merged"]
        print(f"workbook: {med['workbook']:.2f} s (target <= 5 s)   with a merged range: {med['merged']:.2f} s   "
              f"CSV: {med['csv']:.2f} s   ratios {med['workbook'] / med['csv']:.2f}x, "
              f"{med['merged'] / med['csv']:.2f}x   (medians of {args.runs} interleaved runs; "
              f"same text output: {same})")
        print("CPU time: " + "   ".join(f"{name} {statistics.median(cpu[name]):.2f} s" for name in sources))
        print("peak memory: " + "   ".join(f"{name} {statistics.median(peak[name]):.0f} MiB" for name in sources))


if __name__ == "__main__":
    main()
