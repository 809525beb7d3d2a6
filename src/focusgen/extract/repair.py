"""Settling values with the form's arithmetic, and saying how each was settled (how.py).

The rules, which every step below keeps:
- A number the page prints is never replaced by arithmetic. Arithmetic fills only a cell that shows
  nothing legible; where a printed value and the arithmetic disagree, the value stands and the
  failed edit check is the prior's finding.
- A reconstruction uses known values only, and an empty cell is a known 0 only where the page
  shows the filer filled that arithmetic in: filers print totals without their parts (7455 without
  7425 and 7445), so empty parts next to no printed part say nothing, and a value is made from an
  equation only when at least one of its parts other than the one made is a number the page gives
  (then an empty part beside it is 0, as the form adds it: 7160 empty among the twelve parts of
  7180). An empty total is never a known 0 for a part. An edit check, which tests what the page
  prints, counts an empty cell as 0, as the form does; except a total printed over parts that are
  all empty: a total given without its parts, not checked.
- The one-way relations (a greatest-of, a percentage) are the formula table's own evaluation
  (evaluate, below): a blank operand is what the form makes of it (no part in a greatest-of; a
  percentage of a blank line is blank, so nothing is filled and nothing checked), and an unknown
  operand (missing, unreadable, unconfirmed) makes the value unknown: never 0, never left out.
- A reading that is not confirmed (on a scan, one witness only; a number joined from pieces; cents
  rounded) is a candidate: `repaired` when the arithmetic of claimed values gives exactly it,
  otherwise `unconfirmed` (null, the candidate kept for the eye). Arithmetic may fill such a cell
  (`reconstructed`) only when what was seen is the arithmetic's value but for an OCR slip (a digit
  or two, digits cut off one end), and never over a reading two witnesses agreed on.
- A text layer (a PDF's characters) says what the page says: its values keep their claim when an
  edit check fails. Doubt is for OCR and for text of unknown origin: there, the values that could
  explain a failed check lose their claim (unconfirmed) and the rest is settled again without them.

Order of work, from the surest evidence to the least:
1. deduct lines read positive are negated (the form prints them in parentheses; OCR loses them);
2. every sum or difference of the form is an equation: one with a single unknown is solved
   (reconstructed, or a candidate confirmed); one fully known is checked, and a value whose sign
   was uncertain (an unbalanced parenthesis) is settled by the sign that makes it foot (sign-fixed).
   A value made from an unsure sign is no witness for it: an equation it takes part in settles not
   that sign, and it is undone when the sign stays unsure (or taken back and made again when
   another equation turns the sign over). On a page that does not foot, a cell the equations give
   two values, or one only from lines of a check that fails, is not made (_conflicts): left
   unknown with a finding;
3. orphan amounts (no code, no label) are placed only where exactly one order-preserving
   placement makes more of the form's relations hold than any other (code-lost);
4. a formula's known value is read backwards (the early warning level's note: 7495 / 7490 names
   the governing line);
5. last, the practice identities of the form definition fill a still-unknown value, flagged.
A value that nothing settles stays null with a finding.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations

from ..form.formdef import Report
from ..money import fmt_amount
from ..problems import Finding, Note
from .how import Found, How
from .reader import Reading

MAX_PLACEMENTS = 5000

# What a reading was: the text layer of a PDF (the page's own characters), text of unknown origin
# (a .txt, often OCR of a filed report), or our OCR of a scan.
TEXT_LAYER, TEXT, OCR = "text-layer", "text", "ocr"


@dataclass
class State:
    values: dict[str, int | None]
    how: dict[str, str]
    unsure: set[str] = field(default_factory=set)
    candidates: dict[str, int] = field(default_factory=dict)   # what the page seems to show, unconfirmed
    witnessed: set[str] = field(default_factory=set)          # candidates two witnesses had agreed on
    findings: list[Finding] = field(default_factory=list)
    edit_failures: list[Finding] = field(default_factory=list)       # Found.EDIT_CHECK
    empty_rows: set[str] = field(default_factory=set)    # lines whose row was found holding no amount
    unchecked: set[str] = field(default_factory=set)      # totals printed without their parts
    rests: dict[str, set[str]] = field(default_factory=dict)  # a made value -> the unsure signs it was made from
    before: dict[str, tuple] = field(default_factory=dict)    # a made value -> (value, how) before it was made
    conflicted: dict[str, set[int]] = field(default_factory=dict)  # cells the equations give two values

    def known(self, code: str) -> bool:
        return self.values[code] is not None

    def term(self, code: str) -> int | None:
        """A value for an edit check: a blank cell counts as 0 (as the form adds it), an unknown one is None."""
        if self.values[code] is not None:
            return self.values[code]
        return 0 if self.how[code] == How.BLANK else None

    def part(self, code: str) -> int | None:
        """A value to make another from: known values only; a blank cell is no known 0."""
        return self.values[code]

    def note(self, code: str | None, kind: str, message: str) -> None:
        """A finding of `kind` (how.Found) about line `code` (None: about no line)."""
        self.findings.append(Note(kind, message, code))

    def failed(self, code: str, message: str) -> None:
        """A failed edit check of line `code`: the prior's own arithmetic does not foot."""
        self.edit_failures.append(Note(Found.EDIT_CHECK, message, code))


def _equations(report: Report) -> list[tuple[str, list[tuple[int, str]]]]:
    """total = sum(coef * part) for every linear formula of the form, as the formula table states them
    (form/formula.py: Op.equations)."""
    eqs = []
    for code in report.order:
        f = report.lines[code].formula
        if f is not None:
            eqs.extend(f.operator.equations(f, code))
    return eqs


def _terms(total: str, parts) -> list[str]:
    """An equation's lines: its total, then its parts."""
    return [total] + [p for _, p in parts]


def _gives(term, total: str, parts, u: str) -> int:
    """What equation total = sum(coef x part) gives its term u from the others' values (term(code))."""
    if u == total:
        return sum(k * term(p) for k, p in parts)
    coef = next(k for k, p in parts if p == u)
    return (term(total) - sum(k * term(p) for k, p in parts if p != u)) * coef


def _foots(term, total: str, parts) -> bool:
    """Whether the values term(code) satisfy equation total = sum(coef x part)."""
    return term(total) == sum(k * term(p) for k, p in parts)


def initial_state(report: Report, reading: Reading, doubted: dict[str, str] | None = None) -> State:
    values: dict[str, int | None] = {}
    how: dict[str, str] = {}
    st = State(values, how)
    doubted = doubted or {}
    for code in report.amount_codes:
        obs = reading.values.get(code)
        if code in reading.conflicts:
            values[code], how[code] = None, How.UNREADABLE
        elif obs is None:
            values[code], how[code] = None, How.MISSING
        elif obs.value is None:
            values[code], how[code] = None, How(obs.how) if code not in doubted else How.UNREADABLE
        elif obs.repaired or code in doubted:
            # a reading nothing confirms yet (one witness, pieces joined) or one the arithmetic doubts
            values[code], how[code] = None, How.UNCONFIRMED
            st.candidates[code] = obs.value
            if code in doubted and not obs.repaired or getattr(obs, "whole", False):
                st.witnessed.add(code)      # (text shows every digit: no OCR slip for arithmetic to undo)
        else:
            values[code], how[code] = obs.value, How(obs.how)
            if not obs.sign_sure and obs.value != 0:
                st.unsure.add(code)
    for code, why in doubted.items():
        st.note(code, Found.DOUBTED, why)
    for code, seen in reading.conflicts.items():
        st.note(code, Found.CONFLICT, "read with different values: " +
                ", ".join(f"{fmt_amount(o.value)} ({o.where})" for o in seen))
    return st


def fill(report: Report, st: State, code: str, value: int, why: str, confirm_only: bool = False) -> bool:
    """The arithmetic's value for a cell that shows nothing legible (or only a candidate). A
    candidate the value equals is confirmed (repaired); one that differs by an OCR slip is replaced
    (reconstructed, said so), unless two witnesses had agreed on it; any other is left unconfirmed.
    With confirm_only (the value counts an empty cell as 0), a candidate is only confirmed, never
    replaced. Returns whether the cell took the value."""
    line = report.lines[code]
    if line.sign == "nonpositive" and value > 0:
        st.note(code, Found.UNSETTLED, f"{why} gives {fmt_amount(value)} for deduction line {code}, which cannot "
                                   "be positive: left unknown")
        if st.how[code] == How.MISSING:
            st.how[code] = How.UNREADABLE
        return False
    seen = st.candidates.get(code)
    if code in st.conflicted and seen != value:
        gives = ", ".join(fmt_amount(v) for v in sorted(st.conflicted[code]))
        if not any(f.where == code and f.code == Found.UNSETTLED for f in st.findings):
            st.note(code, Found.UNSETTLED, f"the form's equations give line {code} {gives}, but the page does not "
                                       "foot around it (two answers, or lines of a check that fails): no single "
                                       "value, left unknown")
        return False
    if seen is not None:
        if seen == value:
            st.values[code], st.how[code] = value, How.REPAIRED
            st.note(code, Found.REPAIRED, f"{fmt_amount(value)}: the page shows it without a second witness; "
                                      f"{why} gives the same")
            return True
        if confirm_only or code in st.witnessed or not _ocr_alike(seen, value):
            if not any(f.where == code and f.code == Found.DISAGREES for f in st.findings):
                st.note(code, Found.DISAGREES, f"the page shows {fmt_amount(seen)} (unconfirmed); {why} gives "
                                           f"{fmt_amount(value)}: the page is not overridden, left to the eye")
            return False
        st.values[code], st.how[code] = value, How.RECONSTRUCTED
        st.note(code, Found.RECONSTRUCTED, f"{fmt_amount(value)} from {why}; OCR saw {fmt_amount(seen)}, the same "
                                       "digits but for an OCR slip")
        return True
    st.values[code], st.how[code] = value, How.RECONSTRUCTED
    st.note(code, Found.RECONSTRUCTED, f"{fmt_amount(value)} from {why}")
    return True


def _made(report: Report, st: State, code: str, sources, value: int, why: str, confirm_only: bool = False) -> bool:
    """fill(), remembering the signs still unsure that the value was made from (its sources', and what
    they rest on): such a value is no witness for those signs (_check), and it is undone if they stay
    unsure (_undo_unsettled)."""
    before = (st.values[code], st.how[code])
    rests = _rests(st, [c for c in sources if c != code])
    if not fill(report, st, code, value, why, confirm_only):
        return False
    if rests and st.how[code] == How.RECONSTRUCTED:
        st.rests[code], st.before[code] = rests, before
    return True


def _rests(st: State, sources) -> set[str]:
    """The unsure signs a value made from sources would rest on."""
    return set().union(*(({c} & st.unsure) | st.rests.get(c, set()) for c in sources))


def _sure(st: State, code: str) -> None:
    """Line code's sign is settled: the values made from it no longer rest on an unsure sign."""
    st.unsure.discard(code)
    for made in [m for m, r in st.rests.items() if code in r]:
        st.rests[made].discard(code)
        if not st.rests[made]:
            del st.rests[made], st.before[made]


def _undo(st: State, codes) -> None:
    """Values made from an unsure sign taken back: each cell as it was before it was made."""
    for code in codes:
        st.values[code], st.how[code] = st.before.pop(code)
        del st.rests[code]
        st.findings = [f for f in st.findings if not (f.where == code and f.code == Found.RECONSTRUCTED)]


def _undo_unsettled(st: State) -> None:
    """A value made from a sign nothing settled is as unsure as that sign: it is undone."""
    for code, rests in sorted(st.rests.items()):
        st.note(code, Found.UNSETTLED, f"made from line(s) {', '.join(sorted(rests))}, whose sign could not be "
                                   "settled: left unknown")
    _undo(st, sorted(st.rests))


def fix_deduct_signs(report: Report, st: State) -> None:
    for code, line in report.lines.items():
        v = st.values.get(code)
        if line.sign == "nonpositive" and v is not None and v > 0:
            st.values[code] = -v
            st.how[code] = How.SIGN_FIXED
            st.unsure.discard(code)
            st.note(code, Found.SIGN_FIXED, f"{fmt_amount(v)} printed without parentheses; line {code} is a "
                                        "deduction, so it is negative")
    for code, v in list(st.candidates.items()):
        if report.lines[code].sign == "nonpositive" and v > 0:
            st.candidates[code] = -v


def solve(report: Report, st: State, record_failures: bool = True) -> None:
    """Apply the form's equations until nothing changes."""
    eqs = _equations(report)
    changed = True
    while changed:
        changed = False
        st.conflicted = _conflicts(st, eqs)
        for total, parts in eqs:
            unknown = [c for c in _terms(total, parts) if st.term(c) is None]
            if not unknown:
                changed |= _check(st, total, parts, record_failures)
            elif len(unknown) == 1:
                changed |= _solve_one(report, st, total, parts, unknown[0])
        changed |= _derived(report, st)


def _one_value(term, part, total: str, parts, u: str) -> int | None:
    """What equation total = parts gives its one unknown term u, by _solve_one's rules for a cell
    with nothing legible (known values; an empty cell as 0 only beside a printed part; an empty
    total no known 0); None when it gives nothing."""
    if u != total and part(total) is None or not any(part(p) is not None for _, p in parts if p != u):
        return None
    return _gives(term, total, parts, u)


def _conflicts(st: State, eqs) -> dict[str, set[int]]:
    """The unknown cells the form's equations give no single value, on a page that does not foot.
    What the page shows is the known values and the candidates whose every digit is the page's (two
    witnesses, text), unconfirmed only by the arithmetic; an equation of those that fails disputes
    its lines. Every equation with one unknown term gives it a value, a cell given one value is
    taken as known for the next round (as solve would); a cell given two values, or one resting on
    a disputed line, or taking part (itself or what it was made from) in an equation that then
    fails, has no single answer. cell -> the values it was given."""
    term = {c: st.term(c) for c in st.values}
    for c in st.witnessed & st.candidates.keys():
        if term[c] is None:
            term[c] = st.candidates[c]
    part = {c: term[c] if st.how[c] != How.BLANK else None for c in st.values}
    disputed: set[str] = set()
    for total, parts in eqs:
        terms = _terms(total, parts)
        if all(term[c] is not None for c in terms) and not _given_without_parts(st, total, parts) \
                and not _foots(term.get, total, parts):
            disputed.update(terms)
    given: dict[str, set[int]] = {}
    deps: dict[str, set[str]] = {}
    made = True
    while made:
        made = False
        found: dict[str, set[int]] = {}
        for total, parts in eqs:
            unknown = [c for c in _terms(total, parts) if term[c] is None]
            if len(unknown) == 1 and (v := _one_value(term.get, part.get, total, parts, unknown[0])) is not None:
                u = unknown[0]
                found.setdefault(u, set()).add(v)
                deps.setdefault(u, set()).update(*({c} | deps.get(c, set()) for c in _terms(total, parts) if c != u))
        for u, vals in found.items():
            given[u] = given.get(u, set()) | vals
            if len(given[u]) == 1:
                term[u] = part[u] = next(iter(vals))
                made = True
    bad = {u for u, vals in given.items() if len(vals) > 1 or deps[u] & disputed}
    for total, parts in eqs:
        terms = _terms(total, parts)
        if set(terms) & set(given) and all(term[c] is not None for c in terms) \
                and not _given_without_parts(st, total, parts) and not _foots(term.get, total, parts):
            bad.update(c for c in terms if c in given)
    bad |= {u for u in given if deps.get(u, set()) & bad}
    return {u: given[u] for u in bad}


def _sum(st: State, parts) -> int:
    return sum(k * st.term(p) for k, p in parts)


def _given_without_parts(st: State, total: str, parts) -> bool:
    """A total printed over parts that are all empty: the filer gave the total alone (7455 without
    7425 and 7445). There is nothing to check it against."""
    return st.values[total] not in (None, 0) and all(st.how[p] == How.BLANK for _, p in parts)


def _check(st: State, total: str, parts, record: bool) -> bool:
    """A fully known equation: it holds (settling an uncertain sign), or it fails, and the failure
    is the prior's finding. Nothing read is changed to make it foot (but an uncertain sign). A value
    made from an unsure sign is no witness for it: an equation it takes part in settles not that
    sign. A sign turned over takes back the values made from it (to be made again): returns whether
    it did."""
    if _given_without_parts(st, total, parts):
        if total not in st.unchecked:
            st.unchecked.add(total)
            st.note(total, Found.UNCHECKED, f"line {total} is printed without its parts ({_describe(total, parts)} "
                                        "are empty): not checked")
        return False
    given, computed = st.term(total), _sum(st, parts)
    terms = _terms(total, parts)
    if given == computed:
        for c in terms:
            # the total foots with this sign: settled, unless a term was made from it (no witness for it)
            if c in st.unsure and not any(c in st.rests.get(t, ()) for t in terms):
                _sure(st, c)
                st.how[c] = How.SIGN_FIXED
                st.note(c, Found.SIGN_FIXED, f"parenthesis unbalanced; the sign that makes line {total} "
                                         f"= {_describe(total, parts)} foot is kept")
        return False
    # an uncertain sign that makes it foot
    for code in terms:
        if code in st.unsure and not any(code in st.rests.get(t, ()) for t in terms):
            st.values[code] = -st.values[code]
            if st.term(total) == _sum(st, parts):
                made = sorted(m for m, r in st.rests.items() if code in r)
                _undo(st, made)
                _sure(st, code)
                st.how[code] = How.SIGN_FIXED
                st.note(code, Found.SIGN_FIXED, f"sign settled by line {total} = {_describe(total, parts)}")
                return bool(made)
            st.values[code] = -st.values[code]
    if record and not any(f.where == total for f in st.edit_failures):
        st.failed(total, f"line {total} is {fmt_amount(given)} but {_describe(total, parts)} gives "
                         f"{fmt_amount(computed)} (difference {fmt_amount(given - computed)})")
    return False


def _ocr_alike(read: int, want: int) -> bool:
    """OCR damage that arithmetic may undo: digits cut off one end, or at most two misread."""
    if read == want or (read < 0) != (want < 0) and read != 0:
        return False
    a, b = str(abs(read)), str(abs(want))
    if len(a) >= 3 and len(b) > len(a) and (b.startswith(a) or b.endswith(a)):
        return True
    return len(a) == len(b) and sum(x != y for x, y in zip(a, b)) <= 2


def _describe(total: str, parts) -> str:
    return " ".join(("+ " if k > 0 else "- ") + p for k, p in parts).lstrip("+ ")


def _solve_one(report: Report, st: State, total: str, parts, unknown: str) -> bool:
    """The one unknown value of an equation. Its row found empty and the arithmetic giving 0: blank.
    A candidate is tested with the page's values as an edit check counts them (empty cells as 0);
    a cell with nothing legible is filled only from known values (never from an empty cell)."""
    others = [c for c in _terms(total, parts) if c != unknown]
    value = _gives(st.term, total, parts, unknown)
    if st.how[unknown] == How.MISSING and unknown in st.empty_rows and value == 0 \
            and not _rests(st, others):
        # its row was found with nothing on it, and the arithmetic agrees: blank
        st.how[unknown] = How.BLANK
        st.note(unknown, Found.BLANK, f"its row holds no amount; line {total} = {_describe(total, parts)} gives 0, "
                                  "so it is blank (or 0)")
        return True
    if unknown in st.empty_rows:
        # its row was found with nothing on it: the arithmetic may not put there what the page does not
        # show (a filer leaves a line blank on a print that does not foot)
        return False
    why = f"line {total} = {_describe(total, parts)}"
    if unknown in st.candidates:
        if unknown == total and all(st.how[p] == How.BLANK for _, p in parts):
            return False              # a total printed without its parts: nothing confirms it
        uses_blank = any(st.part(c) is None for c in others)
        return _made(report, st, unknown, others, value, why, confirm_only=uses_blank)
    if unknown != total and st.part(total) is None:
        return False                  # an empty total is no known 0 for its parts
    if not any(st.part(p) is not None for _, p in parts if p != unknown):
        return False                  # empty parts beside no printed one say nothing: nothing is made
    blanks = [c for c in others if st.part(c) is None]
    return _made(report, st, unknown, others, value, why + (f" (empty {', '.join(blanks)} as 0)" if blanks else ""))


def evaluate(f, st: State) -> int | None:
    """A formula's value from the cells as the page gives them, by the formula table's own evaluation
    (form/formula.py: Op.evaluate), which takes a blank operand as the computation does: blank is not
    zero (it takes no part in a greatest-of; a percentage of a blank line is blank). An operand that is
    unknown (missing, unreadable, unconfirmed) makes the value unknown: it is never taken as 0, nor
    left out of a greatest-of."""
    if any(st.term(a) is None for a in f.args):
        return None
    return f.operator.evaluate(f, {a: st.values[a] for a in f.args})


def _derived(report: Report, st: State) -> bool:
    """The one-way relations (a formula with an edit check and no linear equation: a greatest-of, a
    percentage), by evaluate(): a line that shows nothing legible is filled with the value (fill's
    rules), a line the page gives is checked against it. A value that is unknown or blank fills and
    checks nothing (a percentage line printed beside a blank base is not checked)."""
    changed = False
    for code in report.order:
        f = report.lines[code].formula
        if f is None or f.operator.equations(f, code) or f.operator.relation(f, code) is None:
            continue
        value = evaluate(f, st)
        if value is None:
            continue
        if st.term(code) is None:
            changed |= _made(report, st, code, f.args, value, f.describe())
        elif st.term(code) != value and not any(x.where == code for x in st.edit_failures):
            st.failed(code, f"line {code} is {fmt_amount(st.term(code))} but {f.describe()} gives {fmt_amount(value)}")
    return changed


def _relations_hold(report: Report, st: State) -> tuple[int, int]:
    """(how many fully known relations hold, how many fail) for the current values."""
    outcomes = [ok for _, _, ok in checked(report, st, early_warning=True)]
    return sum(outcomes), len(outcomes) - sum(outcomes)


def place_orphans(report: Report, st: State, reading: Reading, rows_of: dict[str, int],
                  seen_rows: set[int]) -> None:
    """Place amounts that lost both code and label, when the arithmetic singles out one placement."""
    groups: dict[tuple[int, str], list] = {}
    for o in reading.orphans:
        groups.setdefault((o.after, o.cut[:1]), []).append(o)
    for (after, prefix), orphans in groups.items():
        later_seen = [r for r in seen_rows if r > after]
        bound = min(later_seen) if later_seen else 10**9
        candidates = [c for c in report.amount_codes
                      if st.how[c] in (How.MISSING, How.UNREADABLE) and after < rows_of[c] < bound
                      and c.startswith(prefix)]
        where = ", ".join(o.where for o in orphans)
        amounts = ", ".join(fmt_amount(o.value * o.sign) for o in orphans)
        if len(orphans) > len(candidates) or not candidates:
            st.note(None, Found.ORPHAN, f"{amounts} ({where}) could not be placed on any line")
            continue
        n_combos = 1
        for k in range(len(orphans)):
            n_combos = n_combos * (len(candidates) - k) // (k + 1)
        if n_combos > MAX_PLACEMENTS:
            st.note(None, Found.ORPHAN, f"{amounts} ({where}): too many possible lines to place them")
            continue
        base, base_failed = _relations_hold(report, st)
        scored = []
        for combo in combinations(candidates, len(orphans)):
            saved = {c: (st.values[c], st.how[c]) for c in combo}
            for code, o in zip(combo, orphans):
                st.values[code] = o.value * o.sign
                st.how[code] = How.CODE_LOST
            held, failed = _relations_hold(report, st)
            for c, (v, h) in saved.items():
                st.values[c], st.how[c] = v, h
            if failed <= base_failed:          # a placement may not break anything
                scored.append((held, combo))
        best = max((h for h, _ in scored), default=0)
        winners = [c for h, c in scored if h == best]
        if best > base and len(winners) == 1:
            for code, o in zip(winners[0], orphans):
                st.values[code] = o.value * o.sign
                st.how[code] = How.CODE_LOST
                st.note(code, Found.PLACED, f"{fmt_amount(o.value * o.sign)} ({o.where}) lost its code; line {code} "
                                        "is the only placement in the form's order that the arithmetic confirms")
        else:
            st.note(None, Found.ORPHAN, f"{amounts} ({where}) lost code and label; no single line is confirmed "
                                    "by the arithmetic, so none is guessed")


def backwards(report: Report, st: State, retail_forex: bool = False) -> None:
    """Known values of a formula read backwards (the formula table's Op.backwards): the early warning
    level names the line that governs line D, which then equals line D. A line it settles is filled
    only when it shows nothing legible (fill's rules)."""
    for code in report.order:
        f = report.lines[code].formula
        if f is None:
            continue
        known = {c: st.part(c) for c in (code, *f.args)}
        for line, value, why in f.operator.backwards(f, code, known, retail_forex):
            if st.term(line) is None:
                _made(report, st, line, known, value, why)


def identities(report: Report, st: State) -> bool:
    """The practice identities fill a value whose cell is unreadable (nothing legible in it),
    from known values only, flagged as an assumption."""
    changed = False
    for total, parts, note in report.identities:
        terms = [total, *parts]
        unknown = [c for c in terms if st.part(c) is None]
        if len(unknown) == 1 and unknown[0] != total and st.how[unknown[0]] == How.UNREADABLE:
            code = unknown[0]
            value = st.part(total) - sum(st.part(p) for p in parts if p != code)
            if value < 0:
                continue
            st.values[code] = value
            st.how[code] = How.RECONSTRUCTED
            st.note(code, Found.ASSUMED, f"{fmt_amount(value)} by assumption, not by a rule of the form: {note}. "
                                     "Lower confidence: check against the source")
            changed = True
    return changed


def settle(report: Report, reading: Reading, rows_of: dict[str, int], mode: str = TEXT) -> State:
    """The values the reading supports, each claim held to the rules of the module doc. On OCR and
    on text of unknown origin, a value observed on the page that takes part in an edit check that
    fails loses its claim, and the reading is settled again without it, until every fully known
    edit check holds or no observed value is left to doubt in the ones that fail. A text layer's
    values keep their claims: the failed check is the prior's."""
    doubted: dict[str, str] = {}
    failures: list[Finding] = []            # the prior's own edit checks as printed: kept, whatever is doubted
    for _ in range(8):
        st = _settle(report, reading, rows_of, doubted)
        failures += [f for f in st.edit_failures if not any(g.where == f.where for g in failures)]
        new = _doubts(report, st, doubted) if mode != TEXT_LAYER else {}
        if not new:
            break
        doubted.update(new)
    st.edit_failures = failures
    return st


OBSERVED = (How.READ, How.BLANK, How.CODE_LOST, How.SIGN_FIXED, How.REPAIRED)


def relations(report: Report, early_warning: bool = False) -> list[tuple[str, tuple[str, ...], object]]:
    """Every edit check of the form: (name, the lines it takes, holds(values) -> bool), as the formula
    table states them (form/formula.py: Op.relation). The early warning level's check (one of its
    rates) only with early_warning: it confirms a placement but cannot tell which value is wrong."""
    linear, other = [], []
    for code in report.order:
        f = report.lines[code].formula
        if f is None:
            continue
        rel = f.operator.relation(f, code, early_warning)
        if rel is not None:     # the sums and differences first, then the one-way relations
            (linear if f.operator.equations(f, code) else other).append((code, *rel))
    return linear + other


def checked(report: Report, st: State, early_warning: bool = False, as_shown: bool = False):
    """The edit checks whose lines are all known now: (name, lines, whether it holds). A total
    printed without its parts is not checked. as_shown: a line whose row was found with nothing on it
    counts as the page shows it, empty (0), as an edit check counts an empty cell."""
    def value(c: str) -> int | None:
        v = st.term(c)
        return 0 if v is None and as_shown and c in st.empty_rows else v
    for name, terms, holds in relations(report, early_warning):
        vals = {c: value(c) for c in terms}
        if all(v is not None for v in vals.values()) and name not in st.unchecked:
            yield name, terms, holds(vals)


def _doubts(report: Report, st: State, already: dict[str, str]) -> dict[str, str]:
    """The observed values that could explain an edit check that fails: those not settled by
    another check that holds with every one of its values observed (none reconstructed)."""
    rels = list(checked(report, st, as_shown=True))
    settled = {c for name, terms, ok in rels if ok and all(st.how[t] in OBSERVED for t in terms) for c in terms}
    out: dict[str, str] = {}
    failing = [(name, terms) for name, terms, ok in rels if not ok]
    # a failing check with a single value that nothing settles names its culprit; another failing
    # check that holds the same culprit is explained by it, and doubts none of its other values
    culprits = set()
    for name, terms in failing:
        unsettled = [c for c in terms if st.how[c] in OBSERVED and c not in already and c not in settled]
        if len(unsettled) == 1:
            culprits.add(unsettled[0])
    for name, terms in sorted(failing, key=lambda f: not (set(f[1]) & culprits)):
        observed = [c for c in terms if st.how[c] in OBSERVED and c not in already]
        suspects = [c for c in observed if c not in settled] or observed
        if set(terms) & culprits:
            suspects = [c for c in suspects if c in culprits]
        for c in suspects:
            shown = "blank" if st.how[c] == How.BLANK else fmt_amount(st.values[c])
            out.setdefault(c, f"read as {shown}, but the edit check of line {name} fails with it and no other "
                              "check settles it: the page cannot tell which of its values is wrong, so it is "
                              "left unconfirmed")
    return out


def confirm_footing(report: Report, st: State, unsure_row: set[str]) -> None:
    """OCR text (reader.Reading.ocr): every value it shows is a candidate. A sum of the form that
    foots exactly with the candidates (and the known values, blank cells as 0) confirms them: a
    misread digit would not foot. Not a candidate whose row is unsure (a label several sections
    print): a section's values foot in another section's sums too. Repeated until nothing changes."""
    def seen(c):
        return st.values[c] if st.values[c] is not None else st.candidates.get(c, 0 if st.how[c] == How.BLANK else None)
    changed = True
    while changed:
        changed = False
        for total, parts in _equations(report):
            terms = _terms(total, parts)
            pending = [c for c in terms if st.values[c] is None and c in st.candidates]
            if not pending or None in [seen(c) for c in terms] or unsure_row & set(pending) \
                    or _given_without_parts(st, total, parts) or not _foots(seen, total, parts):
                continue
            for c in pending:
                st.values[c], st.how[c] = st.candidates[c], How.REPAIRED
                st.note(c, "repaired", f"{fmt_amount(st.values[c])}: OCR text shows it; line {total} = "
                                       f"{_describe(total, parts)} foots with it")
            changed = True
        for code in report.order:       # "the greater of": the total and the operand it equals
            f = report.lines[code].formula
            if f is None or seen(code) is None:
                continue
            args = [a for a in f.args if st.how.get(a) != How.BLANK]     # a blank operand takes no part
            if None in [seen(a) for a in args]:                          # an unknown one: nothing is settled
                continue
            given = {code: seen(code), **{a: seen(a) if a in args else None for a in f.args}}
            equal = [code, *(f.operator.attained(f, code, given) or ())]
            pending = [c for c in equal if st.values[c] is None and c in st.candidates and c not in unsure_row]
            if len(equal) > 1 and pending and not unsure_row & set(equal):
                for c in pending:
                    st.values[c], st.how[c] = st.candidates[c], How.REPAIRED
                    st.note(c, "repaired", f"{fmt_amount(st.values[c])}: OCR text shows it; {f.describe()} "
                                           "holds with it")
                changed = True


def _settle(report: Report, reading: Reading, rows_of: dict[str, int], doubted: dict[str, str]) -> State:
    st = initial_state(report, reading, doubted)
    # a line the form prints without a code is found by its label: a row seen with nothing on it
    st.empty_rows = {c for c in report.amount_codes if not report.lines[c].coded
                     and rows_of.get(c) in reading.seen_rows and c not in reading.values}
    st.empty_rows |= {c for c in getattr(reading, "empty_by_label", ()) if c not in reading.values}
    fix_deduct_signs(report, st)
    if getattr(reading, "ocr", False):
        confirm_footing(report, st, reading.unsure_row)
    solve(report, st, record_failures=False)
    place_orphans(report, st, reading, rows_of, reading.seen_rows)
    solve(report, st, record_failures=False)
    backwards(report, st)
    solve(report, st, record_failures=False)
    if identities(report, st):
        solve(report, st, record_failures=False)
    solve(report, st, record_failures=True)      # what still does not foot is an edit-check failure
    _undo_unsettled(st)
    for code in sorted(st.unsure):
        if st.values[code] is not None:
            st.note(code, Found.UNSETTLED, f"{fmt_amount(st.values[code])}: its sign could not be settled "
                                       "(an unbalanced parenthesis); left unconfirmed")
            st.candidates[code] = st.values[code]
            st.values[code] = None
            st.how[code] = How.UNCONFIRMED
    for code in report.amount_codes:
        if st.values[code] is None and st.how[code] == How.UNCONFIRMED and code in st.candidates:
            if not any(f.where == code for f in st.findings):
                st.note(code, Found.UNCONFIRMED, f"the page shows {fmt_amount(st.candidates[code])}, but a second "
                                             "witness does not agree and no edit check confirms it: compare by eye")
        elif st.values[code] is None and st.how[code] in (How.MISSING, How.UNREADABLE):
            if not any(f.where == code for f in st.findings):
                st.note(code, Found(st.how[code]), "not found in the text" if st.how[code] == How.MISSING
                        else "its cell is unreadable")
    for code in [c for c in st.candidates if st.how[c] != How.UNCONFIRMED]:
        del st.candidates[code]
    return st
