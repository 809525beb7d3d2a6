"""The form's arithmetic, transcribed from the printed form's captions ("add lines 1, 2, and 3",
"subtract line 6 from line 13", "Enter 8% of line A.i", "the greatest of lines A, B or C", the early
warning note), independently of focusgen's form definition and compute: a generator that borrowed
focusgen's arithmetic could not find a mistake in it. test_docgen.py checks that the two agree.

    compute(kind, inputs, retail_forex=False) -> every line's value (None = blank)
    derive(kind, shown, retail_forex=None) -> {code: set of values} for lines the page does not show

Blank is not zero: a total is blank only when every part is blank; otherwise a blank part counts 0.
"""

from __future__ import annotations

from fractions import Fraction

SEG = [
    ("7040", "sum", ("7010", "7020", "7030", "7032", "7033")),                      # line 4 = 1 + 2 + 3
    ("7050", "sum", ("7045", "7047")),                                              # line 5 net
    ("7060", "sum", ("7040", "7050")),                                              # line 6 = 4 + 5
    ("7180", "sum", ("7070", "7080", "7090", "7100", "7110", "7120", "7130", "7132", "7133",
                     "7140", "7160", "7170", "7150")),                              # line 13 = 7 .. 12
    ("7190", "sub", ("7180", "7060")),                                              # 14 = 13 - 6
    ("7198", "sub", ("7190", "7194")),                                              # 16 = 14 - 15
]
DEALER = [
    ("7230", "sum", ("7210", "7220")),
    ("7240", "sub", ("7230", "7200")),
]
SECURED = [
    ("7345", "sum", ("7315", "7317", "7325", "7335", "7337")),
    ("7354", "sum", ("7351", "7352")),
    ("7355", "sum", ("7345", "7354")),
    ("7360", "max", ("7305", "7355")),
    ("7530", "sum", ("7500", "7520")),
    ("7570", "sum", ("7540", "7560")),
    ("7620", "sum", ("7580", "7590", "7600", "7610", "7615")),
    ("7680", "sum", ("7640", "7650", "7660", "7670", "7675")),
    ("7740", "sum", ("7700", "7710", "7720", "7730", "7735")),
    ("7770", "sum", ("7530", "7570", "7620", "7680", "7740", "7760", "7765")),
    ("7380", "sub", ("7770", "7360")),
    ("7785", "sub", ("7380", "7780")),
]
_SWAP_FUNDS = ("8600", "8610", "8620", "8630", "8640", "8650", "8660", "8670", "8680", "8690", "8700", "8710")
SWAPS = [
    ("8550", "sum", ("8500", "8510", "8520", "8530", "8540")),
    ("8580", "sum", ("8560", "8570")),
    ("8590", "sum", ("8550", "8580")),
    ("8720", "sum", _SWAP_FUNDS + ("8715",)),
    ("8730", "sub", ("8720", "8590")),
    ("8770", "sub", ("8730", "8760")),
]
CAPITAL = [
    ("7425", "pct8", ("7415",)),
    ("7445", "pct8", ("7435",)),
    ("7455", "sum", ("7425", "7445")),
    ("7490", "max", ("7455", "7465", "7475")),
    ("7495", "warn", ("7490", "7455", "7465", "7475")),
]

FORMULAS = {
    "focus-ii": SEG + DEALER + SECURED + SWAPS + CAPITAL,
    "daily-seg": SECURED + SEG + [f if f[0] != "8720" else ("8720", "sum", _SWAP_FUNDS + ("8715A", "8715B", "8715C"))
                                  for f in SWAPS],
}

# The input lines of each kind, in the form's order (what a filer types in).
INPUTS = {
    "focus-ii": ("7010 7020 7030 7032 7033 7045 7047 7070 7080 7090 7100 7110 7120 7130 7132 7133 7140 7160 "
                 "7170 7150 7194 7200 7210 7220 7305 7315 7317 7325 7335 7337 7351 7352 7500 7520 7540 7560 "
                 "7580 7590 7600 7610 7615 7640 7650 7660 7670 7675 7700 7710 7720 7730 7735 7760 7765 7780 "
                 "8500 8510 8520 8530 8540 8560 8570 8600 8610 8620 8630 8640 8650 8660 8670 8680 8690 8700 "
                 "8710 8715 8760 7415 7435 7465 7475").split(),
    "daily-seg": ("7305 7315 7317 7325 7335 7337 7351 7352 7500 7520 7540 7560 7580 7590 7600 7610 7615 7640 "
                  "7650 7660 7670 7675 7700 7710 7720 7730 7735 7760 7765 7780 7010 7020 7030 7032 7033 7045 "
                  "7047 7070 7080 7090 7100 7110 7120 7130 7132 7133 7140 7160 7170 7150 7194 8500 8510 8520 "
                  "8530 8540 8560 8570 8600 8610 8620 8630 8640 8650 8660 8670 8680 8690 8700 8710 8715A 8715B "
                  "8715C 8760").split(),
}
# Lines that can never be negative, and deductions (never positive), as the form prints them.
NONNEGATIVE = set("7032 7132 7335 7610 7670 7730 8530 8670 7045 7351 8560 7200 7305 7194 7780 8760".split())
NONPOSITIVE = set("7033 7133 7337 7615 7675 7735 8540 8680 7047 7352 8570".split())
# The text (name) fields of FOCUS II: Name(s) of banks, clearing organizations, members, depositories.
NAME_FIELDS = {"focus-ii": ("7510", "7550", "7630", "7690", "7750"), "daily-seg": ()}
# CFTC Regulation 1.32(b): an offset never exceeds its deficit
OFFSETS = (("7047", "7045"), ("7352", "7351"), ("8570", "8560"))


def half_up(x: Fraction) -> int:
    """Whole dollars, a half away from zero (the form's rounding)."""
    n = int(abs(x) + Fraction(1, 2))
    return n if x >= 0 else -n


def pct(value: int, rate: int) -> int:
    return half_up(Fraction(value) * rate / 100)


def warning_level(d: int | None, a: int | None, b: int | None, c: int | None, retail_forex: bool) -> int | None:
    """The early warning level (7495) by the form's note: 110% of line A (7455) where the
    risk-based requirement governs line D, 150% of line B (7465) (110% for the retail forex
    minimum of $20,000,000), 150% of line C (7475) (110% for a retail forex firm). A tie: the
    higher level."""
    if d is None:
        return None
    levels = []
    if a is not None and a == d:
        levels.append(pct(a, 110))
    if b is not None and b == d:
        levels.append(pct(b, 110 if retail_forex else 150))
    if c is not None and c == d:
        levels.append(pct(c, 110 if retail_forex else 150))
    return max(levels) if levels else None


def _apply(op: str, vals: list[int | None], retail_forex: bool) -> int | None:
    if op == "warn":
        return warning_level(*vals, retail_forex)
    if all(v is None for v in vals):
        return None
    if op == "sum":
        return sum(v or 0 for v in vals)
    if op == "sub":
        return (vals[0] or 0) - (vals[1] or 0)
    if op == "max":
        return max(v for v in vals if v is not None)
    if op == "pct8":
        return pct(vals[0], 8)
    raise ValueError(op)


def compute(kind: str, inputs: dict[str, int | None], retail_forex: bool = False) -> dict[str, int | None]:
    values = {c: inputs.get(c) for c in INPUTS[kind]}
    for total, op, args in FORMULAS[kind]:
        values[total] = _apply(op, [values.get(a) for a in args], retail_forex)
    return values


def all_codes(kind: str) -> list[str]:
    return list(INPUTS[kind]) + [f[0] for f in FORMULAS[kind]]


BLANK = "blank"


def _foots(op: str, total, vals: list, retail_forex: bool) -> bool:
    want = _apply(op, [None if v == BLANK else v for v in vals], retail_forex)
    return (0 if want is None else want) == (0 if total == BLANK else total)


def derive(kind: str, shown: dict[str, int | str], retail_forex: bool | None = None) -> dict[str, set]:
    """What the form's arithmetic gives for each line the page does not show, from what it does
    show (`shown`: code -> amount or BLANK). Each unshown line gets the set of values the equations
    give it; a line no equation settles is absent. Values: int, or BLANK for a total all of whose
    parts are blank. The sums and differences are solved for any one unknown term, the greatest-of
    line for a part below its total; 8% lines and the early warning level only forwards.
    Where the page does not foot, it gives no single answer: a value that two equations give
    differently, or that rests on a shown value in an equation the page fails (or that fails with
    it), gets CONFLICT in its set. retail_forex None: taken from the page (line B $20,000,000)."""
    known: dict[str, int | str] = dict(shown)
    if retail_forex is None:
        retail_forex = known.get("7465") == 20_000_000
    deps: dict[str, set] = {c: {c} for c in shown}        # the shown lines a value rests on
    out: dict[str, set] = {}
    disputed: set[str] = set()                           # lines of an equation the page fails
    for total, op, args in FORMULAS[kind]:
        terms = (total,) + tuple(args)
        if op != "warn" and all(t in shown for t in terms) and not _foots(op, shown[total], [shown[a] for a in args],
                                                                           retail_forex):
            disputed |= set(terms)

    def num(v):
        return 0 if v == BLANK else v

    for _ in range(30):
        found: dict[str, set] = {}
        rests: dict[str, set] = {}
        for total, op, args in FORMULAS[kind]:
            terms = (total,) + tuple(args)
            unknown = [t for t in terms if t not in known]
            if len(unknown) != 1:
                continue
            u = unknown[0]
            v = None
            if op in ("sum", "sub"):
                if u == total:
                    vals = [known[a] for a in args]
                    if all(x == BLANK for x in vals):
                        v = BLANK
                    elif op == "sum":
                        v = sum(num(x) for x in vals)
                    else:
                        v = num(vals[0]) - num(vals[1])
                else:
                    t = num(known[total])
                    if op == "sum":
                        v = t - sum(num(known[a]) for a in args if a != u)
                    elif u == args[0]:
                        v = t + num(known[args[1]])
                    else:
                        v = num(known[args[0]]) - t
            elif u == total:                 # max, 8%, the early warning level: forwards
                x = _apply(op, [None if known[a] == BLANK else known[a] for a in args], retail_forex)
                v = BLANK if x is None else x
            elif op == "max" and known[total] != BLANK:
                # the greatest of: a total above every other part is the unknown part's value
                others = [known[a] for a in args if a in known and known[a] != BLANK]
                if all(known[total] > o for o in others):
                    v = known[total]
            if v is None:
                continue
            found.setdefault(u, set()).add(v)
            rests.setdefault(u, set()).update(*(deps[t] for t in terms if t != u))
        new = False
        for code, vals in found.items():
            before = out.get(code, set())
            if not vals <= before:
                out[code] = before | vals
                new = True
            deps[code] = deps.get(code, set()) | rests[code]
        # a line given one value only may be used to settle others
        for code, vals in out.items():
            if len(vals) == 1 and code not in known:
                known[code] = next(iter(vals))
                new = True
        if not new:
            break
    # an equation that fails once the settled values are in: what it settled is no answer either
    for total, op, args in FORMULAS[kind]:
        terms = (total,) + tuple(args)
        if op == "warn" or any(t not in known for t in terms) or not any(t in out for t in terms):
            continue
        if not _foots(op, known[total], [known[a] for a in args], retail_forex):
            for t in terms:
                disputed |= deps.get(t, {t})
    for code in out:
        if len(out[code]) > 1 or deps.get(code, set()) & disputed:
            out[code] = out[code] | {CONFLICT}
    return out


CONFLICT = "conflict"      # in a derived set: the page's arithmetic does not settle one value
