"""The focusgen command line: `focusgen build INPUT [--out DIR] [--format txt,json] [--meta YAML]`.

Exit status: 0 built; 2 the input has problems (all printed, nothing written)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from rich.console import Console

from . import __version__
from .problems import InputProblems, Problem

FORMATS = ("pdf", "txt", "json")
DEFAULT_FORMATS = ("pdf", "txt", "json")


def _formats(text: str) -> tuple[str, ...]:
    chosen = tuple(dict.fromkeys(f.strip().lower() for f in text.split(",") if f.strip()))
    bad = [f for f in chosen if f not in FORMATS]
    if bad or not chosen:
        raise argparse.ArgumentTypeError(f"unknown format {', '.join(bad) or text!r}; choose from {','.join(FORMATS)}")
    return chosen


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="focusgen", description="CFTC FOCUS II and Daily Seg filings from ledger balances.")
    p.add_argument("--version", action="version", version=f"focusgen {__version__}")
    sub = p.add_subparsers(dest="command", required=True)
    b = sub.add_parser("build", help="compute a filing and write its outputs")
    b.add_argument("input", type=Path, help="a filing input (.yaml) or ledger balances (.csv with --meta)")
    b.add_argument("--out", type=Path, help="output folder (default: output/<input stem>/)")
    b.add_argument("--meta", type=Path, help="YAML with report, as_of and firm, for a CSV input")
    b.add_argument("--format", type=_formats, default=DEFAULT_FORMATS,
                   help=f"comma-separated outputs among {','.join(FORMATS)} (default: {','.join(DEFAULT_FORMATS)})")
    b.add_argument("--quiet", action="store_true", help="no summary on the terminal")
    return p


def print_problems(problems: list[Problem], console: Console) -> None:
    for problem in problems:
        console.print(str(problem), markup=False, highlight=False, soft_wrap=True)
    console.print(f"{len(problems)} problem(s); nothing was written.", markup=False, highlight=False)


def build(args: argparse.Namespace, out: Console, err: Console) -> int:
    from .compute import compute
    from .inputs import load_input
    from .outputs import write_all
    from .render import render_outputs

    try:
        filing = compute(load_input(args.input, args.meta))
    except InputProblems as exc:
        print_problems(exc.problems, err)
        return 2
    out_dir = args.out or Path("output") / args.input.stem
    files = render_outputs(filing, out_dir, args.input.stem, args.format)
    write_all(files)
    if not args.quiet:
        from .summary import print_summary
        print_summary(filing, out)
        for path in files:
            out.print(f"wrote {path}", markup=False, highlight=False)
    return 0


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    out = Console(highlight=False)
    err = Console(stderr=True, highlight=False)
    if args.command == "build":
        return build(args, out, err)
    return 2  # pragma: no cover - argparse rejects unknown commands


if __name__ == "__main__":
    sys.exit(main())
