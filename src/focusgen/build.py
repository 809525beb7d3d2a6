"""One build, as `focusgen build` runs it for each input: read and check the input, compute the
filing, compare it with a prior period (variance, the capital-drop alert), compute the alerts,
render every output in memory, add the audit manifest, and only then write, atomically.
Nothing is written when anything before the writing fails."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path

from .problems import InputProblems, Problem


@dataclass
class Built:
    filing: object
    written: list[Path] = field(default_factory=list)
    alerts: list[dict] = field(default_factory=list)
    unchecked: list[str] = field(default_factory=list)
    variance: list[dict] | None = None
    prior: object = None
    amendment: object = None        # amend.Amendment of an amended filing


def load_history(folder: Path, kind: str) -> list[dict]:
    """Earlier built JSONs of the same report kind: [{as_of, summary}], oldest first."""
    if not folder.is_dir():
        raise InputProblems([Problem("file-not-found", str(folder), "is not a folder",
                                     expected="a folder of earlier built JSON outputs")])
    from .inputs.formats import read_bytes
    found = {}
    for path in sorted(folder.rglob("*.json"))[:5000]:
        # regular files only (a FIFO would hang the build), each of bounded size; anything that is
        # not an earlier build's JSON is passed over: history only draws charts
        data = read_bytes(path, [], 8 * 2**20)
        try:
            doc = json.loads(data.decode("utf-8")) if data is not None else None
        except (ValueError, RecursionError):
            continue
        summary = doc.get("summary") if isinstance(doc, dict) else None
        if isinstance(doc, dict) and doc.get("report") == kind and isinstance(summary, list) \
                and all(isinstance(s, dict) for s in summary) and isinstance(doc.get("as_of"), str):
            found[doc["as_of"]] = summary
    return [{"as_of": k, "summary": found[k]} for k in sorted(found)]


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
          prior_path: Path | None = None, history_dir: Path | None = None) -> Built:
    from .render import view
    from .close.alerts import alerts
    from .compute import compute
    from .inputs.load import load_input
    from .close.manifest import NAME, manifest
    from .outputs import write_set
    from .render import render_outputs
    from .close.variance import variance

    if f"{path.stem}.json" == NAME:
        # its JSON would take the audit manifest's place (or the manifest its JSON's)
        raise InputProblems([Problem("reserved-name", str(path), f"would write {path.stem}.json, the name of "
                                     "the audit manifest", expected="an input with another name")])
    filing = compute(load_input(path, meta))
    if "pdf" in formats or "review" in formats or "public" in formats:
        _check_drawable(filing, path)
    kind = filing.report.kind
    built = Built(filing)
    from .amend import amendment
    built.amendment = amendment(filing)     # refused before anything is rendered
    prior_excess = None
    if prior_path is not None:
        from .check import load_any         # the extraction machinery, only when there is a prior
        prior = load_any(prior_path)
        if prior.report != kind:
            raise InputProblems([Problem("report-mismatch", str(prior_path), f"is a {prior.report} filing, "
                                         f"this one is {kind}", expected=f"a prior {kind} filing")])
        built.prior = prior
        v = filing.header.variance
        built.variance = variance(kind, filing.values, prior.lines, v.percent, v.dollars)
        if prior.adjusted_net_capital is not None and prior.lines.get("7490") is not None:
            prior_excess = prior.adjusted_net_capital - prior.lines["7490"]
    built.alerts, built.unchecked = alerts(filing, prior_excess)
    history = load_history(history_dir, kind) if history_dir is not None else []
    history.append({"as_of": filing.header.as_of.isoformat(), "summary": view.summary(filing)})
    files = render_outputs(filing, out_dir, path.stem, formats, built, history)
    from .render import public_name
    files[out_dir / NAME] = manifest(filing, files, built.alerts,
                                     public_name(path.stem) if "public" in formats else None)
    built.written = write_set(out_dir, {p.name: data for p, data in files.items()})
    return built
