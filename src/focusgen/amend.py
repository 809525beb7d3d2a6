"""An amended filing against its original: the original is read as `extract` reads any prior filing
(focusgen's JSON, a filed PDF or scan, text), must be the same report kind, as-of date and firm, and
the amendment lists every line that changed (code, label, original, amended). An amendment that
changes nothing is refused: there would be nothing to amend.

Blank and 0 are the same amount here, as in `check`. A line the original does not show legibly
cannot be compared: it is listed apart (never counted as unchanged, nor as changed)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from .problems import InputProblems, Problem


@dataclass
class Amendment:
    source: str                     # the original as the input names it
    sha256: str
    reason: str
    original: dict                  # report, as_of, firm, method of reading
    changes: list[dict] = field(default_factory=list)
    not_compared: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {"amends": self.source, "sha256": self.sha256, "reason": self.reason, "original": self.original,
                "changes": self.changes, "not_compared": self.not_compared}


def _letters(text: str | None) -> str:
    return "".join(c for c in (text or "").upper() if c.isalnum())


def amendment(filing) -> Amendment | None:
    """None for an original filing; raises InputProblems naming what is wrong with the amendment."""
    path = filing.input.amends
    h = filing.header
    if path is None:
        return None
    from .extract import extract
    name = str(filing.input.files[0])
    original = extract(path)
    kind, as_of = filing.report.kind, h.as_of.isoformat()
    problems = []
    if original.report != kind:
        problems.append(Problem("amends-other-report", name, f"amends {h.amends}, a {original.report} filing; this "
                                f"one is {kind}", "amends", f"the original {kind} filing"))
    if original.as_of != as_of:
        problems.append(Problem("amends-other-date", name, f"amends {h.amends}, as of {original.as_of or 'no date it shows'}; "
                                f"this filing is as of {as_of}", "amends", f"the original filing as of {as_of}"))
    if _letters(original.firm) != _letters(h.firm.name):
        problems.append(Problem("amends-other-firm", name, f"amends {h.amends}, filed by "
                                f"{original.firm or 'a firm it does not show'}; this filing is {h.firm.name}",
                                "amends", f"the original filing of {h.firm.name}"))
    if problems:
        raise InputProblems(problems)
    rep = filing.report
    result = Amendment(source=h.amends, sha256=hashlib.sha256(path.read_bytes()).hexdigest(), reason=h.reason,
                       original={"report": original.report, "as_of": original.as_of, "firm": original.firm,
                                 "method": original.method})
    for code in rep.amount_codes:
        now, before = filing.values.get(code), original.lines.get(code)
        if before is None and original.how.get(code) != "blank":       # not shown, or not legibly
            if now is not None:
                result.not_compared.append(code)
            continue
        if (now or 0) != (before or 0):
            # a line printed without a code (Daily Seg 12 A/B/C) goes by focusgen's key, 8715A-C, as in the JSON
            result.changes.append({"line": code, "label": rep.lines[code].label, "original": before,
                                   "amended": now})
    for code in rep.text_codes:
        now, before = filing.names.get(code), original.names.get(code)
        if (now or "") != (before or ""):
            result.changes.append({"line": code, "label": rep.lines[code].label,
                                   "original": before, "amended": now})
    if not result.changes:
        more = f"; {len(result.not_compared)} line(s) the original does not show legibly were not compared" \
            if result.not_compared else ""
        raise InputProblems([Problem("amendment-changes-nothing", name, f"every line is as in the original "
                                     f"{h.amends}{more}", "amends", "an amendment that changes at least one line "
                                     "(or the original filing, left as it was)")])
    return result
