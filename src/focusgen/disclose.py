"""The public posting of Regulation 1.55(o): an FCM posts on its website its segregation, secured and
cleared-swaps statements (the Daily Seg) and the month-end statements (the FOCUS II CFTC pages) of the
last 12 months.

`focusgen disclose FOLDER --out DIR` finds the filings focusgen built under FOLDER (each output folder's
manifest.json, its filing JSON and its public copy `<stem>-public.pdf`), keeps those as of the 12 months
up to the newest (or up to --as-of), and writes DIR as one set (outputs.py): one PDF per filing, named
`<as-of>-<report>.pdf`, an index.html listing them by date with each statement's excess, and a
manifest.json (so `focusgen verify DIR` proves the posting). Every file taken is checked against its
build's manifest first: a changed JSON or PDF is refused, never posted.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from .problems import InputProblems, Problem

MAX_BUILDS = 20_000                 # output folders searched under FOLDER
MAX_PDF = 200 * 2**20


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


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _one_build(folder: Path, problems: list[Problem]) -> list[Posted]:
    """The filings of one output folder whose manifest names a public copy (else a problem). Every file
    is checked against the manifest before it is read for anything."""
    from .form import formdef
    from .inputs.formats import read_bytes
    from .manifest import read_manifest
    from .report import jsonio
    doc = read_manifest(folder, problems)
    if doc is None:
        return []
    listed = doc.outputs
    filings = [n for n in listed if n.endswith(".json")]
    found = []
    # only the folder's own files: a link could post (and hash) a file from anywhere
    links = [n for n in listed if (folder / n).is_symlink()]
    for n in links:
        problems.append(Problem("not-a-regular-file", str(folder / n), "is a symbolic link",
                                expected="the outputs as focusgen build wrote them"))
    if links:
        return []
    for name in filings:
        data = read_bytes(folder / name, problems, jsonio.MAX_BYTES, expected="filing JSON")
        if data is None:
            continue
        if _sha(data) != listed[name]:
            problems.append(Problem("output-changed", str(folder / name), "differs from what its build wrote "
                                    "(manifest.json)", expected="the outputs as focusgen build wrote them"))
            continue
        try:
            filing = jsonio.parse(data.decode("utf-8"), str(folder / name))
        except InputProblems as exc:
            problems.extend(exc.problems)
            continue
        except UnicodeDecodeError:
            problems.append(Problem("not-a-filing", str(folder / name), "is not UTF-8 text",
                                    expected="a JSON written by focusgen build"))
            continue
        if formdef.is_report_kind(filing.report) and not formdef.report(filing.report).posted:
            continue        # a report 1.55(o) does not have posted (the SIDR): not part of the posting
        public = doc.public_copy
        if public is None or public not in listed:
            problems.append(Problem("no-public-copy", str(folder / name), "was built without its public copy",
                                    expected=f"build it again with focusgen build --public "
                                    f"(it writes {name[:-5]}-public.pdf)"))
            continue
        pdf = read_bytes(folder / public, problems, MAX_PDF, expected="public copy")
        if pdf is None:
            continue
        if _sha(pdf) != listed[public]:
            problems.append(Problem("output-changed", str(folder / public), "differs from what its build wrote "
                                    "(manifest.json)", expected="the outputs as focusgen build wrote them"))
            continue
        names = {st.key: st.name for st in formdef.report(filing.report).statements}
        excess = {names[e.statement]: {"line": e.excess.line, "value": e.excess.value}
                  for e in filing.summary if e.excess is not None and names.get(e.statement)}
        found.append(Posted(report=filing.report, form=filing.form or filing.report,
                            as_of=date.fromisoformat(filing.as_of), firm=filing.firm.name,
                            status=filing.filing_status, excess=excess, pdf=pdf, source=folder / public,
                            capital=_capital(filing)))
    return found


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


def collect(folder: Path, as_of: date | None = None) -> list[Posted]:
    """The filings to post, newest first. Raises InputProblems with every problem found."""
    if not folder.is_dir():
        raise InputProblems([Problem("file-not-found", str(folder), "is not a folder",
                                     expected="a folder of focusgen build outputs")])
    problems: list[Problem] = []
    found: list[Posted] = []
    for manifest in sorted(folder.rglob("manifest.json"))[:MAX_BUILDS]:
        if manifest.is_file() and not manifest.is_symlink():
            found += _one_build(manifest.parent, problems)
    if not found and not problems:
        problems.append(Problem("no-inputs", str(folder), "holds no filing built by focusgen",
                                expected="output folders of focusgen build --public"))
    if problems:
        raise InputProblems(problems)
    end = as_of or max(p.as_of for p in found)
    start = _year_before(end)       # the 12 months up to `end`: after this date, up to and including `end`
    kept = [p for p in found if start < p.as_of <= end]
    firms = sorted({p.firm for p in kept})
    if len(firms) > 1:
        problems.append(Problem("several-firms", str(folder), f"holds filings of {len(firms)} firms: "
                                f"{'; '.join(firms)}", expected="one firm's filings (one posting per FCM)"))
    chosen: dict[tuple[str, date], Posted] = {}
    for p in sorted(kept, key=lambda p: str(p.source)):
        key = (p.report, p.as_of)
        other = chosen.get(key)
        if other is None:
            chosen[key] = p
        elif (p.status.upper() == "AMENDED") != (other.status.upper() == "AMENDED"):
            # an amendment replaces the filing it amends
            chosen[key] = p if p.status.upper() == "AMENDED" else other
        else:
            problems.append(Problem("duplicate-filing", str(p.source), f"is also {p.report} as of {p.as_of} "
                                    f"({other.source})", expected="one filing per report and date (an "
                                    "amendment replaces its original)"))
    if not chosen:
        problems.append(Problem("no-inputs", str(folder), f"holds no filing as of {start} to {end}",
                                expected="filings of the 12 months to post"))
    if problems:
        raise InputProblems(problems)
    return sorted(chosen.values(), key=lambda p: (p.as_of, p.report), reverse=True)


def disclose(folder: Path, out_dir: Path, as_of: date | None = None) -> tuple[list[Posted], list[Path], list[date]]:
    """The posting written; (the filings posted, the files written, the business days of the 12 months
    without a daily statement)."""
    from .outputs import MANIFEST, write_set
    from .render.disclose import render_index
    posted = collect(folder, as_of)
    end = as_of or posted[0].as_of
    missing = missing_daily(posted, _year_before(end), end)
    files = {p.name: p.pdf for p in posted}
    files["index.html"] = render_index(posted).encode("utf-8")
    doc = {"posting": "CFTC Regulation 1.55(o)", "filings": [
        {"path": p.name, "report": p.report, "as_of": p.as_of.isoformat(), "status": p.status} for p in posted],
        "capital_summary": [dict(p.capital, as_of=p.as_of.isoformat()) for p in posted if p.capital],
        "missing_daily_statements": [d.isoformat() for d in missing],
        "outputs": [{"path": name, "sha256": _sha(data)} for name, data in files.items()]}
    files[MANIFEST] = (json.dumps(doc, indent=2) + "\n").encode("utf-8")
    return posted, write_set(out_dir, files), missing
