"""An amended filing against its original: the original is loaded as any filing is (sources.py:
focusgen's JSON, a filed PDF or scan, text), must be the same report kind, as-of date and firm, and
the amendment lists every line that changed (code, label, original, amended), by rules.py's rules (a
line the original does not show legibly is listed apart, never counted as unchanged, nor as changed).
An amendment that changes nothing is refused: there would be nothing to amend."""

from __future__ import annotations

from dataclasses import replace

from ..problems import InputProblems, Problem
from ..report.model import Amendment, Filing
from . import rules
from .sources import load


def amendment(filing: Filing) -> Amendment | None:
    """None for an original filing; raises InputProblems naming what is wrong with the amendment."""
    path = filing.input.amends
    h = filing.header
    if path is None:
        return None
    name = str(filing.input.files[0])
    original = load(path)
    kind, as_of = filing.report.kind, h.as_of.isoformat()
    problems = []
    if original.report != kind:
        problems.append(Problem("amends-other-report", name, f"amends {h.amends}, a {original.report} filing; this "
                                f"one is {kind}", "amends", f"the original {kind} filing"))
    if original.as_of != as_of:
        problems.append(Problem("amends-other-date", name, f"amends {h.amends}, as of {original.as_of or 'no date it shows'}; "
                                f"this filing is as of {as_of}", "amends", f"the original filing as of {as_of}"))
    if not rules.same_firm(original.firm, h.firm.name):
        problems.append(Problem("amends-other-firm", name, f"amends {h.amends}, filed by "
                                f"{original.firm or 'a firm it does not show'}; this filing is {h.firm.name}",
                                "amends", f"the original filing of {h.firm.name}"))
    if problems:
        raise InputProblems(problems)
    rep = filing.report
    changes, not_compared = [], []
    for p in rules.compare(rep.amount_codes, filing.values, original):
        # a line printed without a code (Daily Seg 12 A/B/C) goes by focusgen's key, 8715A-C, as in the JSON
        if p.status == rules.NOT_COMPARED:
            not_compared.append(p.code)
        elif p.status == rules.DIFFERS:
            changes.append({"line": p.code, "label": rep.lines[p.code].label, "original": p.other,
                            "amended": p.current})
    for code in rep.text_codes:
        now, before = filing.names.get(code), original.names.get(code)
        if (now or "") != (before or ""):
            changes.append({"line": code, "label": rep.lines[code].label, "original": before, "amended": now})
    if not changes:
        more = f"; {len(not_compared)} line(s) the original does not show legibly were not compared" \
            if not_compared else ""
        raise InputProblems([Problem("amendment-changes-nothing", name, f"every line is as in the original "
                                     f"{h.amends}{more}", "amends", "an amendment that changes at least one line "
                                     "(or the original filing, left as it was)")])
    # the original's hash as it was read with the inputs (never read again, unbounded)
    sha = dict(filing.input.file_hashes)[str(path)]
    return Amendment(source=h.amends, sha256=sha, reason=h.reason,
                     original={"report": original.report, "as_of": original.as_of, "firm": original.firm,
                               "method": original.method},
                     changes=tuple(changes), not_compared=tuple(not_compared))


def with_amendment(filing: Filing) -> Filing:
    """The filing with its amendment (unchanged for an original filing)."""
    a = amendment(filing)
    return filing if a is None else replace(filing, amendment=a)
