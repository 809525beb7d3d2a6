"""The focusgen command line: `focusgen build INPUT [--out DIR] [--format txt,json] [--meta YAML]`.

Exit status: 0 built; 2 the input has problems (all printed, nothing written)."""

from __future__ import annotations

import argparse
import gc
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from . import __version__
from .problems import InputProblems, Problem, near_codes, quote
from .render import terminal

if TYPE_CHECKING:
    from rich.console import Console

FORMATS = ("pdf", "txt", "json", "review", "public")
# The filing itself. The review pack is for reviewing a period against earlier ones: it is written by
# default when the build has a --prior or --history to review against (README, "Building a filing").
# The public copy only with --public.
DEFAULT_FORMATS = ("pdf", "txt", "json")
# Exit statuses (README, "Exit status"): 0 done; 1 `check`/`verify`/`diff --exit-code` found a difference,
# `build --fail-on-alert` an alert; 2 an input or option cannot be used (nothing written); 130 Ctrl-C.
ALERT_STATUS = 1


def _formats(text: str) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(f.strip().lower() for f in text.split(",") if f.strip()))
    bad = [f for f in chosen if f not in FORMATS]
    if bad or not chosen:
        from .problems import did_you_mean
        near = did_you_mean(bad[0], FORMATS)[2:] if bad else ""
        raise argparse.ArgumentTypeError(f"unknown format {quote(', '.join(bad)) if bad else quote(text)}"
                                         f"{f' ({near})' if near else ''}; choose from {','.join(FORMATS)}")
    return chosen


class _Parser(argparse.ArgumentParser):
    """argparse, whose errors say the nearest command or option to a misspelt one, with the values its
    own errors quote (an unknown choice, an invalid number) cut."""
    commands: dict[str, argparse.ArgumentParser] = {}
    argv: list[str] = []

    def error(self, message: str):
        import re
        from .problems import clip, did_you_mean
        hint = ""
        choice = re.search(r"invalid choice: '([^']*)' \(choose from (.*)\)", message)
        if choice:
            hint = did_you_mean(choice.group(1), re.findall(r"'([^']*)'", choice.group(2)))
        command = next((a for a in self.argv if a in self.commands), None)
        # the options as the command's own help lists them (argparse has no public list of them)
        known = set(re.findall(r"--[a-z][a-z-]*", (self.commands.get(command) or self).format_help()))
        given = [a.split("=")[0] for a in self.argv if a.startswith("--") and a.split("=")[0] not in known]
        hints = [f"{a}: {h[2:]}" for a, h in ((a, did_you_mean(a, known)) for a in dict.fromkeys(given)) if h]
        if hints:
            hint += "; " + "; ".join(hints)
        super().error(clip(message + hint, 400))


def _build_options(b: argparse.ArgumentParser) -> None:
    b.add_argument("input", type=Path, nargs="+",
                   help="a filing input (.yaml), ledger balances (.csv with --meta), several inputs or a folder")
    b.add_argument("--out", type=Path, help="output folder (default: output/<input stem>/; with several "
                   "inputs, each goes to OUT/<input stem>/)")
    b.add_argument("--jobs", type=int, help="parallel builds for several inputs (default: the number of cores)")
    b.add_argument("--meta", type=Path, help="YAML with report, as_of and firm, for a CSV input")
    b.add_argument("--format", type=_formats, default=None,
                   help=f"comma-separated outputs among {','.join(FORMATS)} (default: {','.join(DEFAULT_FORMATS)}, "
                        "and review with --prior or --history)")
    b.add_argument("--prior", type=Path, help="the prior period (input, built JSON or a filed PDF/text): "
                   "adds the variance and the capital-drop alert")
    b.add_argument("--history", type=Path, help="a folder of earlier built JSONs, for the review pack's charts")
    b.add_argument("--public", action="store_true", help="also the public copy <stem>-public.pdf: the filing "
                   "PDF without the audit footer, for posting under Regulation 1.55(o)")
    b.add_argument("--quiet", action="store_true", help="no summary on the terminal")
    b.add_argument("--verbose", action="store_true", help="list each alert not checked for want of its inputs")
    b.add_argument("--fail-on-alert", action="store_true",
                   help=f"exit with status {ALERT_STATUS} when a regulatory alert fires (the outputs are still "
                        "written), so a scheduled run can page someone")
    b.add_argument("--no-cache", action="store_true", help="do not keep or reuse form layouts in the cache "
                   "folder (the same bytes either way; see README)")
    b.add_argument("--allow-outside-paths", action="store_true",
                   help="let an input name ledger, trial balance and mapping files outside its own folder")


def _init_options(i: argparse.ArgumentParser) -> None:
    i.add_argument("folder", type=Path, nargs="?", default=Path("."),
                   help="where to write them (default: the current folder; made if missing; never overwritten)")
    i.add_argument("--report", choices=("focus-ii", "daily-seg"), default="focus-ii",
                   help="the report kind (default: focus-ii)")


def _parser() -> argparse.ArgumentParser:
    p = _Parser(prog="focusgen", description="CFTC FOCUS II and Daily Seg filings from ledger balances.")
    p.add_argument("--version", action="version", version=f"focusgen {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    _build_options(sub.add_parser("build", help="compute a filing and write its outputs"))

    d = sub.add_parser("diff", help="every line that moved against a prior period, largest first")
    d.add_argument("current", type=Path, help="an input, a built JSON or a filed PDF/text")
    d.add_argument("prior", type=Path, help="an input, a built JSON or a filed PDF/text")
    d.add_argument("--percent", help="flag movements of at least this per cent (default: the "
                   "input's variance.percent, else 10)")
    d.add_argument("--dollars", type=int, help="... and at least this many dollars (default 1,000,000)")
    d.add_argument("--json", action="store_true", help="print the result as JSON")
    d.add_argument("--exit-code", action="store_true",
                   help="exit with status 1 when a movement is flagged (passes both thresholds), else 0")
    d.add_argument("--allow-outside-paths", action="store_true",
                   help="let an input name ledger, trial balance and mapping files outside its own folder")

    v = sub.add_parser("verify", help="re-hash a build's outputs against its manifest.json")
    v.add_argument("folder", type=Path)

    x = sub.add_parser("explain", help="show how a line's value was reached, down to inputs and accounts")
    x.add_argument("input", type=Path, help="a filing input")
    x.add_argument("line", help="a line code of the form")
    x.add_argument("--meta", type=Path, help="YAML with report, as_of and firm, for a CSV input")
    x.add_argument("--json", action="store_true", help="print the tree as JSON")
    x.add_argument("--by-currency", action="store_true",
                   help="the line's statement currency by currency (requirement, funds, excess), beside the "
                        "filed dollar figures")
    x.add_argument("--allow-outside-paths", action="store_true",
                   help="let an input name ledger, trial balance and mapping files outside its own folder")

    e = sub.add_parser("extract", help="read the line values of a prior filing (PDF, scan, text or JSON)")
    e.add_argument("prior", type=Path)
    e.add_argument("--json", action="store_true", help="print the extraction as JSON")

    o = sub.add_parser("disclose", help="the public posting of Regulation 1.55(o): the public copies of the "
                       "last 12 months' filings built under FOLDER, and an index page")
    o.add_argument("folder", type=Path, help="a folder of focusgen build outputs (built with --public)")
    o.add_argument("--out", type=Path, required=True, help="the posting's folder (replaced as a set)")
    o.add_argument("--as-of", dest="as_of", help="the last date of the 12 months (YYYY-MM-DD; default: the "
                   "newest filing found)")

    k = sub.add_parser("calendar", help="a year's business-day calendar: its holidays and every report's "
                       "as-of and due dates")
    k.add_argument("year", help="the year, such as 2021")
    k.add_argument("--report", help="only this report kind (focus-ii, daily-seg)")
    k.add_argument("--json", action="store_true", help="print the calendar as JSON")

    c = sub.add_parser("check", help="compare a filing with a prior one and re-verify the prior's arithmetic")
    c.add_argument("current", type=Path, help="a filing input or focusgen JSON (or a folder of them)")
    c.add_argument("--against", type=Path, required=True, help="the prior filing (or a folder of them)")
    c.add_argument("--tolerance", type=int, default=0, metavar="DOLLARS",
                   help="differences up to this many dollars are not reported (default 0)")
    c.add_argument("--json", action="store_true", help="print the result as JSON")
    c.add_argument("--allow-outside-paths", action="store_true",
                   help="let an input name ledger, trial balance and mapping files outside its own folder")
    _reconcile_parser(sub)
    _init_options(sub.add_parser("init", help="write a starter filing input, a CSV and a workbook of the form's input lines, and a mapping skeleton, to begin with"))
    _Parser.commands = dict(sub.choices)
    return p


def _reconcile_parser(sub) -> None:
    r = sub.add_parser("reconcile", help="tie a holdings report (the SIDR) to the Daily Seg of the same date")
    r.add_argument("holdings", type=Path, help="the holdings report's input (report: sidr)")
    r.add_argument("--against", type=Path, required=True,
                   help="the Daily Seg of the same date: its input, its built JSON or its filed PDF/text")
    r.add_argument("--tolerance", type=int, default=0, metavar="DOLLARS",
                   help="differences up to this many dollars are not reported (default 0)")
    r.add_argument("--json", action="store_true", help="print the reconciliation as JSON")
    r.add_argument("--allow-outside-paths", action="store_true",
                   help="let an input name ledger, trial balance, mapping and holdings files outside its own folder")


def print_problems(problems: list[Problem], console: Console, closing: bool = True) -> None:
    for problem in problems:
        console.print(terminal.literal(problem), soft_wrap=True)
    more = getattr(problems, "more", 0)
    if more:
        console.print(f"... and {more} more problem(s) of the same input, not shown", markup=False,
                      highlight=False)
    if closing:
        console.print(f"{len(problems) + more} problem(s); nothing was written.", markup=False, highlight=False)


def build(args: argparse.Namespace, out: Console, err: Console) -> int:
    if args.format is None:
        args.format = DEFAULT_FORMATS + (("review",) if args.prior is not None or args.history is not None else ())
    if args.public and "public" not in args.format:
        args.format = (*args.format, "public")
    if len(args.input) > 1 or args.input[0].is_dir():
        return build_batch(args, out, err)
    from .build import build as build_filing
    path = args.input[0]
    out_dir = args.out or Path("output") / path.stem
    try:
        built = build_filing(path, out_dir, args.format, args.meta, args.prior, args.history, args.settings)
    except InputProblems as exc:
        print_problems(exc.problems, err)
        return 2
    args.written = built.written        # in place from here: a Ctrl-C now must not say otherwise (_main)
    filing = built.filing
    if not args.quiet:
        from .render.summary import print_alerts, print_amendment, print_movements, print_notes, print_summary
        print_summary(filing, out)
        if filing.amendment is not None:
            print_amendment(filing.amendment, out)
        print_notes(filing, out)
        print_alerts(filing, out, verbose=args.verbose)
        if filing.variance is not None:
            shown = path if path.suffix.lower() in (".yaml", ".yml") else out_dir / f"{path.stem}.json"
            print_movements(filing.variance, out, diff=f"focusgen diff {shown} {args.prior}")
        for written in built.written:
            out.print(f"wrote {terminal.literal(written)}")
    if args.fail_on_alert and filing.alerts:
        err.print(f"{len(filing.alerts)} regulatory alert(s): exit status {ALERT_STATUS} (--fail-on-alert)")
        return ALERT_STATUS
    return 0


def build_batch(args: argparse.Namespace, out: Console, err: Console) -> int:
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from .batch import Interrupted, build_many, expand
    from .render.summary import print_batch_summary

    for option in ("prior", "history"):
        if getattr(args, option) is not None:
            print_problems([Problem("bad-option", f"--{option}", "goes with a single input",
                                    expected="YAML inputs alone for a batch")], err)
            return 2
    inputs = expand(args.input, tables=args.meta is not None)
    if not inputs:
        what = "tables (.csv, .xlsx)" if args.meta is not None else ".yaml inputs"
        print_problems([Problem("no-inputs", ", ".join(map(str, args.input)), f"holds no {what}",
                                expected=f"a folder of {what}" if args.meta is not None else
                                "a folder of filing inputs (*.yaml)")], err)
        return 2
    if args.meta is not None:
        bad = _meta_problems(args.meta, inputs)
        if bad:
            print_problems(bad, err)
            return 2
    with Progress(TextColumn("building"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=terminal.real(err), disable=args.quiet or not err.is_terminal) as bar:
        task = bar.add_task("build", total=len(inputs))
        interrupted = False
        try:
            outcomes = build_many(inputs, args.out, args.format, progress=lambda o: bar.advance(task),
                                  workers=args.jobs, settings=args.settings, meta=args.meta)
        except Interrupted as exc:
            outcomes, interrupted = exc.outcomes, True
    for outcome in outcomes:
        if outcome.problems:
            print_problems(outcome.problems, err, closing=False)
    if not args.quiet or interrupted:
        print_batch_summary(outcomes, out)
    if interrupted:
        err.print(f"interrupted: {sum(1 for o in outcomes if o.interrupted)} input(s) not built; their "
                  "earlier outputs are as they were")
        return 130
    return 2 if any(o.problems for o in outcomes) else 0


def _meta_problems(meta: Path, inputs: list[Path]) -> list[Problem]:
    """--meta with several inputs: every input a table, and a meta whose as_of says where each table's
    date is (as_of: {file_name: ...} or {column: ...}); one date for many tables would be many filings of
    one day."""
    from .batch import TABLES
    from .inputs.formats import read_yaml
    found = [Problem("bad-option", str(p), "is not a table of ledger balances, and --meta goes with tables",
                     expected="CSV or workbook inputs with --meta (a YAML input carries its own header)")
             for p in inputs if p.suffix.lower() not in TABLES]
    doc, _ = read_yaml(meta, found)
    if doc is not None and len(inputs) > 1 and not isinstance(doc.get("as_of"), dict):
        found.append(Problem("bad-option", str(meta), f"gives one as_of ({doc.get('as_of')!r}) for {len(inputs)} "
                             "tables: they would be filings of one day", "as_of",
                             'as_of: {file_name: "seg-YYYYMMDD.csv"} (the date in each file\'s name) or '
                             "{column: date} (a column of each table)"))
    return found


def _option_problems(args: argparse.Namespace, argv: list[str]) -> list[Problem]:
    """Options argparse accepts but no build can use: each a named bad-option problem."""
    found = []
    # argparse turns --out "" into Path("."), the current folder: an empty --out is refused instead
    if any((a == "--out" and i + 1 < len(argv) and not argv[i + 1].strip())
           or (a.startswith("--out=") and not a[len("--out="):].strip()) for i, a in enumerate(argv)):
        found.append(Problem("bad-option", "--out", "is empty", expected="a folder to write the outputs into"))
    if getattr(args, "jobs", None) is not None and args.jobs < 1:
        found.append(Problem("bad-option", "--jobs", f"{args.jobs} is not a number of workers",
                             expected="1 or more"))
    if getattr(args, "percent", None) is not None:
        from decimal import Decimal, InvalidOperation
        try:
            value = Decimal(str(args.percent).strip())
            if not value.is_finite() or value < 0:
                raise InvalidOperation
            args.percent = value
        except InvalidOperation:
            found.append(Problem("bad-option", "--percent", f"{quote(args.percent)} is not a percentage",
                                 expected="a number of per cent, 0 or more, such as 10 or 2.5"))
    if getattr(args, "dollars", None) is not None and args.dollars < 0:
        found.append(Problem("bad-option", "--dollars", f"{args.dollars} is negative", expected="0 or more"))
    return found


def main(argv: list[str] | None = None, *, hold_at_end: bool = False) -> int:
    """The command line. Ctrl-C at any moment (even while modules are still being imported) ends with
    status 130 and one line, never a traceback; a single build writes its set whole or not at all.
    hold_at_end (the `focusgen` command, console()): once the work is done, Ctrl-C is held back for the
    rest of the process (the interpreter's shutdown would print a KeyboardInterrupt traceback)."""
    status = None
    try:
        status = _entry(argv)
        if hold_at_end:
            import signal
            signal.pthread_sigmask(signal.SIG_BLOCK, {signal.SIGINT})
        return status
    except KeyboardInterrupt:
        if status is not None:
            return status       # the work was done and its outputs written: the key came as it ended
        sys.stderr.write("interrupted; the earlier outputs are as they were\n")
        return 130


def _entry(argv: list[str] | None) -> int:
    # focusgen uses no pydantic plugin; looking for them scans every installed package's entry points
    # (about 30 ms a process), and one found would run inside the validation of every input
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    argv = list(sys.argv[1:] if argv is None else argv)
    _Parser.argv = argv
    args = _parser().parse_args(argv)
    out, err = terminal.LazyConsole(), terminal.LazyConsole(stderr=True)
    bad = _option_problems(args, argv)
    if bad:
        print_problems(bad, err, closing=False)
        return 2
    collecting = gc.isenabled()
    if args.command == "build" and len(args.input) == 1 and not args.input[0].is_dir():
        # One build is a short process whose memory is bounded by its one input: the garbage collector
        # would only re-scan the modules, the form definition and the parsed input, and free nothing worth
        # it (reference counting frees the rest). A batch keeps it: its workers collect, bounded (batch.py).
        gc.disable()
    try:
        return _main(args, out, err)
    finally:
        if collecting:
            gc.enable()         # as it was (the tests run many builds in one process)


def _load_compiled_core() -> None:
    """pydantic's compiled core, loaded with Ctrl-C held back until it is in. Its initialisation imports
    datetime's C API; a KeyboardInterrupt raised there makes it panic (a Rust panic, a traceback and status 1)
    instead of ending as Ctrl-C ends (130). Held, the key takes effect the moment the load is done."""
    import signal
    import threading
    if "pydantic_core" in sys.modules or threading.current_thread() is not threading.main_thread() \
            or signal.getsignal(signal.SIGINT) is not signal.default_int_handler:
        import pydantic_core  # noqa: F401 - loaded already, or Ctrl-C is not Python's to raise here
        return
    pressed: list[int] = []
    signal.signal(signal.SIGINT, lambda signum, frame: pressed.append(signum))
    try:
        import pydantic_core  # noqa: F401,F811
    finally:
        signal.signal(signal.SIGINT, signal.default_int_handler)
    if pressed:
        raise KeyboardInterrupt


def _main(args: argparse.Namespace, out: Console, err: Console) -> int:
    from .settings import Settings
    # the run's options, in one object passed down to build() and every batch worker
    args.settings = Settings.from_environment(allow_outside_paths=getattr(args, "allow_outside_paths", False),
                                              layout_cache=False if getattr(args, "no_cache", False) else None)
    try:
        _load_compiled_core()
        return _dispatch(args, out, err)
    except KeyboardInterrupt:
        # a single build writes its set whole or not at all, so nothing is half-written
        if getattr(args, "written", None):
            err.print(f"interrupted; the outputs were written whole ({len(args.written)} files, "
                      f"{terminal.literal(args.written[0].parent)})")
        else:
            err.print("interrupted; the earlier outputs are as they were")
        return 130


def _dispatch(args: argparse.Namespace, out: Console, err: Console) -> int:
    if args.command == "build":
        return build(args, out, err)
    if args.command == "extract":
        return extract_cmd(args, out, err)
    if args.command == "explain":
        return explain_cmd(args, out, err)
    if args.command == "diff":
        return diff_cmd(args, out, err)
    if args.command == "verify":
        return verify_cmd(args, out, err)
    if args.command == "check":
        return check_cmd(args, out, err)
    if args.command == "reconcile":
        return reconcile_cmd(args, out, err)
    if args.command == "disclose":
        return disclose_cmd(args, out, err)
    if args.command == "init":
        return init_cmd(args, out, err)
    if args.command == "calendar":
        return calendar_cmd(args, out, err)
    return 2  # pragma: no cover - argparse rejects unknown commands


def _show(make, view, as_json: bool, out: Console, err: Console, during=None):
    """Run `make` (inside `during`, a progress bar); print its problems (returning None), or show
    its result as JSON or a table."""
    import json
    from contextlib import nullcontext
    try:
        with during or nullcontext():
            result = make()
    except InputProblems as exc:
        print_problems(exc.problems, err, closing=False)
        return None
    if as_json:
        out.print_json(json.dumps(result.as_dict()))
    else:
        view(result, out)
    return result


def diff_cmd(args: argparse.Namespace, out: Console, err: Console) -> int:
    import json
    from decimal import Decimal

    from .compare.sources import load
    from .compare.variance import moved as moved_lines
    from .render.summary import print_variance
    try:
        current, prior = load(args.current, settings=args.settings), load(args.prior, settings=args.settings)
        if current.report != prior.report:
            raise InputProblems([Problem("report-mismatch", str(args.prior), f"is a {prior.report} filing, the "
                                         f"current one is {current.report}", expected=f"a {current.report} filing")])
        percent, dollars = Decimal(10), 1_000_000
        if args.current.suffix.lower() in (".yaml", ".yml"):
            from .inputs.load import load_input
            v = load_input(args.current, allow_outside=args.settings.allow_outside_paths).header.variance
            percent, dollars = v.percent, v.dollars
    except InputProblems as exc:
        print_problems(exc.problems, err, closing=False)
        return 2
    if args.percent is not None:
        percent = Decimal(str(args.percent))
    if args.dollars is not None:
        dollars = args.dollars
    moved = moved_lines(current.report, current.lines, prior, percent, dollars)
    if args.json:
        out.print_json(json.dumps({"current": {"source": current.source, "as_of": current.as_of},
                                   "prior": {"source": prior.source, "as_of": prior.as_of},
                                   "thresholds": {"percent": str(percent), "dollars": dollars}, "lines": moved}))
    else:
        print_variance(moved, prior.source, prior.as_of, out, percent, dollars)
    flagged = sum(1 for m in moved if m["flagged"])
    if args.exit_code and flagged:
        err.print(f"{flagged} flagged movement(s): exit status 1 (--exit-code)")
        return 1
    return 0


def verify_cmd(args: argparse.Namespace, out: Console, err: Console) -> int:
    from .manifest import verify
    try:
        results = verify(args.folder)
    except InputProblems as exc:
        print_problems(exc.problems, err, closing=False)
        return 2
    from .problems import clip
    for r in results:
        if "more" in r:
            out.print(f"{r['status']:>8}  ... and {r['more']:,} more")
        else:          # a manifest's name is the user's: printed literally, and cut
            out.print(f"{r['status']:>8}  {clip(terminal.literal(r['path']), 300)}")
    bad = sum(r.get("more", 1) for r in results if r["status"] != "ok")
    good = sum(1 for r in results if r["status"] == "ok")
    out.print(f"{good} unchanged, {bad} changed, missing, unlisted or refused")
    return 1 if bad else 0


def explain_cmd(args: argparse.Namespace, out: Console, err: Console) -> int:
    import json

    from .report.compute import compute
    from .report.explain import explain, render_tree
    from .inputs.load import load_input
    try:
        filing = compute(load_input(args.input, args.meta, args.settings.allow_outside_paths))
    except InputProblems as exc:
        print_problems(exc.problems, err)
        return 2
    code = args.line.strip().strip("[]")
    if code not in filing.report.lines or filing.report.lines[code].kind == "text":
        print_problems([Problem("unknown-line", str(args.input), f"{quote(code)} is not an amount line of the "
                                f"{filing.report.kind} form" + near_codes(code, filing.report.amount_codes),
                                expected=f"a line code such as {filing.report.amount_codes[0]}")], err,
                       closing=False)
        return 2
    if args.by_currency:
        from .report import currency
        from .render.summary import currency_table
        found = [s for s in currency.statements(filing) if code in s["lines"].values()
                 or any(code in (ln.code for ln in st.lines) for st in filing.report.statements
                        if st.short == s["statement"])]
        lines = currency.line_currencies(filing).get(code, [])
        if args.json:
            out.print_json(json.dumps({"line": code, "parts": lines, "statements": found}))
        else:
            out.print(currency_table(filing, code, lines, found), soft_wrap=False)   # wrap, never crop
        return 0
    tree = explain(filing, code)
    if args.json:
        out.print_json(json.dumps(tree))
    else:
        out.print(render_tree(tree), soft_wrap=False)      # long lines wrap (folded), never cropped
    return 0


def _ocr_progress(err: Console):
    """A progress bar of the pages OCR reads (a scanned prior), on stderr and only at a terminal:
    (context manager, callback(done, total))."""
    from contextlib import nullcontext
    if not err.is_terminal:
        return nullcontext(), None
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
    bar = Progress(TextColumn("reading the scan"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                   console=terminal.real(err), transient=True)
    task = bar.add_task("ocr", total=None)
    return bar, lambda done, total: bar.update(task, completed=done, total=total)


def extract_cmd(args: argparse.Namespace, out: Console, err: Console) -> int:
    from .extract import extract
    from .render.check_views import print_extraction
    bar, progress = _ocr_progress(err)
    result = _show(lambda: extract(args.prior, progress=progress), print_extraction, args.json, out, err, bar)
    return 2 if result is None else 0


def disclose_cmd(args: argparse.Namespace, out: Console, err: Console) -> int:
    from datetime import date

    from .disclose import disclose
    from .render.view import mmddyyyy
    as_of = None
    if args.as_of is not None:
        try:
            as_of = date.fromisoformat(args.as_of.strip())
        except ValueError:
            print_problems([Problem("bad-option", "--as-of", f"{quote(args.as_of)} is not a date",
                                    expected="a real date YYYY-MM-DD")], err, closing=False)
            return 2
    passed: list = []
    try:
        posted, written, missing = disclose(args.folder, args.out, as_of, passed)
    except InputProblems as exc:
        print_problems(exc.problems, err)
        return 2
    from .disclose import runs
    for p in posted:
        out.print(f"{mmddyyyy(p.as_of)}  {terminal.literal(p.form)}  {p.name}  (from {terminal.literal(p.source)})")
    if passed:      # builds outside the 12 months: neither posted nor required to have a public copy
        out.print(f"passed over: {len(passed)} filing(s) outside the 12 months, as of "
                  f"{mmddyyyy(passed[0].as_of)} to {mmddyyyy(passed[-1].as_of)}")
    if missing:
        spans = [mmddyyyy(a) if a == b else f"{mmddyyyy(a)} to {mmddyyyy(b)}" for a, b in runs(missing)]
        err.print(f"warning[missing-daily-statement]: {len(missing)} business day(s) of the 12 months have no daily "
                  f"statement (Regulation 1.55(o)(1)(i)-(iii)): {'; '.join(spans)}", markup=False, highlight=False)
    out.print(f"{len(posted)} filing(s) posted in {terminal.literal(args.out)}: index.html, their PDFs, manifest.json")
    return 0


def init_cmd(args: argparse.Namespace, out: Console, err: Console) -> int:
    """Copies the starter files (package data: resources.STARTERS) into a folder, never over a file that
    is there: all of them are written, or (a name taken, a folder that cannot be written) none."""
    from .resources import STARTERS
    source, folder = STARTERS / args.report, args.folder
    names = sorted(p.name for p in source.iterdir() if p.is_file())
    taken = [folder / n for n in names if (folder / n).exists() or (folder / n).is_symlink()]
    if folder.exists() and not folder.is_dir():
        taken = [folder]
    if taken:
        print_problems([Problem("cannot-write", str(t), "is there already; focusgen init never overwrites a file",
                                expected="a new or empty folder: focusgen init FOLDER") for t in taken], err)
        return 2
    written: list[Path] = []
    try:
        folder.mkdir(parents=True, exist_ok=True)
        for name in names:
            with open(folder / name, "xb") as fh:       # exclusive: a file that appeared meanwhile is kept
                written.append(folder / name)
                fh.write((source / name).read_bytes())
    except OSError as exc:
        for w in written:
            w.unlink(missing_ok=True)
        print_problems([Problem("cannot-write", str(folder), f"cannot be written: {exc.strerror}",
                                expected="a folder you can write")], err)
        return 2
    for w in written:
        out.print(f"wrote {terminal.literal(w)}")
    filing = terminal.literal(folder / "filing.yaml")
    out.print(f"next: focusgen build {filing}   (then put your firm and dates in {filing} and your balances "
              f"in {terminal.literal(folder / 'balances.csv')})")
    return 0


def year_schedule(year: int, kinds: tuple[str, ...]) -> dict:
    """A year's calendar: the holidays of each calendar the reports use and every report's as-of dates
    with their due dates (the rules are each report's `schedule:` in its form definition)."""
    from datetime import date

    from .form import formdef
    reports, calendars, rows = {}, {}, []
    for kind in kinds:
        try:
            rep = formdef.report(kind, date(year, 12, 31))
        except formdef.UnsupportedRevision:
            rep = formdef.report(kind)
        if rep.schedule is None:
            continue
        s = rep.schedule
        reports[kind] = {"cite": s.cite, "calendar": s.calendar.name, "rule": s.due.words}
        calendars[s.calendar.name] = {"title": s.calendar.title, "holidays": [
            {"date": d.isoformat(), "name": n} for d, n in sorted(s.calendar.holidays(year).items())]}
        for as_of in s.dates(year):
            rows.append({"report": kind, "as_of": as_of.isoformat(), **{f"due_{k}": v for k, v in
                                                                       s.due_for(as_of).as_dict().items()}})
    rows.sort(key=lambda r: (r["as_of"], r["report"]))
    return {"year": year, "calendars": calendars, "reports": reports, "dates": rows}


def calendar_cmd(args: argparse.Namespace, out: Console, err: Console) -> int:
    import json

    from rich.table import Table

    from .calendar import MAX_YEAR, MIN_YEAR
    from .form import formdef
    year = args.year.strip()
    if not year.isdigit() or not MIN_YEAR <= int(year) <= MAX_YEAR:
        print_problems([Problem("bad-option", "YEAR", f"{args.year!r} is not a year the calendar knows",
                                expected=f"a year from {MIN_YEAR} to {MAX_YEAR}")], err, closing=False)
        return 2
    kinds = formdef.REPORT_KINDS
    if args.report is not None:
        if args.report not in kinds:
            print_problems([Problem("bad-option", "--report", f"{args.report!r} is not a report kind",
                                    expected=" or ".join(kinds))], err, closing=False)
            return 2
        kinds = (args.report,)
    doc = year_schedule(int(year), kinds)
    if args.json:
        out.print_json(json.dumps(doc))
        return 0
    for name, cal in doc["calendars"].items():
        out.print(f"{cal['title']} ({name}), {year}; Saturdays and Sundays are not business days:", markup=False)
        for h in cal["holidays"]:
            out.print(f"  {h['date']}  {h['name']}", markup=False, highlight=False)
    for kind, r in doc["reports"].items():
        out.print(f"{kind}: due {r['rule']} ({r['cite']})", markup=False, highlight=False)
    table = Table(show_edge=False, pad_edge=False)
    for col in ("As of", "Report", "Due", "Time"):
        table.add_column(col, no_wrap=True)
    for row in doc["dates"]:
        table.add_row(row["as_of"], row["report"], row["due_date"], row["due_time"] or "")
    out.print(table)
    return 0


def reconcile_cmd(args: argparse.Namespace, out: Console, err: Console) -> int:
    """Exit status as check's: 0 every tie agrees, 1 a difference, 2 an input cannot be used."""
    import json

    from .compare.reconcile import reconcile
    from .compare.sources import load
    from .inputs.load import load_input
    from .render.summary import print_reconciliation
    from .report.compute import compute
    if args.tolerance < 0:
        print_problems([Problem("bad-option", "--tolerance", f"{args.tolerance} is negative",
                                expected="a whole number of dollars >= 0")], err, closing=False)
        return 2
    try:
        filing = compute(load_input(args.holdings, allow_outside=args.settings.allow_outside_paths))
        if filing.report.reconciliation is None:
            raise InputProblems([Problem("bad-option", str(args.holdings), f"is a {filing.kind} input; reconcile "
                                         "takes a report computed from holdings",
                                         expected="a holdings report's input (report: sidr)")])
        result = reconcile(filing, load(args.against, settings=args.settings), str(args.against), args.tolerance)
    except InputProblems as exc:
        print_problems(exc.problems, err, closing=False)
        return 2
    if args.json:
        out.print_json(json.dumps(result.as_dict()))
    else:
        print_reconciliation(result, out)
    return 1 if result.failed else 0


def check_cmd(args: argparse.Namespace, out: Console, err: Console) -> int:
    from .compare.check import check_one
    from .render.check_views import print_comparison
    if args.tolerance < 0:
        print_problems([Problem("bad-option", "--tolerance", f"{args.tolerance} is negative",
                                expected="a whole number of dollars >= 0")], err, closing=False)
        return 2
    if args.current.is_dir() or args.against.is_dir():
        return check_many(args, out, err)
    bar, progress = _ocr_progress(err)
    result = _show(lambda: check_one(args.current, args.against, args.tolerance, args.settings, progress=progress),
                   print_comparison, args.json, out, err, bar)
    if result is None:
        return 2
    return 1 if result.failed else 0


def check_many(args: argparse.Namespace, out: Console, err: Console) -> int:
    import json

    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    from .compare.check import CURRENT_SUFFIXES, PRIOR_SUFFIXES, compare, pair_folders
    from .render.check_views import print_check_summary
    if not (args.current.is_dir() and args.against.is_dir()):
        print_problems([Problem("bad-option", str(args.current), "a folder is checked against a folder",
                                expected="check FOLDER --against FOLDER")], err, closing=False)
        return 2
    total = sum(1 for d, suf in ((args.current, CURRENT_SUFFIXES), (args.against, PRIOR_SUFFIXES))
                for p in d.iterdir() if p.suffix.lower() in suf)
    with Progress(TextColumn("reading"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                  console=terminal.real(err), disable=not err.is_terminal) as bar:
        task = bar.add_task("read", total=total)
        found = pair_folders(args.current, args.against, progress=lambda: bar.advance(task),
                             settings=args.settings)
    results = []
    for current, prior in found.pairs:
        try:
            results.append(compare(current, prior, args.tolerance))
        except InputProblems as exc:
            found.unreadable.append((Path(current.source), exc.problems))
    for _, problems in found.unreadable:
        print_problems(problems, err, closing=False)
    if args.json:
        def listed(items):
            return [{"path": str(p), "why": why} for p, why in items]
        out.print_json(json.dumps({"pairs": [r.as_dict() for r in results],
                                   "current_without_prior": [str(p) for p, _ in found.current_without_prior],
                                   "prior_without_current": [str(p) for p, _ in found.prior_without_current],
                                   "not_paired": listed(found.current_without_prior + found.prior_without_current),
                                   "set_aside": listed(found.set_aside),
                                   "unreadable": [str(p) for p, _ in found.unreadable]}))
    else:
        print_check_summary(results, found, out)
    failed = (any(r.failed for r in results) or found.current_without_prior or found.prior_without_current
              or found.unreadable)
    return 1 if failed else 0


def console() -> int:
    """The `focusgen` command: main(), then Ctrl-C held back for the few moments the interpreter takes to
    shut down. The work is done and its outputs written (or not) by then; a key pressed as it ends
    would otherwise print a KeyboardInterrupt traceback from Python's own shutdown code."""
    return main(hold_at_end=True)


if __name__ == "__main__":
    sys.exit(console())
