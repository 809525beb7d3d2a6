"""One build, as `focusgen build` runs it for each input: read and check the input, load the prior
period and the original of an amendment, compute the filing once (report/: values, summaries,
alerts; compare/: variance and amendment), render every output in memory from it, add the audit
manifest, and only then write, atomically. Nothing is written when anything before the writing fails."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .problems import InputProblems, Problem
from .settings import DEFAULT, Settings


@dataclass
class Built:
    filing: object                  # report.model.Filing: everything the outputs say
    written: list[Path] = field(default_factory=list)


def load_history(folder: Path, kind: str, firm: str | None = None, current: str | None = None) -> list[dict]:
    """Earlier built JSONs under `folder` of the same report kind and the same firm (letters and digits
    compared: compare/rules.same_firm), one per period, oldest first: [{as_of, summary}]. Another firm's
    filing is no part of this firm's history, and the current period (`current`, its as-of date) is the
    build itself, never an earlier JSON of it. Of two JSONs of one period, an AMENDED one stands for it
    (it replaced the original), else the last by path."""
    if not folder.is_dir():
        raise InputProblems([Problem("file-not-found", str(folder), "is not a folder",
                                     expected="a folder of earlier built JSON outputs")])
    import heapq
    import os

    from .compare.rules import same_firm
    from .report import jsonio
    found: dict[str, tuple[bool, list]] = {}
    budget = MAX_HISTORY_BYTES
    # the first 5,000 by name, kept as they are found (a folder of millions is walked, never held)
    for path in heapq.nsmallest(MAX_HISTORY, folder.rglob("*.json")):
        # regular files only (a FIFO would hang the build), each of bounded size, MAX_HISTORY_BYTES in
        # all; anything that is not an earlier build's JSON is passed over: history only draws charts
        try:
            size = os.lstat(path).st_size
        except OSError:
            continue
        if size > budget:
            continue
        budget -= size
        try:
            doc = jsonio.read(path)
        except InputProblems:
            continue
        if doc.report != kind or doc.as_of == current or (firm is not None and not same_firm(doc.firm.name, firm)):
            continue
        amended = doc.filing_status.upper() == "AMENDED"
        if doc.as_of not in found or amended or not found[doc.as_of][0]:
            found[doc.as_of] = (amended, doc.summary)
    return [{"as_of": k, "summary": found[k][1]} for k in sorted(found)]


MAX_HISTORY = 5000                  # earlier filings charted (20 years of Daily Segs)
MAX_HISTORY_BYTES = 512 * 2**20     # their JSONs read, together (a filing's JSON is about 20 KB)


def _check_drawable(filing, path: Path) -> None:
    """Every character of the user's text must be one the bundled fonts draw, or the PDF would show
    empty boxes where a name should be: refused by name, field by field."""
    from .render.glyphs import describe, undrawable

    def walk(value, where):
        if isinstance(value, str):
            yield where, value
        elif isinstance(value, dict):
            for k, v in value.items():
                yield from walk(v, f"{where}.{k}" if where else str(k))
        elif isinstance(value, (list, tuple)):
            for i, v in enumerate(value):
                yield from walk(v, f"{where}[{i}]")

    found = []
    for where, text in walk(filing.header.model_dump(mode="json", exclude={"lines"}), ""):
        for c in undrawable(text)[:3]:
            found.append(Problem("unprintable-character", str(path), f"{where} holds {describe(c)}, which the "
                                 "PDF's bundled fonts cannot draw", where,
                                 "characters of Latin, Greek, Cyrillic or Hebrew script (or --format txt,json, "
                                 "which print any character)"))
    if found:
        raise InputProblems(found)
    # a text its box on the form cannot hold even on its most lines at the smallest print (render/fit.py)
    from .render.fit import SMALLEST
    from .render.pdf import unfit
    found = [Problem("text-too-long", str(path), f"{where} does not fit its box on the PDF's form, even set at "
                     f"{SMALLEST:g} pt on the lines the box can take", where,
                     "a shorter text (or --format txt,json, which print any length)")
             for where, _ in unfit(filing)]
    if found:
        raise InputProblems(found)


def build(path: Path, out_dir: Path, formats: tuple[str, ...], meta: Path | None = None,
          prior_path: Path | None = None, history_dir: Path | None = None,
          settings: Settings = DEFAULT) -> Built:
    from .compare.amend import with_amendment
    from .compare.variance import with_variance
    from .inputs.load import load_input
    from .manifest import NAME, manifest
    from .outputs import name_problems, write_set
    from .render import public_name, render_outputs
    from .report.compute import compute

    if name_problems(path, path.stem):
        # the outputs are named after the input: `..yaml` would write into the output root itself
        raise InputProblems(name_problems(path, path.stem))
    if f"{path.stem}.json" == NAME:
        # its JSON would take the audit manifest's place (or the manifest its JSON's)
        raise InputProblems([Problem("reserved-name", str(path), f"would write {path.stem}.json, the name of "
                                     "the audit manifest", expected="an input with another name")])
    filing_input = load_input(path, meta, settings.allow_outside_paths)
    kind = filing_input.kind
    if "public" in formats and not filing_input.report.posted:
        raise InputProblems([Problem("bad-option", "--public", f"the {kind} is not among the statements an FCM "
                                     "posts (CFTC Regulation 1.55(o)): it has no public copy",
                                     expected=f"the {kind} without --public")])
    prior = None
    if prior_path is not None:
        from .compare.sources import load     # the extraction machinery, only when there is a prior
        prior = load(prior_path)
        if prior.report != kind:
            raise InputProblems([Problem("report-mismatch", str(prior_path), f"is a {prior.report} filing, "
                                         f"this one is {kind}", expected=f"a prior {kind} filing")])
    filing = compute(filing_input, prior)
    if "pdf" in formats or "review" in formats or "public" in formats:
        _check_drawable(filing, path)
    filing = with_variance(with_amendment(filing), prior)     # an amendment is refused before anything is rendered
    if filing.input.daily_seg is not None:                    # a holdings report against its Daily Seg
        from .compare.reconcile import with_reconciliation
        filing = with_reconciliation(filing, settings)
    as_of = filing.header.as_of.isoformat()
    history = load_history(history_dir, kind, filing.header.firm.name, as_of) if history_dir is not None else []
    history = [h for h in history if h["as_of"] < as_of]        # the periods before this one
    history.append({"as_of": as_of, "summary": list(filing.summary)})
    files = render_outputs(filing, out_dir, path.stem, formats, history, settings)
    files[out_dir / NAME] = manifest(filing, files, public_name(path.stem) if "public" in formats else None)
    return Built(filing, write_set(out_dir, {p.name: data for p, data in files.items()}))
