"""The public posting of Regulation 1.55(o): an FCM posts on its website its segregation, secured and
cleared-swaps statements (the Daily Seg) and the month-end statements (the FOCUS II CFTC pages) of the
last 12 months.

`focusgen disclose FOLDER --out DIR` finds the filings focusgen built under FOLDER (each output folder's
manifest.json, its filing JSON and its public copy `<stem>-public.pdf`), keeps those as of the 12 months
up to the newest (or up to --as-of), and writes DIR as one set (outputs.py): one PDF per filing, named
`<as-of>-<report>.pdf`, an index.html listing them by date with each statement's excess, and a
manifest.json (so `focusgen verify DIR` proves the posting).

Collecting, in this order, and nothing written unless all of it holds:
  1. every build folder under FOLDER (links to folders are not followed; at most MAX_BUILDS);
  2. each build's filing JSON, hash-checked against its manifest before it is read for anything, then
     read by the one schema (report/jsonio), its summary checked against its lines: any failure is
     refused by name wherever the build lies, since its date cannot be trusted;
  3. the 12 months chosen from those dates; builds outside them are passed over (listed, never read
     further: an older Daily Seg built without --public does not block the posting);
  4. each filing to post: its public copy named by the manifest, a regular file within MAX_PDF, hash-
     checked; the posting's file names made from the validated report kind and date only.
`--out` may not be FOLDER, lie inside it or contain it (links resolved), nor hold a build's outputs.
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from .problems import InputProblems, Problem, quote

MAX_BUILDS = 20_000                 # output folders searched under FOLDER
MAX_FOLDERS = 200_000               # folders walked under FOLDER looking for them
MAX_PDF = 64 * 2**20                # one public copy (a filing's PDF is 0.1-1 MB)
MAX_POSTING = 2 * 2**30             # every public copy posted, together


@dataclass
class Posted:
    report: str
    form: str
    as_of: date
    firm: str
    status: str
    excess: dict                    # segregation / secured / cleared_swaps -> {"line", "value"}
    pdf: bytes
    source: Path                    # the public copy it was taken from
    capital: dict | None = None     # a month-end filing's capital figures (Regulation 1.55(o)(1)(iv))

    @property
    def name(self) -> str:
        return f"{self.as_of.isoformat()}-{self.report}.pdf"


@dataclass(frozen=True)
class Passed:
    """A build outside the 12 months: not posted, and not required to have a public copy."""
    source: Path                    # its output folder
    report: str
    as_of: date


@dataclass
class _Build:
    """A build whose filing JSON was found as its build wrote it, and read."""
    folder: Path
    manifest: object                # manifest.Manifest
    filing: object                  # report.jsonio.FilingDoc
    as_of: date


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _changed(path: Path) -> Problem:
    return Problem("output-changed", str(path), "differs from what its build wrote (manifest.json)",
                   expected="the outputs as focusgen build wrote them")


def _manifests(folder: Path, problems: list[Problem]) -> list[Path]:
    """The output folders under `folder` (each holding an entry named manifest.json), in name order;
    symbolic links to folders are not followed. Too many builds or folders is a problem, never a
    silently shortened posting."""
    found, walked = [], 0
    for parent, dirs, files in os.walk(folder, followlinks=False):
        walked += 1
        if walked > MAX_FOLDERS or len(found) > MAX_BUILDS:
            problems.append(Problem("file-too-large", str(folder), f"holds more than {MAX_BUILDS:,} builds or "
                                    f"{MAX_FOLDERS:,} folders", expected="a folder of one firm's output folders"))
            return []
        dirs.sort()
        if "manifest.json" in files or ("manifest.json" in dirs and os.path.islink(os.path.join(parent, "manifest.json"))):
            found.append(Path(parent))
    return sorted(found)


def _read(build: Path, problems: list[Problem]):
    """A build folder: a _Build (its filing JSON verified and read), a Manifest for a build that lists
    no filing JSON, or None (a posting, or problems)."""
    from .inputs.formats import read_bytes
    from .manifest import read_manifest
    from .report import jsonio
    doc = read_manifest(build, problems)
    if doc is None or doc.posting:
        return None
    # only the folder's own files: a link could post (and hash) a file from anywhere
    links = [n for n in doc.outputs if (build / n).is_symlink()]
    for n in links:
        problems.append(Problem("not-a-regular-file", str(build / n), "is a symbolic link",
                                expected="the outputs as focusgen build wrote them"))
    if links:
        return None
    filings = [n for n in doc.outputs if n.endswith(".json")]
    if not filings:
        return doc
    if len(filings) > 1:
        problems.append(Problem("bad-manifest", str(build / "manifest.json"), f"lists {len(filings)} filing "
                                "JSONs", expected="the manifest.json of one build (one filing)"))
        return None
    name = filings[0]
    data = read_bytes(build / name, problems, jsonio.MAX_BYTES, expected="filing JSON", follow=False)
    if data is None:
        return None
    if _sha(data) != doc.outputs[name]:          # checked before the JSON is read for anything
        problems.append(_changed(build / name))
        return None
    try:
        filing = jsonio.parse(data, str(build / name))
    except InputProblems as exc:
        problems.extend(exc.problems)
        return None
    if not _summary_holds(filing, build / name, problems):
        return None
    return _Build(build, doc, filing, date.fromisoformat(filing.as_of))


def _summary_holds(filing, path: Path, problems: list[Problem]) -> bool:
    """The JSON states the excess of each statement the posting shows, and states it as its lines do."""
    from .form import formdef
    summary = {s.statement: s for s in filing.summary}
    values = filing.values()
    ok = True
    for st in formdef.report(filing.report).statements:
        line = st.summary.get("excess")
        if not st.name or line is None:
            continue
        entry = summary.get(st.key)
        figure = entry.excess if entry is not None else None
        if figure is None or figure.line != line:
            problems.append(Problem("not-a-filing", str(path), f"states no summary of its {st.short} statement "
                                    f"(line {line})", expected="a filing JSON written by focusgen build "
                                    "(build it again)"))
            ok = False
        elif figure.value != values.get(line):
            problems.append(Problem("not-a-filing", str(path), f"states {quote(figure.value)} as its {st.short} "
                                    f"excess, but line {line} is {quote(values.get(line))}",
                                    expected="a filing JSON written by focusgen build (build it again)"))
            ok = False
    return ok


def _capital(filing) -> dict | None:
    """A month-end filing's capital figures for the 12-month summary of Regulation 1.55(o)(1)(iv):
    adjusted net capital (the input), the minimum net capital requirement and the excess, and for a
    BD-FCM the SEC figures its input gives (net capital, minimum, excess)."""
    cap = next((e for e in filing.summary if e.early_warning is not None), None)
    if cap is None:
        return None
    requirement = (cap.minimum_net_capital or cap.requirement).value
    anc = filing.adjusted_net_capital
    sec_nc = filing.alert_inputs.get("sec_net_capital")
    sec_min = filing.alert_inputs.get("sec_minimum_net_capital")
    return {"adjusted_net_capital": anc, "requirement": requirement,
            "excess": None if anc is None or requirement is None else anc - requirement,
            "sec_net_capital": sec_nc, "sec_minimum": sec_min,
            "sec_excess": None if sec_nc is None or sec_min is None else sec_nc - sec_min}


def missing_daily(posted: list[Posted], start: date, end: date) -> list[date]:
    """Every business day after `start` up to `end` (the posting's 12 months) without its daily statement,
    on the daily report's calendar (its `schedule:`)."""
    from .form import formdef
    kinds = [k for k in formdef.REPORT_KINDS if formdef.report(k).schedule is not None
             and formdef.report(k).schedule.daily]
    if not kinds:
        return []
    cal = formdef.report(kinds[0]).schedule.calendar
    have = {p.as_of for p in posted if p.report in kinds}
    return [d for d in cal.business_days(start + timedelta(days=1), end) if d not in have]


def runs(days: list[date]) -> list[tuple[date, date]]:
    """Missing days as (first, last) runs, a run broken where a day between them was posted: 250 missing
    days read as a few ranges. `days` holds only business days, so a gap of a weekend or a holiday is no
    break unless a day in it is a business day that is not in `days` (which the calendar decides)."""
    from .form import formdef
    cal = next(formdef.report(k).schedule.calendar for k in formdef.REPORT_KINDS
               if formdef.report(k).schedule is not None and formdef.report(k).schedule.daily)
    found: list[list[date]] = []
    for d in days:
        if found and cal.following(found[-1][1]) == d:
            found[-1][1] = d
        else:
            found.append([d, d])
    return [(a, b) for a, b in found]


def _year_before(d: date) -> date:
    try:
        return d.replace(year=d.year - 1)
    except ValueError:          # 29 February
        return d.replace(year=d.year - 1, day=28)


def _date(text) -> date | None:
    try:
        return date.fromisoformat(text) if isinstance(text, str) else None
    except ValueError:
        return None


def _choose(kept: list[_Build], problems: list[Problem]) -> tuple[list[_Build], list[_Build]]:
    """One filing per report and date: an amendment replaces the filing it amends. (The chosen, and the
    duplicates refused: their public copies are checked too, so every problem is said at once.)"""
    chosen: dict[tuple[str, date], _Build] = {}
    twice: list[_Build] = []
    for b in sorted(kept, key=lambda b: str(b.folder)):
        key = (b.filing.report, b.as_of)
        other = chosen.get(key)
        amended = b.filing.filing_status.upper() == "AMENDED"
        if other is None:
            chosen[key] = b
        elif amended != (other.filing.filing_status.upper() == "AMENDED"):
            chosen[key] = b if amended else other
        else:
            problems.append(Problem("duplicate-filing", str(b.folder), f"is also {b.filing.report} as of "
                                    f"{b.as_of} ({other.folder})", expected="one filing per report and date (an "
                                    "amendment replaces its original)"))
            twice.append(b)
    return list(chosen.values()), twice


def _posted(b: _Build, problems: list[Problem], room: list[int]) -> Posted | None:
    """The filing to post: its public copy, a regular file of this folder as its build wrote it."""
    from .form import formdef
    from .inputs.formats import read_bytes
    name = next(n for n in b.manifest.outputs if n.endswith(".json"))
    public = b.manifest.public_copy
    if public is None or public not in b.manifest.outputs:
        problems.append(Problem("no-public-copy", str(b.folder / name), "was built without its public copy",
                                expected=f"build it again with focusgen build --public "
                                f"(it writes {name[:-5]}-public.pdf)"))
        return None
    pdf = read_bytes(b.folder / public, problems, min(MAX_PDF, room[0]), expected="public copy", follow=False)
    if pdf is None:
        return None
    room[0] -= len(pdf)
    if _sha(pdf) != b.manifest.outputs[public]:
        problems.append(_changed(b.folder / public))
        return None
    f = b.filing
    names = {st.key: st.name for st in formdef.report(f.report).statements}
    excess = {names[e.statement]: {"line": e.excess.line, "value": e.excess.value}
              for e in f.summary if e.excess is not None and names.get(e.statement)}
    return Posted(report=f.report, form=f.form or f.report, as_of=b.as_of, firm=f.firm.name,
                  status=f.filing_status, excess=excess, pdf=pdf, source=b.folder / public, capital=_capital(f))


def collect(folder: Path, as_of: date | None = None, passed_over: list | None = None) -> list[Posted]:
    """The filings to post, newest first (builds outside the 12 months go to `passed_over`). Raises
    InputProblems with every problem found; nothing is written by collecting.

    Long: the steps of the module's docstring, in order, each refusing by name."""
    if not folder.is_dir():
        raise InputProblems([Problem("file-not-found", str(folder), "is not a folder",
                                     expected="a folder of focusgen build outputs")])
    problems: list[Problem] = []
    builds, without_json = [], []
    for build in _manifests(folder, problems):
        got = _read(build, problems)
        if isinstance(got, _Build):
            builds.append(got)
        elif got is not None:
            without_json.append((build, got))
    if not builds and not without_json and not problems:
        problems.append(Problem("no-inputs", str(folder), "holds no filing built by focusgen",
                                expected="output folders of focusgen build --public"))
    if problems:
        raise InputProblems(problems)
    if as_of is None and not builds:
        raise InputProblems([Problem("no-inputs", str(folder), "holds no filing JSON built by focusgen",
                                     expected="output folders of focusgen build --public (with the JSON)")])
    end = as_of or max(b.as_of for b in builds)
    start = _year_before(end)       # the 12 months up to `end`: after this date, up to and including `end`
    inside = lambda d: d is not None and start < d <= end  # noqa: E731
    kept = [b for b in builds if inside(b.as_of)]
    passed = [Passed(b.folder, b.filing.report, b.as_of) for b in builds if not inside(b.as_of)]
    for build, doc in without_json:
        # a build without its filing JSON: dated only by its manifest; outside the 12 months it is passed
        # over, otherwise (or undated) it is a filing that cannot be posted, named
        stated = _date(doc.as_of)
        if stated is not None and not inside(stated) and doc.report is not None:
            passed.append(Passed(build, doc.report, stated))
        else:
            problems.append(Problem("no-filing-json", str(build), "lists no filing JSON (built without the json "
                                    "format)", expected="build it again with focusgen build --public and the "
                                    "json format (the default formats)"))
    if passed_over is not None:
        passed_over.extend(sorted(passed, key=lambda p: (p.as_of, p.report, str(p.source))))
    firms = sorted({b.filing.firm.name for b in kept})
    if len(firms) > 1:
        problems.append(Problem("several-firms", str(folder), f"holds filings of {len(firms)} firms: "
                                f"{'; '.join(firms)}", expected="one firm's filings (one posting per FCM)"))
    chosen, twice = _choose(kept, problems)
    if not chosen and not problems:
        problems.append(Problem("no-inputs", str(folder), f"holds no filing as of {start} to {end}",
                                expected="filings of the 12 months to post"))
    room = [MAX_POSTING]
    posted = [p for p in (_posted(b, problems, room) for b in chosen + twice) if p is not None]
    if problems:
        raise InputProblems(problems)
    return sorted(posted, key=lambda p: (p.as_of, p.report), reverse=True)


def _out_problems(folder: Path, out_dir: Path) -> list[Problem]:
    """--out may not be FOLDER, lie inside it or contain it (links resolved), nor hold a build."""
    from .manifest import NAME, read_manifest
    here, there = folder.resolve(), Path(os.path.abspath(out_dir)).resolve()
    why = ("is the folder the filings are read from" if here == there else
           "lies inside the folder the filings are read from" if there.is_relative_to(here) else
           "holds the folder the filings are read from" if here.is_relative_to(there) else None)
    if why is None and (there / NAME).exists():
        doc = read_manifest(there, [])
        if doc is None or not doc.posting:
            why = "holds a build's outputs (its manifest.json is not a posting's)"
    if why is None:
        return []
    return [Problem("bad-option", "--out", f"{quote(str(out_dir))} {why}: the posting replaces its folder as "
                    "a set", expected="a folder of its own for the posting, outside FOLDER (such as public/)")]


def disclose(folder: Path, out_dir: Path, as_of: date | None = None,
             passed_over: list | None = None) -> tuple[list[Posted], list[Path], list[date]]:
    """The posting written; (the filings posted, the files written, the business days of the 12 months
    without a daily statement). Builds outside the 12 months go to `passed_over`."""
    from .outputs import MANIFEST, unplain, write_set
    from .render.disclose import render_index
    bad = _out_problems(folder, out_dir)
    if bad:
        raise InputProblems(bad)
    posted = collect(folder, as_of, passed_over)
    end = as_of or posted[0].as_of
    missing = missing_daily(posted, _year_before(end), end)
    files = {p.name: p.pdf for p in posted}
    assert all(unplain(name) is None for name in files)     # a date and a report kind: plain by construction
    files["index.html"] = render_index(posted).encode("utf-8")
    doc = {"posting": "CFTC Regulation 1.55(o)", "filings": [
        {"path": p.name, "report": p.report, "as_of": p.as_of.isoformat(), "status": p.status} for p in posted],
        "capital_summary": [dict(p.capital, as_of=p.as_of.isoformat()) for p in posted if p.capital],
        "missing_daily_statements": [d.isoformat() for d in missing],
        "outputs": [{"path": name, "sha256": _sha(data)} for name, data in files.items()]}
    files[MANIFEST] = (json.dumps(doc, indent=2) + "\n").encode("utf-8")
    return posted, write_set(out_dir, files), missing
