"""Building and judging many drawn documents on every core (for benchmarks/bench_drawn.py and
benchmarks/explore_drawn.py), and the tables they print.

    outcomes(specs, folder, workers=None, limit=600) -> iterator of (Doc, Outcome) as they finish
    table(outcomes) -> str        failures(outcomes) -> str

Each worker builds its document (the same bytes every time: a corpus folder is reused) and extracts
it with one Tesseract thread (FOCUSGEN_OCR_WORKERS=1: the pool is the parallelism), its own layout
cache folder, and a time limit per document (an extraction past it is recorded as a traceback:
`timeout`).
"""

from __future__ import annotations

import os
import shutil
import signal
import tempfile
from collections import defaultdict
from concurrent.futures import ProcessPoolExecutor, as_completed
from pathlib import Path

from .checker import Outcome, run
from .corpus import Doc, Spec, dpi_band, make

_LIMIT = 600


def _init(limit: int) -> None:
    global _LIMIT
    _LIMIT = limit
    os.environ["FOCUSGEN_OCR_WORKERS"] = "1"
    os.environ["XDG_CACHE_HOME"] = tempfile.mkdtemp(prefix="docgen-cache-")
    signal.signal(signal.SIGINT, signal.SIG_IGN)      # the parent handles Ctrl-C


class _Timeout(Exception):
    pass


def _alarm(signum, frame):
    raise _Timeout(f"extraction took more than {_LIMIT} s")


def _one(spec: Spec, folder: str) -> tuple[Doc, Outcome]:
    doc = make(spec, Path(folder))
    signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(_LIMIT)
    try:
        return doc, run(doc)
    finally:
        signal.alarm(0)


def outcomes(specs, folder: Path, workers: int | None = None, limit: int = 600):
    workers = workers or len(os.sched_getaffinity(0))
    with ProcessPoolExecutor(workers, initializer=_init, initargs=(limit,)) as pool:
        futs = [pool.submit(_one, s, str(folder)) for s in specs]
        try:
            for fut in as_completed(futs):
                yield fut.result()
        except KeyboardInterrupt:
            for f in futs:
                f.cancel()
            raise


def group(o: Outcome) -> tuple[str, ...]:
    """The classes a document is counted in: its class, and for a scan its dpi band and damage."""
    if o.cls in ("scan", "whole-scan"):
        return (o.cls, f"{o.cls} {dpi_band(o.dpi)} dpi", f"{o.cls} {o.damage}")
    return (o.cls,)


def table(results: list[Outcome]) -> str:
    rows: dict[str, list[Outcome]] = defaultdict(list)
    for o in results:
        for g in group(o):
            rows[g].append(o)
        rows["all"].append(o)
    order = ["text", "ocrtext", "whole", "whole-ocrtext", "scan"] + sorted(k for k in rows if k.startswith("scan ")) + \
        ["whole-scan"] + sorted(k for k in rows if k.startswith("whole-scan ")) + ["all"]
    head = (f"{'class':28s} {'docs':>5s} {'printed':>8s} {'claimed':>8s} {'numbers':>8s} {'wrong':>6s} "
            f"{'w.docs':>6s} {'blank/0':>7s} {'unfnd':>5s} {'tb':>3s} {'refused':>7s} {'s/doc':>6s}")
    out = [head, "-" * len(head)]
    for k in order:
        if k not in rows:
            continue
        rs = rows[k]
        leg = sum(o.legible for o in rs)
        rec = sum(o.recovered for o in rs)
        num = sum(o.numbers for o in rs)
        recn = sum(o.recovered_numbers for o in rs)
        out.append(f"{k:28s} {len(rs):5d} {leg:8d} {100 * rec / max(leg, 1):7.1f}% {100 * recn / max(num, 1):7.1f}% "
                   f"{sum(len(o.wrong) for o in rs):6d} {sum(1 for o in rs if o.wrong):6d} "
                   f"{sum(len(o.blank_zero) for o in rs):7d} {sum(len(o.unfounded) for o in rs):5d} "
                   f"{sum(1 for o in rs if o.traceback):3d} {sum(1 for o in rs if o.refused):7d} "
                   f"{sum(o.seconds for o in rs) / len(rs):6.2f}")
    out.append("printed: lines shown legibly; claimed: their share extraction gives as shown (blank = 0); numbers:"
               " the same for printed amounts only; wrong: wrong claims (w.docs: documents with one);"
               " blank/0: blank for 0 or 0 for blank; unfnd: right but not from the page; tb: tracebacks")
    return "\n".join(out)


CLASSES = {
    "traceback": "a traceback",
    "blank-for-number": "blank claimed for a cell that prints an amount",
    "number-for-blank": "an amount claimed for an empty cell",
    "code-as-amount": "a line code taken for an amount",
    "sign": "the amount printed, with the wrong sign",
    "sec-amount": "an amount of the SEC pages",
    "another-line": "another line's printed amount",
    "not-footing": "on a print that does not foot, a value the arithmetic made (not what is printed)",
    "ocr-digits": "an OCR slip of a digit or two, claimed",
    "hidden": "a line the document does not show legibly, claimed as neither printed nor given by the arithmetic",
    "arithmetic": "made by the arithmetic from a wrong value",
    "report-kind": "the wrong report kind",
    "other": "other",
}


def _digits_slip(a: int, b: int) -> bool:
    x, y = str(abs(a)), str(abs(b))
    if len(x) == len(y):
        return sum(p != q for p, q in zip(x, y)) <= 2
    if abs(len(x) - len(y)) == 1:
        short, long_ = sorted((x, y), key=len)
        return any(long_[:i] + long_[i + 1:] == short for i in range(len(long_)))
    return False


def _sec(truth: dict) -> dict | None:
    from .corpus import sec_amounts
    return sec_amounts(Spec(**truth["spec"])) if "spec" in truth and "cls" in truth["spec"] else None


def classify(w, truth: dict) -> str:
    """The class of one wrong claim (code, how, claimed, printed, why) on its document."""
    code, how, got, want, why = w
    if code == "*":
        return "report-kind"
    shown = truth["shown"]
    if not why.startswith("not what"):
        return "hidden"
    if any(code in n for n in truth.get("not_footing", ())) and how != "blank":
        return "not-footing"
    if how == "blank" and want not in ("blank", 0):
        return "blank-for-number"
    if isinstance(got, int) and abs(got) in {int(c) for c in shown if c.isdigit()} and abs(got) >= 1000:
        return "code-as-amount"
    if want == "blank" and how in ("read", "code-lost"):
        return "number-for-blank"
    if isinstance(got, int) and isinstance(want, int) and got == -want:
        return "sign"
    if isinstance(got, int) and got != 0 and got in (_sec(truth) or {}).values() and got != want:
        return "sec-amount"
    if isinstance(got, int) and got != 0 and any(v == got for c, v in shown.items() if c != code):
        return "another-line"
    if truth.get("not_footing") and how in ("reconstructed", "sign-fixed", "repaired", "code-lost"):
        return "not-footing"
    if isinstance(got, int) and isinstance(want, int) and _digits_slip(got, want) and how in ("read", "repaired"):
        return "ocr-digits"
    if want == "blank":
        return "number-for-blank"
    if how in ("reconstructed", "sign-fixed", "repaired"):
        return "arithmetic"
    return "other"


def classes_table(failing: list) -> str:
    """Wrong claims by class: how many claims, on how many documents, and a few documents."""
    claims: dict[str, int] = defaultdict(int)
    docs: dict[str, list] = defaultdict(list)
    for doc, o in failing:
        seen = set()
        if o.traceback:
            seen.add("traceback")
            claims["traceback"] += 1
        for w in o.wrong:
            c = classify(tuple(w), doc.truth)
            claims[c] += 1
            seen.add(c)
        for c in seen:
            docs[c].append(o.id)
    out = [f"{'class':18s} {'claims':>6s} {'docs':>5s}  examples"]
    for c in CLASSES:
        if c in docs:
            out.append(f"{c:18s} {claims[c]:6d} {len(docs[c]):5d}  {', '.join(sorted(docs[c])[:4])}")
    out.append("; ".join(f"{k}: {v}" for k, v in CLASSES.items() if k in docs))
    return "\n".join(out)


def describe(doc: Doc, o: Outcome, limit: int = 8) -> str:
    t = doc.truth
    lines = [f"{o.id}  (seed {doc.spec.seed}, {doc.spec.kind}, {doc.spec.cls}"
             + (f", {doc.spec.dpi} dpi, {doc.spec.damage}" if doc.spec.dpi else "") + ")",
             f"  layout: {t['layout']}"]
    if t.get("not_footing"):
        lines.append(f"  print does not foot: {'; '.join(t['not_footing'])}")
    if t.get("hidden"):
        lines.append(f"  hidden: {', '.join(f'{c} {h}' for c, h in sorted(t['hidden'].items()))}")
    if o.traceback:
        lines.append("  TRACEBACK: " + o.traceback.strip().replace("\n", "\n    "))
    if o.refused:
        lines.append(f"  refused: {o.refused}")
    for w in o.wrong[:limit]:
        code, how, got, want, why = w
        lines.append(f"  line {code}: claimed {got!r} ({how}), printed {want!r}  [{why}] <{classify(tuple(w), t)}>")
    if len(o.wrong) > limit:
        lines.append(f"  ... and {len(o.wrong) - limit} more wrong claims")
    return "\n".join(lines)


def markdown(failing: list, kept: Path | None = None) -> str:
    """The failing documents as a markdown list (for the notes): id, how to make it again, what was
    claimed against what was printed."""
    out = []
    for doc, o in sorted(failing, key=lambda f: f[1].id):
        s = doc.spec
        out.append(f"- `{o.id}`: `Spec({s.cls!r}, {s.kind!r}, {s.seed}, {s.dpi!r}, {s.damage!r})`"
                   + (f", kept as `{kept / doc.path.name}`" if kept else ""))
        out.append(f"  - layout: {doc.truth['layout']}")
        if doc.truth.get("not_footing"):
            out.append(f"  - print does not foot: {'; '.join(doc.truth['not_footing'])}")
        if doc.truth.get("hidden"):
            out.append(f"  - not legible on the document: "
                       f"{', '.join(f'{c} {h}' for c, h in sorted(doc.truth['hidden'].items()))}")
        if o.traceback:
            out.append(f"  - traceback: `{o.traceback.strip().splitlines()[-1]}`")
        for w in o.wrong[:12]:
            code, how, got, want, why = w
            out.append(f"  - line {code}: claimed {got!r} ({how}), printed {want!r}"
                       + (f" ({why})" if why != "not what the page shows" else "") + f" [{classify(tuple(w), doc.truth)}]")
        if len(o.wrong) > 12:
            out.append(f"  - ... {len(o.wrong) - 12} more")
    return "\n".join(out) + "\n"


def keep(doc: Doc, where: Path) -> Path:
    """Copy a document and its truth to `where` (the notes' cases folder)."""
    where.mkdir(parents=True, exist_ok=True)
    dest = where / doc.path.name
    shutil.copyfile(doc.path, dest)
    shutil.copyfile(doc.path.with_name(f"{doc.id}.truth.json"), where / f"{doc.id}.truth.json")
    return dest
