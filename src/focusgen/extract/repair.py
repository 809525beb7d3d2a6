"""Settling values with the form's arithmetic, and saying how each was settled.

Order of work, from the surest evidence to the least:
1. deduct lines read positive are negated (the form prints them in parentheses; OCR loses them);
2. every sum or difference of the form is an equation: one with a single unknown is solved
   (reconstructed); one fully known is checked, and a value whose sign was uncertain (an
   unbalanced parenthesis) is settled by the sign that makes it foot (sign-fixed);
3. orphan amounts (no code, no label) are placed only where exactly one order-preserving
   placement makes more of the form's relations hold than any other (code-lost);
4. the early warning level's note is read backwards: 7495 / 7490 names the governing line;
5. last, the practice identities of the form definition fill a still-unknown value, flagged.
A value that nothing settles stays null with a finding. A fully known equation that does not
foot is an edit-check failure: reported, never "repaired" by changing a read value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import combinations

from ..form.formdef import Report
from ..money import fmt_amount, fmt_percent, percent_of
from .reader import Reading

SURE = ("read", "code-lost", "sign-fixed", "reconstructed")
MAX_PLACEMENTS = 5000


@dataclass
class State:
    values: dict[str, int | None]
    how: dict[str, str]
    unsure: set[str] = field(default_factory=set)
    candidates: dict[str, int] = field(default_factory=dict)   # OCR-repaired readings, held back
    findings: list[dict] = field(default_factory=list)
    edit_failures: list[dict] = field(default_factory=list)
    empty_rows: set[str] = field(default_factory=set)    # lines whose row was found holding no amount
    printed: dict[str, int] = field(default_factory=dict)  # doubted values, as the page shows them

    def known(self, code: str) -> bool:
        return self.values[code] is not None

    def term(self, code: str) -> int | None:
        """A value for arithmetic: a blank cell counts as 0, an unknown one is None."""
        if self.values[code] is not None:
            return self.values[code]
        return 0 if self.how[code] == "blank" else None

    def note(self, code: str | None, kind: str, message: str) -> None:
        self.findings.append({"line": code, "kind": kind, "message": message})


def _equations(report: Report) -> list[tuple[str, list[tuple[int, str]]]]:
    """total = sum(coef * part) for every sum and difference of the form."""
    eqs = []
    for code in report.order:
        f = report.lines[code].formula
        if f is None:
            continue
        if f.op == "sum":
            eqs.append((code, [(1, a) for a in f.args]))
        elif f.op == "sub":
            eqs.append((code, [(1, f.args[0]), (-1, f.args[1])]))
    return eqs


def initial_state(report: Report, reading: Reading, doubted: dict[str, str] | None = None,
                  fixes: dict[str, tuple[int, str]] | None = None) -> State:
    values: dict[str, int | None] = {}
    how: dict[str, str] = {}
    unsure: set[str] = set()
    candidates: dict[str, int] = {}
    doubted = doubted or {}
    for code in report.amount_codes:
        obs = reading.values.get(code)
        if code in (fixes or {}):
            values[code], how[code] = fixes[code][0], "reconstructed"
            continue
        if code in doubted:
            values[code], how[code] = None, "unreadable"
            continue
        if code in reading.conflicts:
            values[code], how[code] = None, "unreadable"
            continue
        if obs is None:
            values[code], how[code] = None, "missing"
        elif obs.repaired and obs.value is not None:
            # a number OCR split after a separator, joined: never used until the arithmetic confirms it
            values[code], how[code] = None, "missing"
            candidates[code] = obs.value
        else:
            values[code], how[code] = obs.value, obs.how
            if obs.value is not None and not obs.sign_sure and obs.value != 0:
                unsure.add(code)
    state = State(values, how, unsure, candidates)
    for code, why in doubted.items():
        state.note(code, "doubted", why)
    for code, (_, why) in (fixes or {}).items():
        state.note(code, "corrected", why)
    for code, seen in reading.conflicts.items():
        state.note(code, "conflict", "read with different values: " +
                   ", ".join(f"{fmt_amount(o.value)} ({o.where})" for o in seen))
    return state


def fix_deduct_signs(report: Report, st: State) -> None:
    for code, line in report.lines.items():
        v = st.values.get(code)
        if line.sign == "nonpositive" and v is not None and v > 0:
            st.values[code] = -v
            st.how[code] = "sign-fixed"
            st.unsure.discard(code)
            st.note(code, "sign-fixed", f"{fmt_amount(v)} printed without parentheses; line {code} is a "
                                        "deduction, so it is negative")


def solve(report: Report, st: State, record_failures: bool = True) -> None:
    """Apply the form's equations until nothing changes."""
    eqs = _equations(report)
    changed = True
    while changed:
        changed = False
        for total, parts in eqs:
            terms = [total] + [p for _, p in parts]
            unknown = [c for c in terms if st.term(c) is None]
            if not unknown:
                changed |= _check(st, total, parts, record_failures)
            elif len(unknown) == 1:
                changed |= _solve_one(report, st, total, parts, unknown[0])
        changed |= _derived(report, st)


def _sum(st: State, parts) -> int:
    return sum(k * st.term(p) for k, p in parts)


def _check(st: State, total: str, parts, record: bool) -> bool:
    given, computed = st.term(total), _sum(st, parts)
    if given == computed:
        for c in [total] + [p for _, p in parts]:
            if c in st.unsure:          # the total foots with this sign: settled
                st.unsure.discard(c)
                st.how[c] = "sign-fixed"
                st.note(c, "sign-fixed", f"parenthesis unbalanced; the sign that makes line {total} "
                                         f"= {_describe(total, parts)} foot is kept")
        return False
    # an uncertain sign that makes it foot
    for code in [total] + [p for _, p in parts]:
        if code in st.unsure:
            st.values[code] = -st.values[code]
            if st.term(total) == _sum(st, parts):
                st.unsure.discard(code)
                st.how[code] = "sign-fixed"
                st.note(code, "sign-fixed", f"sign settled by line {total} = {_describe(total, parts)}")
                return True
            st.values[code] = -st.values[code]
    # a value placed by its row (its code was not beside it) that OCR cut or misread: the total's
    # arithmetic gives it back when the digits read are part of it or differ in at most two places
    fixes = []
    for k, code in [(1, total)] + list(parts):
        if st.how.get(code) != "code-lost" or st.values[code] is None:
            continue
        rest = sum(kk * st.term(p) for kk, p in parts if p != code)
        want = rest if code == total else (st.term(total) - rest) * k
        if _ocr_alike(st.values[code], want):
            fixes.append((code, want))
    if len(fixes) == 1:
        code, want = fixes[0]
        st.note(code, "corrected", f"read as {fmt_amount(st.values[code])}, which does not foot; line {total} = "
                                   f"{_describe(total, parts)} gives {fmt_amount(want)}, which has the digits read")
        st.values[code] = want
        st.how[code] = "reconstructed"
        return True
    if record and not any(f["line"] == total for f in st.edit_failures):
        st.edit_failures.append({
            "line": total, "kind": "edit-check",
            "message": f"line {total} is {fmt_amount(given)} but {_describe(total, parts)} gives "
                       f"{fmt_amount(computed)} (difference {fmt_amount(given - computed)})"})
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
    if unknown == total:
        value = _sum(st, parts)
    else:
        coef = next(k for k, p in parts if p == unknown)
        rest = sum(k * st.term(p) for k, p in parts if p != unknown)
        value = (st.term(total) - rest) * coef
    line = report.lines[unknown]
    if line.sign == "nonpositive" and value > 0:
        st.note(unknown, "unsettled", f"line {total}'s arithmetic gives {fmt_amount(value)} for deduction "
                                     f"line {unknown}, which cannot be positive: left unknown")
        st.how[unknown] = "unreadable"
        return False
    if value == 0 and st.how[unknown] == "missing" and unknown in st.empty_rows:
        # its row was found with nothing on it, and the arithmetic agrees: blank
        st.how[unknown] = "blank"
        st.note(unknown, "blank", f"its row holds no amount; line {total} = {_describe(total, parts)} gives 0, "
                                  "so it is blank (or 0)")
        return True
    # (otherwise a 0 the arithmetic gives is reconstructed, never reported blank: blank means the
    # row was found holding no mark)
    st.values[unknown] = value
    st.how[unknown] = "reconstructed"
    st.note(unknown, "reconstructed", f"{fmt_amount(value)} from line {total} = {_describe(total, parts)}")
    return True


def _derived(report: Report, st: State) -> bool:
    """The one-way relations: greatest-of and percentage lines (checked, or computed forward)."""
    changed = False
    for code in report.order:
        f = report.lines[code].formula
        if f is None or f.op not in ("max", "pct"):
            continue
        args = [st.term(a) for a in f.args]
        if f.op == "pct":
            expected = percent_of(args[0], f.rate) if args[0] is not None else None
        else:
            # as compute does: a blank operand takes no part in "the greatest of" (blank is not zero)
            args = [st.term(a) for a in f.args if st.how.get(a) != "blank"]
            expected = max(args, default=None) if all(a is not None for a in args) else None
        if expected is None:
            continue
        if st.term(code) is None:
            st.values[code] = expected
            st.how[code] = "reconstructed"
            st.note(code, "reconstructed", f"{fmt_amount(expected)} from {f.describe()}")
            changed = True
        elif st.term(code) != expected and not any(x["line"] == code for x in st.edit_failures):
            st.edit_failures.append({"line": code, "kind": "edit-check",
                                     "message": f"line {code} is {fmt_amount(st.term(code))} but {f.describe()} "
                                                f"gives {fmt_amount(expected)}"})
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
                      if st.how[c] in ("missing", "unreadable") and after < rows_of[c] < bound
                      and c.startswith(prefix)]
        where = ", ".join(o.where for o in orphans)
        amounts = ", ".join(fmt_amount(o.value * o.sign) for o in orphans)
        if len(orphans) > len(candidates) or not candidates:
            st.note(None, "orphan", f"{amounts} ({where}) could not be placed on any line")
            continue
        n_combos = 1
        for k in range(len(orphans)):
            n_combos = n_combos * (len(candidates) - k) // (k + 1)
        if n_combos > MAX_PLACEMENTS:
            st.note(None, "orphan", f"{amounts} ({where}): too many possible lines to place them")
            continue
        base, base_failed = _relations_hold(report, st)
        scored = []
        for combo in combinations(candidates, len(orphans)):
            saved = {c: (st.values[c], st.how[c]) for c in combo}
            for code, o in zip(combo, orphans):
                st.values[code] = o.value * o.sign
                st.how[code] = "code-lost"
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
                st.how[code] = "code-lost"
                st.note(code, "placed", f"{fmt_amount(o.value * o.sign)} ({o.where}) lost its code; line {code} "
                                        "is the only placement in the form's order that the arithmetic confirms")
        else:
            st.note(None, "orphan", f"{amounts} ({where}) lost code and label; no single line is confirmed "
                                    "by the arithmetic, so none is guessed")


def early_warning_backwards(report: Report, st: State, retail_forex: bool = False) -> None:
    """7495 = rate x 7490 names the line that governs line D, which then equals line D."""
    for code in report.order:
        f = report.lines[code].formula
        if f is None or f.op != "early_warning" or st.term(code) is None or st.term(f.args[0]) is None:
            continue
        d, level = st.term(f.args[0]), st.term(code)
        matches = [(line, forex if retail_forex else rate) for line, rate, forex in f.cases
                   if percent_of(d, forex if retail_forex else rate) == level]
        governing = [line for line, _ in matches]
        if len(governing) == 1 and st.term(governing[0]) is None:
            g = governing[0]
            st.values[g] = d
            st.how[g] = "reconstructed"
            st.note(g, "reconstructed", f"{fmt_amount(d)}: line {code} is {fmt_percent(matches[0][1])}% of "
                    f"line {f.args[0]}, which the form's note gives only when line {g} governs line {f.args[0]}")


def identities(report: Report, st: State) -> bool:
    changed = False
    for total, parts, note in report.identities:
        terms = [total, *parts]
        unknown = [c for c in terms if st.term(c) is None]
        if len(unknown) == 1 and unknown[0] != total and st.how[unknown[0]] == "unreadable":
            code = unknown[0]
            value = st.term(total) - sum(st.term(p) for p in parts if p != code)
            if value < 0:
                continue
            st.values[code] = value
            st.how[code] = "reconstructed"
            st.note(code, "assumed", f"{fmt_amount(value)} by assumption, not by a rule of the form: {note}. "
                                     "Lower confidence: check against the source")
            changed = True
    return changed


def confirm_repairs(report: Report, st: State) -> None:
    """An OCR-repaired reading counts only where the form's arithmetic confirms it: the value the other
    equations give is the same, or, all such readings put in place together, an edit check that it
    takes part in holds with every value known and none fails. Otherwise it stays unknown, with a
    finding that says what was read. (Together, because a column of zeros OCR skipped is read back
    as one: each alone leaves its total with unknowns.)"""
    tentative = {}
    for code, candidate in st.candidates.items():
        if st.values[code] is not None:
            if st.values[code] == candidate:
                st.how[code] = "repaired"
                st.note(code, "repaired", f"{fmt_amount(candidate)} joined from OCR fragments; confirmed by "
                                          "the form's arithmetic")
            else:
                st.note(code, "repaired", f"read as {fmt_amount(candidate)} (OCR fragments joined), but the "
                                          f"form's arithmetic gives {fmt_amount(st.values[code])}")
            continue
        tentative[code] = candidate
    for code, candidate in tentative.items():
        st.values[code] = candidate
        st.how[code] = "repaired"
    held, failed = set(), set()
    for name, terms, ok in checked(report, st):
        (held if ok else failed).update(c for c in terms if c in tentative)
    for code, candidate in tentative.items():
        if code in held and code not in failed:
            st.note(code, "repaired", f"{fmt_amount(candidate)} read only with OCR's help (a second reading, "
                                      "a joined number); confirmed by the form's arithmetic")
        else:
            st.values[code] = None
            st.how[code] = "unreadable"
            st.note(code, "unconfirmed", f"read as {fmt_amount(candidate)} only with OCR's help (a second "
                                         "reading that disagrees, a number joined from pieces), and the form's "
                                         "arithmetic does not confirm it; left unknown")

def settle(report: Report, reading: Reading, rows_of: dict[str, int], ocr: bool = False) -> State:
    """The values the reading supports, each claim held to the invariants of the module doc: a
    value observed on the page (read, blank, placed) that takes part in an edit check that fails
    loses its claim, and the reading is settled again without it, until every fully known edit
    check holds or no observed value is left to doubt in the ones that fail."""
    doubted: dict[str, str] = {}
    fixes: dict[str, tuple[int, str]] = {}
    failures: list[dict] = []            # the prior's own edit checks as printed: kept, whatever is doubted
    for _ in range(8):
        st = _settle(report, reading, rows_of, doubted, fixes)
        failures += [f for f in st.edit_failures if not any(g["line"] == f["line"] for g in failures)]
        new, fixed = _doubts(report, st, doubted, ocr)
        if not new and not fixed:
            break
        doubted.update(new)
        fixes.update(fixed)
    st.edit_failures = failures
    # what the page shows for the values doubted: check compares them as printed, said so
    st.printed = {c: reading.values[c].value for c in doubted
                  if c in reading.values and reading.values[c].value is not None and st.values.get(c) != reading.values[c].value}
    return st


OBSERVED = ("read", "blank", "code-lost", "sign-fixed", "repaired")


def relations(report: Report, early_warning: bool = False) -> list[tuple[str, tuple[str, ...], object]]:
    """Every edit check of the form: (name, the lines it takes, holds(values) -> bool). The early
    warning level's check (one of its rates) only with early_warning: it confirms a placement but
    cannot tell which value is wrong."""
    out = []
    for total, parts in _equations(report):
        terms = (total,) + tuple(p for _, p in parts)
        out.append((total, terms, lambda v, t=total, ps=tuple(parts): v[t] == sum(k * v[p] for k, p in ps)))
    for code in report.order:
        f = report.lines[code].formula
        if f is None:
            continue
        if f.op == "pct":
            out.append((code, (code, f.args[0]), lambda v, c=code, f=f: v[c] == percent_of(v[f.args[0]], f.rate)))
        elif f.op == "max":
            out.append((code, (code,) + tuple(f.args), lambda v, c=code, f=f: v[c] == max(v[a] for a in f.args)))
        elif f.op == "early_warning" and early_warning:
            out.append((code, (code, f.args[0]), lambda v, c=code, f=f: v[c] in
                        {percent_of(v[f.args[0]], r) for _, r, _ in f.cases} |
                        {percent_of(v[f.args[0]], fr) for _, _, fr in f.cases}))
    return out


def checked(report: Report, st: State, early_warning: bool = False):
    """The edit checks whose lines are all known now: (name, lines, whether it holds)."""
    for name, terms, holds in relations(report, early_warning):
        vals = {c: st.term(c) for c in terms}
        if all(v is not None for v in vals.values()):
            yield name, terms, holds(vals)


def _doubts(report: Report, st: State, already: dict[str, str], ocr: bool = False):
    """The observed values that could explain an edit check that fails: those not settled by
    another check that holds with every one of its values observed (none reconstructed).
    Returns (doubts, fixes). On a scan, when exactly one of those values, given the value that
    makes the check hold, differs from what OCR read in the ways OCR misreads (a digit or two, a
    digit cut off an end), that one is corrected (reconstructed, with a finding) and the rest stand."""
    rels = list(checked(report, st))
    settled = {c for name, terms, ok in rels if ok and all(st.how[t] in OBSERVED for t in terms) for c in terms}
    out: dict[str, str] = {}
    fixes: dict[str, tuple[int, str]] = {}
    linear = {total: parts for total, parts in _equations(report)}
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
        if ocr and name in linear and suspects:
            parts = linear[name]
            alike = []
            for c in suspects:
                if st.values[c] is None:
                    continue
                if c == name:
                    want = _sum(st, parts)
                else:
                    k = next(kk for kk, p in parts if p == c)
                    want = (st.term(name) - sum(kk * st.term(p) for kk, p in parts if p != c)) * k
                if _ocr_alike(st.values[c], want):
                    alike.append((c, want))
            if len(alike) == 1:
                c, want = alike[0]
                fixes[c] = (want, f"OCR read {fmt_amount(st.values[c])}, which does not foot; line {name} = "
                                  f"{_describe(name, parts)} gives {fmt_amount(want)}, the digits read but for an "
                                  "OCR slip, and no other value of the check could be misread that way")
                continue
        for c in suspects:
            shown = "blank" if st.how[c] == "blank" else fmt_amount(st.values[c])
            out.setdefault(c, f"read as {shown}, but the edit check of line {name} fails with it and no other "
                              "check settles it: the page cannot tell which of its values is wrong, so it is "
                              "left unknown")
    return out, fixes


def _settle(report: Report, reading: Reading, rows_of: dict[str, int], doubted: dict[str, str],
            fixes: dict[str, tuple[int, str]]) -> State:
    st = initial_state(report, reading, doubted, fixes)
    # a line the form prints without a code is found by its label: a row seen with nothing on it
    st.empty_rows = {c for c in report.amount_codes if not report.lines[c].coded
                     and rows_of.get(c) in reading.seen_rows and c not in reading.values}
    fix_deduct_signs(report, st)
    solve(report, st, record_failures=False)
    place_orphans(report, st, reading, rows_of, reading.seen_rows)
    solve(report, st, record_failures=False)
    early_warning_backwards(report, st)
    solve(report, st, record_failures=False)
    if identities(report, st):
        solve(report, st, record_failures=False)
    confirm_repairs(report, st)
    solve(report, st, record_failures=True)      # what still does not foot is an edit-check failure
    for code in sorted(st.unsure):
        if st.values[code] is not None:
            st.note(code, "unsettled", f"{fmt_amount(st.values[code])}: its sign could not be settled "
                                       "(an unbalanced parenthesis); left unknown")
            st.values[code] = None
            st.how[code] = "unreadable"
    for code in report.amount_codes:
        if st.values[code] is None and st.how[code] in ("missing", "unreadable"):
            if not any(f["line"] == code for f in st.findings):
                st.note(code, st.how[code], "not found in the text" if st.how[code] == "missing"
                        else "its cell is unreadable")
    return st
