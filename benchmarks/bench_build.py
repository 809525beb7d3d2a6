"""Benchmarks of whole `focusgen build` processes as filers meet them (issues 12 and 21). Not a test: run
by hand, figures go in the README.

    .venv/bin/python benchmarks/bench_build.py [--runs 9] [--batch 250] [--firms 60] [--batch-runs 3]

Every figure is set beside the plain render (benchmarks/plain_baseline.py: the same filing through a plain
table-based WeasyPrint template, as a whole process) measured in the same interleaved rounds: medians of
the runs and the median of the per-round ratios (wall and CPU). Targets (issue 21):

1. a new period of a firm already built: last month's layout kept, this month's input (a new as-of date,
   new amounts) built with the default outputs: at most 0.15x the plain render;
2. the first build ever, with an empty cache (and no layout key yet): at most 0.8x;
3. a year of one firm's Daily Seg filings (250 distinct business dates) as one `focusgen build FOLDER
   --jobs 2`, from an empty cache: at most 0.03x a plain render per filing, each worker's memory flat;
4. 60 distinct firms' FOCUS II filings on one date, as one `focusgen build FOLDER --jobs 2`, from an empty
   cache (per filing, beside the plain render);
5. the default build of the example, its layout kept (warm): the everyday rebuild.

With --floors, three more processes in the same rounds say what part of a build no change to focusgen's
own work can remove while a build validates its input with pydantic: Python starting (`python -c pass`),
pydantic imported (`from pydantic import BaseModel`), and focusgen's pydantic models imported
(inputs/models.py, report/model.py, report/jsonio.py, with what they import of focusgen).
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from timing import ROOT

EXE = str(Path(sys.executable).with_name("focusgen"))
EXAMPLE = ROOT / "inputs" / "2020-11.yaml"


def run_once(argv: list[str], env: dict) -> tuple[float, float]:
    """(wall, cpu) seconds of one whole process (and its children)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t = time.perf_counter()
    subprocess.run(argv, check=True, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.perf_counter() - t
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def plain_environment() -> dict:
    """The environment of an installed focusgen: its modules' bytecode kept (pip compiles it at install;
    a shell with PYTHONDONTWRITEBYTECODE=1 would have every process compile focusgen's sources again,
    about 0.2 s, while the libraries, the baseline's included, keep theirs)."""
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def environment(cache: Path) -> dict:
    env = {**plain_environment(), "XDG_CACHE_HOME": str(cache), "XDG_STATE_HOME": str(cache / "state")}
    env.pop("FOCUSGEN_NO_CACHE", None)
    return env


def month_inputs(folder: Path, n: int) -> list[Path]:
    """n months of the example firm after November 2020: each its own as-of date, period and amounts."""
    text = EXAMPLE.read_text()
    rnd = random.Random(202011)
    found = []
    for i in range(n):
        year, month = 2020 + (11 + i) // 12, (11 + i) % 12 + 1
        first = date(year, month, 1)
        last = (first.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)
        body = (text.replace("as_of: 2020-11-30", f"as_of: {last}").replace("period_begin: 2020-11-01",
                                                                            f"period_begin: {first}")
                .replace("7010: 1443907046", f"7010: {1443907046 + rnd.randint(-10**7, 10**7)}"))
        path = folder / f"{year}-{month:02d}.yaml"
        path.write_text(body)
        found.append(path)
    return found


def business_days(start: date, n: int) -> list[date]:
    """n business days from `start` (a Daily Seg as of a holiday is refused: not-a-business-day)."""
    from focusgen.calendar import calendar
    cal = calendar()
    days, d = [], cal.on_or_after(start)
    while len(days) < n:
        days.append(d)
        d = cal.following(d)
    return days


def daily_inputs(folder: Path, n: int) -> None:
    """A year of one firm's Daily Seg filings: the Credit Suisse example on n distinct business dates,
    each submitted the next business day, every ledger line moved a little."""
    rows = list(csv.DictReader((ROOT / "inputs" / "daily-seg-2017-12-26.csv").open()))
    head = (ROOT / "inputs" / "daily-seg-2017-12-26.yaml").read_text().split("lines:")[0]
    rnd = random.Random(20171226)
    days = business_days(date(2017, 1, 3), n + 1)
    for i in range(n):
        lines = []
        for row in rows:
            v = int(row["amount"].replace(",", "").replace("(", "-").replace(")", ""))
            step = rnd.randint(0, 1000)
            lines.append(f"  {row['line']}: {v + step if v > 0 else v - step if v < 0 else 0}")
        text = (head.replace("as_of: 2017-12-26", f"as_of: {days[i]}").replace("submit_date: 2017-12-27",
                                                                                f"submit_date: {days[i + 1]}")
                + "lines:\n  7194: \"5%\"\n  7780: \"5%\"\n  8760: \"5%\"\n" + "\n".join(lines) + "\n")
        (folder / f"ds-{days[i]}.yaml").write_text(text)


def firm_inputs(folder: Path, n: int) -> None:
    """n FOCUS II filings of distinct firms on one date: names, file numbers, addresses, contacts."""
    text = EXAMPLE.read_text()
    rnd = random.Random(60)
    words = ["ATLANTIC", "NORTHERN", "MERIDIAN", "HARBOR", "SUMMIT", "PACIFIC", "CAPITAL", "FUTURES", "CLEARING",
             "SECURITIES", "TRUST", "MARKETS", "GLOBAL", "PRIME", "FIRST", "UNITED", "CONTINENTAL", "EMPIRE"]
    for i in range(n):
        name = " ".join(rnd.sample(words, rnd.randint(2, 5))) + rnd.choice([" LLC", " INC.", " L.P.", " CORP."])
        body = (text.replace("name: HSBC SECURITIES (USA) INC.", f"name: {name}", 1)
                .replace("8-41562", f"8-{rnd.randint(10000, 99999)}").replace('"19585"', f'"{rnd.randint(100, 99999)}"')
                .replace("452 FIFTH AVENUE", f"{rnd.randint(1, 999)} {rnd.choice(words)} STREET")
                .replace("STEVEN N LOMBARDO", f"CONTACT {i}"))
        (folder / f"firm-{i:02d}.yaml").write_text(body)


def report(label: str, times: list[tuple[float, float]], base: list[tuple[float, float]], per: int = 1,
           target: float | None = None) -> None:
    wall = statistics.median(t[0] for t in times)
    cpu = statistics.median(t[1] for t in times)
    ratio = statistics.median(a[0] / per / b[0] for a, b in zip(times, base))
    ratio_cpu = statistics.median(a[1] / per / b[1] for a, b in zip(times, base))
    goal = f"  (target <= {target}x)" if target else ""
    each = f", per filing {wall / per * 1000:.0f} ms" if per > 1 else ""
    print(f"{label:<52} wall {wall:7.3f} s  cpu {cpu:7.3f} s{each}   ratio to the plain render"
          f"{' per filing' if per > 1 else ''}: wall {ratio:.3f}x, cpu {ratio_cpu:.3f}x{goal}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=9)
    ap.add_argument("--batch", type=int, default=250)
    ap.add_argument("--firms", type=int, default=60)
    ap.add_argument("--batch-runs", type=int, default=3)
    ap.add_argument("--floors", action="store_true", help="also time Python's start-up and the pydantic "
                    "models' import, in the same rounds")
    args = ap.parse_args()

    # focusgen's bytecode, as an installed copy has it (the libraries' is there already)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "src" / "focusgen"),
                    str(ROOT / "benchmarks")], check=True, env=plain_environment())
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        baseline = [sys.executable, str(ROOT / "benchmarks" / "plain_baseline.py"), str(EXAMPLE), str(tmp / "plain.pdf")]
        warm = tmp / "warm"
        subprocess.run([EXE, "build", str(EXAMPLE), "--out", str(tmp / "prime"), "--quiet"], check=True,
                       env=environment(warm))                         # last month's build keeps the layout
        months = month_inputs(tmp, args.runs + 1)
        names = ["baseline", "new period", "first build ever", "default, warm"]
        floors = {"python start-up": [sys.executable, "-c", "pass"],
                  "pydantic imported (BaseModel)": [sys.executable, "-c", "from pydantic import BaseModel"],
                  "focusgen's pydantic models": [sys.executable, "-c", "import focusgen.inputs.models, "
                                                 "focusgen.report.model, focusgen.report.jsonio"]}
        if args.floors:
            names += list(floors)
        times: dict[str, list] = {n: [] for n in names}
        for i in range(args.runs + 1):                    # round 0 is a warm-up, not counted
            order = names[i % len(names):] + names[:i % len(names)]
            for name in order:
                if name == "baseline":
                    t = run_once(baseline, plain_environment())
                elif name == "new period":
                    t = run_once([EXE, "build", str(months[i]), "--out", str(tmp / "out" / months[i].stem)],
                                 environment(warm))
                elif name in floors:
                    t = run_once(floors[name], {**plain_environment(), "PYTHONPATH": str(ROOT / "src")})
                elif name == "first build ever":
                    t = run_once([EXE, "build", str(EXAMPLE), "--out", str(tmp / "first" / str(i))],
                                 environment(tmp / f"empty-{i}"))
                else:
                    t = run_once([EXE, "build", str(EXAMPLE), "--out", str(tmp / "default")], environment(warm))
                if i:
                    times[name].append(t)
        base = times["baseline"]
        print(f"median of {args.runs} interleaved rounds; the plain render, a whole process: wall "
              f"{statistics.median(t[0] for t in base):.3f} s, cpu {statistics.median(t[1] for t in base):.3f} s")
        report("1. a new period of a firm already built", times["new period"], base, target=0.15)
        report("2. the first build ever (empty cache)", times["first build ever"], base, target=0.8)
        report("5. the default build, its layout kept", times["default, warm"], base)
        for name in floors if args.floors else ():
            report(f"   floor: {name}", times[name], base)

        if not args.batch and not args.firms:
            return
        days, firms = tmp / "days", tmp / "firms"
        days.mkdir()
        firms.mkdir()
        daily_inputs(days, args.batch)
        firm_inputs(firms, args.firms)
        batches = {"days": (days, args.batch), "firms": (firms, args.firms)}
        btimes: dict[str, list] = {"baseline": [], "days": [], "firms": []}
        for i in range(args.batch_runs):
            for name in (["baseline", "days", "firms"] if i % 2 == 0 else ["firms", "days", "baseline"]):
                if name == "baseline":
                    btimes[name].append(run_once(baseline, plain_environment()))
                else:
                    folder, n = batches[name]
                    btimes[name].append(run_once([EXE, "build", str(folder), "--jobs", "2", "--out",
                                                  str(tmp / f"b-{name}-{i}"), "--quiet"],
                                                 environment(tmp / f"bcache-{name}-{i}")))
        report(f"3. {args.batch} Daily Seg of {args.batch} dates, --jobs 2", btimes["days"], btimes["baseline"],
               per=args.batch, target=0.03)
        report(f"4. {args.firms} firms on one date, --jobs 2", btimes["firms"], btimes["baseline"], per=args.firms)

        # the workers' memory over a batch: peak RSS after each worker's first and last filing
        os.environ.update(environment(tmp / "mcache"))
        sys.path.insert(0, str(ROOT / "src"))
        from focusgen.batch import build_many, expand
        seen: dict[int, list[int]] = {}
        build_many(expand([days]), tmp / "memory", ("pdf", "txt", "json"), workers=2,
                   progress=lambda o: seen.setdefault(o.worker, []).append(o.max_rss_kb))
        for pid, rss in sorted(seen.items()):
            print(f"   worker {pid}: {len(rss)} filings, peak RSS after its first {rss[0] / 1024:.1f} MiB, "
                  f"after its last {rss[-1] / 1024:.1f} MiB")


if __name__ == "__main__":
    main()
