"""Loading a filing from any source, in one place: a filing input (computed in memory), focusgen's JSON
(report/jsonio.py, the one reader of it), or anything `extract` reads (a filed PDF, a scan, text).
Each gives a report.model.Record: the filing's figures and how each was obtained."""

from __future__ import annotations

from pathlib import Path

from ..report.model import Record
from ..settings import DEFAULT, Settings

INPUT_SUFFIXES = (".yaml", ".yml")


def load(path: Path, meta: Path | None = None, settings: Settings = DEFAULT, progress=None) -> Record:
    """A filing from `path`: an input (with --meta for a table), focusgen's JSON, or a print or scan
    (progress(done, total) as a scan's pages are read)."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in INPUT_SUFFIXES or meta is not None:
        from ..inputs.load import load_input
        from ..report.compute import compute
        return Record.of_filing(compute(load_input(path, meta, settings.allow_outside_paths)), str(path))
    if suffix == ".json":
        from ..report import jsonio
        return jsonio.read(path).record(str(path))
    from ..extract import extract
    return Record.of_extraction(extract(path, progress=progress))
