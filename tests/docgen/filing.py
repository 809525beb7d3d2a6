"""A filing drawn from a seed: the values a firm files for the report kind, and what its print shows.

    draw_filing(kind, seed) -> Filing

Inputs have realistic magnitudes for a firm of a drawn size (customer equity from about $300,000
to $50 billion), some zero, some blank (a firm prints its unused lines as 0 or leaves them empty,
with exceptions), negatives only where the form allows them (unrealized losses, net settlements,
cash overdrafts; deductions always), offsets within their deficits (Regulation 1.32(b)), funds in
segregation that usually exceed the requirement and sometimes fall short, management targets, the
capital requirement with its $1,000,000 (or $20,000,000 retail forex) minimum. Totals come from
arith.py (the form's arithmetic transcribed independently), never from focusgen.

Prints do not always foot: about one filing in four is printed as filers' prints are, with a total
that does not equal its parts (a typed-over total, a cent of rounding gone astray), or parts left
blank while their total is printed (line 7455 printed with 7425 and 7445 blank; two lines of line
13 left blank). `printed` is what the page shows (None: an empty cell); `values` the filing's own.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, timedelta

from . import arith

FIRMS = ["ACME FUTURES LLC", "Northgate Clearing Corp.", "DAILY SEG CAPITAL LLC", "Blue Harbor FCM, Inc.",
         "R.J. O'BRIEN & ASSOCIATES, LLC", "Meridian Commodity Services L.P.", "STONE RIVER SECURITIES (USA) INC.",
         "Pacific & Atlantic Derivatives Corp", "First Prairie Futures, Inc.", "KESTREL MARKETS LLC",
         "Halcyon Brokerage Company", "TRI-STATE CLEARING L.L.C."]
BANKS = ["HARRIS TRUST", "BANK OF NOVA SCOTIA", "JPMORGAN CHASE BANK, N.A.", "BMO HARRIS BANK N.A.",
         "LCH CLEARNET LTD", "EUREX CLEARING AG", "ICE CLEAR EUROPE", "BANK OF NEW YORK MELLON", "SGX-DC"]


@dataclass
class Filing:
    kind: str
    seed: int
    firm: str
    as_of: date
    values: dict[str, int | None]          # the filing's own values, every amount line (None: blank)
    printed: dict[str, int | None]         # what the print shows (None: an empty cell)
    names: dict[str, str | None] = field(default_factory=dict)
    retail_forex: bool = False
    not_footing: list[str] = field(default_factory=list)     # how the print departs from the arithmetic
    sec_file_no: str = ""
    firm_id: str = ""

    @property
    def key(self) -> str:
        return f"{self.kind}-{self.seed}"


class _Draw:
    def __init__(self, rnd: random.Random, scale: float, unused_zero: float):
        self.rnd, self.scale, self.unused_zero = rnd, scale, unused_zero

    def amount(self, lo: float, hi: float) -> int:
        """A positive amount, a share of the firm's scale (log-uniform between lo and hi)."""
        r = self.rnd
        share = 10 ** r.uniform(_log(lo), _log(hi))
        v = int(self.scale * share)
        if r.random() < 0.08:                      # round amounts happen (targets, minimums)
            v = round(v, -max(0, len(str(v)) - 3))
        return max(v, 1)

    def unused(self) -> int | None:
        """An unused line: 0 or blank, by the firm's habit with a few exceptions."""
        zero = self.rnd.random() < (0.9 if self.unused_zero > 0.5 else 0.1)
        return 0 if zero else None

    def maybe(self, p_used: float, lo: float, hi: float, sign: int = 1) -> int | None:
        if self.rnd.random() < p_used:
            return sign * self.amount(lo, hi)
        return self.unused()

    def split(self, total: int, codes: list[str], out: dict) -> None:
        """total shared among the codes by random weights (each whole dollars, summing exactly)."""
        if not codes:
            return
        w = [self.rnd.random() ** 2 + 0.02 for _ in codes]
        s = sum(w)
        parts = [int(total * x / s) for x in w]
        parts[0] += total - sum(parts)
        for c, p in zip(codes, parts):
            out[c] = p


def _log(x: float) -> float:
    import math
    return math.log10(x)


def _segregation(d: _Draw, v: dict, codes: dict, active: bool) -> None:
    """One segregation statement (4d(2) or cleared swaps 4d(f)), its requirement side then its funds."""
    r = d.rnd
    c = codes
    if not active:
        for k in c["req"] + c["funds"] + [c["target"]]:
            v[k] = d.unused() if r.random() < 0.3 else None
        v[c["offset"]] = None if v[c["deficit"]] is None else -min(abs(v[c["offset"]] or 0), v[c["deficit"]])
        return
    cash, secs, unreal, long_, short, deficit, offset = c["req"]
    v[cash] = d.amount(0.2, 0.9) * (-1 if r.random() < 0.03 else 1)
    v[secs] = d.maybe(0.7, 0.01, 0.5)
    v[unreal] = d.maybe(0.85, 0.001, 0.3, sign=r.choice((1, -1)))
    v[long_] = d.maybe(0.6, 0.001, 0.2)
    v[short] = d.maybe(0.6, 0.001, 0.2, sign=-1)
    v[deficit] = d.maybe(0.6, 1e-6, 1e-3)
    if v[deficit]:
        v[offset] = -int(v[deficit] * r.choice((0, 0.3, 0.9, 1.0, r.random())))
        if v[offset] == 0 and r.random() < 0.5:
            v[offset] = None
    else:
        v[offset] = d.unused() if v[deficit] is not None else None
    req = sum(v[k] or 0 for k in c["req"][:5]) + (v[deficit] or 0) + (v[offset] or 0)
    # funds: usually more than the requirement (the residual interest), sometimes short
    excess = r.choice([r.uniform(0.005, 0.3)] * 6 + [r.uniform(-0.05, -0.0001), 0.0])
    target = max(int(abs(req) * (1 + excess)), 1) if req > 0 else d.amount(0.01, 0.2)
    funds = c["funds"]
    fixed = {}
    if v[long_] is not None and r.random() < 0.7:
        fixed[c["flong"]] = v[long_]
    else:
        fixed[c["flong"]] = d.maybe(0.5, 0.001, 0.2)
    if v[short] is not None and r.random() < 0.7:
        fixed[c["fshort"]] = v[short]
    else:
        fixed[c["fshort"]] = d.maybe(0.5, 0.001, 0.2, sign=-1)
    fixed[c["settle"]] = d.maybe(0.7, 1e-4, 0.03, sign=r.choice((1, -1)))
    in_lieu = c["in_lieu"]
    if v[secs] and r.random() < 0.6:            # the practice identity: customers' securities held in lieu of cash
        used = [k for k in in_lieu if r.random() < 0.6] or [in_lieu[0]]
        d.split(v[secs], used, fixed)
        for k in in_lieu:
            fixed.setdefault(k, d.unused())
    else:
        for k in in_lieu:
            fixed[k] = d.maybe(0.4, 0.001, 0.2)
    rest = [k for k in funds if k not in fixed]
    used = [k for k in rest if r.random() < 0.55] or [rest[0]]
    remaining = target - sum(x or 0 for x in fixed.values())
    if remaining < len(used):
        remaining = len(used) + d.amount(0.001, 0.05)
    d.split(remaining, used, fixed)
    for k in rest:
        fixed.setdefault(k, d.unused())
    overdrawn = [k for k in used if k in c["cash"]]
    if overdrawn and r.random() < 0.05:         # an overdrawn bank account
        k = r.choice(overdrawn)
        fixed[k] = -abs(fixed[k] or 1) // 50 - 1
    v.update(fixed)
    tgt = r.random()
    if tgt < 0.7:
        v[c["target"]] = max(round(int(abs(req) * r.uniform(0.01, 0.12) + 1), -r.choice((3, 5, 6))), 0)
    else:
        v[c["target"]] = d.unused()


SEG_CODES = {
    "req": ["7010", "7020", "7030", "7032", "7033", "7045", "7047"], "deficit": "7045", "offset": "7047",
    "funds": ["7070", "7080", "7090", "7100", "7110", "7120", "7130", "7132", "7133", "7140", "7160", "7170", "7150"],
    "flong": "7132", "fshort": "7133", "settle": "7130", "in_lieu": ["7090", "7120", "7170", "7150"], "target": "7194",
    "cash": ["7070", "7100", "7140"],
}
SWAP_CODES = {
    "req": ["8500", "8510", "8520", "8530", "8540", "8560", "8570"], "deficit": "8560", "offset": "8570",
    "funds": ["8600", "8610", "8620", "8630", "8640", "8650", "8660", "8670", "8680", "8690", "8700", "8710", "8715"],
    "flong": "8670", "fshort": "8680", "settle": "8660", "in_lieu": ["8620", "8650", "8710"], "target": "8760",
    "cash": ["8600", "8630", "8690"],
}


def _secured(d: _Draw, v: dict, active: bool) -> None:
    r = d.rnd
    ins = ["7305", "7315", "7317", "7325", "7335", "7337", "7351", "7352", "7500", "7520", "7540", "7560",
           "7580", "7590", "7600", "7610", "7615", "7640", "7650", "7660", "7670", "7675", "7700", "7710",
           "7720", "7730", "7735", "7760", "7765", "7780"]
    if not active:
        for k in ins:
            v[k] = d.unused() if r.random() < 0.3 else None
        return
    v["7315"] = d.amount(0.01, 0.3)
    v["7317"] = d.maybe(0.5, 0.001, 0.1)
    v["7325"] = d.maybe(0.8, 1e-4, 0.05, sign=r.choice((1, -1)))
    v["7335"] = d.maybe(0.4, 1e-4, 0.02)
    v["7337"] = d.maybe(0.4, 1e-4, 0.02, sign=-1)
    v["7351"] = d.maybe(0.5, 1e-7, 1e-4)
    v["7352"] = -int(v["7351"] * r.random()) if v["7351"] else (d.unused() if v["7351"] is not None else None)
    net = sum(v[k] or 0 for k in ("7315", "7317", "7325", "7335", "7337", "7351", "7352"))
    v["7305"] = r.choice([0, None, max(0, int(net * r.uniform(0.5, 0.99))), int(abs(net) * r.uniform(1.0, 1.2)) + 1])
    need = max(net, v["7305"] or 0)
    target = max(int(need * (1 + r.choice([r.uniform(0.01, 0.4)] * 5 + [r.uniform(-0.03, 0)]))), 10)
    funds = ["7500", "7520", "7540", "7560", "7580", "7590", "7600", "7610", "7615", "7640", "7650", "7660",
             "7670", "7675", "7700", "7710", "7720", "7730", "7735", "7760", "7765"]
    fixed = {"7610": d.maybe(0.3, 1e-4, 0.02), "7615": d.maybe(0.3, 1e-4, 0.02, sign=-1),
             "7670": d.maybe(0.2, 1e-4, 0.02), "7675": d.maybe(0.2, 1e-4, 0.02, sign=-1),
             "7730": d.maybe(0.3, 1e-4, 0.02), "7735": d.maybe(0.3, 1e-4, 0.02, sign=-1),
             "7600": d.maybe(0.5, 1e-4, 0.02, sign=r.choice((1, -1))),
             "7660": d.maybe(0.3, 1e-4, 0.01, sign=r.choice((1, -1))),
             "7720": d.maybe(0.5, 1e-4, 0.02, sign=r.choice((1, -1)))}
    if v["7317"] and r.random() < 0.6:
        used = [k for k in ("7540", "7560", "7590", "7650", "7710") if r.random() < 0.5] or ["7540"]
        d.split(v["7317"], used, fixed)
    rest = [k for k in funds if k not in fixed]
    used = [k for k in rest if r.random() < 0.45] or ["7500"]
    remaining = target - sum(x or 0 for x in fixed.values())
    if remaining < len(used):
        remaining = len(used) + d.amount(1e-4, 0.01)
    d.split(remaining, used, fixed)
    for k in rest:
        fixed.setdefault(k, d.unused())
    v.update(fixed)
    v["7780"] = round(int(need * r.uniform(0.01, 0.15)) + 1, -r.choice((3, 5))) if r.random() < 0.7 else d.unused()


def _capital(d: _Draw, v: dict) -> bool:
    r = d.rnd
    retail = r.random() < 0.12
    v["7415"] = d.amount(0.05, 2.0)
    v["7435"] = d.maybe(0.5, 0.001, 0.3)
    v["7465"] = 20_000_000 if retail else 1_000_000
    v["7475"] = r.choice([None, None, 0, d.amount(0.001, 0.05), 20_000_000 + d.amount(1e-4, 0.01)])
    return retail


def _dealer(d: _Draw, v: dict) -> None:
    r = d.rnd
    if r.random() < 0.75:
        for k in ("7200", "7210", "7220"):
            v[k] = None if r.random() < 0.8 else 0
        return
    v["7200"] = d.amount(1e-5, 1e-3)
    v["7210"] = int(v["7200"] * r.uniform(0.5, 1.2))
    v["7220"] = d.maybe(0.5, 1e-6, 1e-4)


def draw_inputs(kind: str, seed: int) -> tuple[dict[str, int | None], bool, random.Random]:
    rnd = random.Random(f"filing/{kind}/{seed}")
    scale = 10 ** rnd.uniform(5.5, 10.7)
    d = _Draw(rnd, scale, rnd.random())
    v: dict[str, int | None] = {}
    _secured(d, v, rnd.random() < 0.85)
    _segregation(d, v, SEG_CODES, True)
    sw = dict(SWAP_CODES)
    if kind == "daily-seg":
        sw = dict(sw, funds=sw["funds"][:-1] + ["8715A", "8715B", "8715C"])
    _segregation(d, v, sw, rnd.random() < 0.7)
    retail = False
    if kind == "focus-ii":
        _dealer(d, v)
        retail = _capital(d, v)
    return {c: v.get(c) for c in arith.INPUTS[kind]}, retail, rnd


def _not_footing(kind: str, values: dict, rnd: random.Random) -> tuple[dict, list[str]]:
    """The print as filers' prints sometimes are: one or two departures from the arithmetic."""
    printed = dict(values)
    notes = []
    totals = [f[0] for f in arith.FORMULAS[kind] if values.get(f[0]) not in (None, 0) and f[1] in ("sum", "sub")]
    for _ in range(rnd.choice((1, 1, 2))):
        how = rnd.choice(["total-off", "parts-blank", "parts-blank", "capital"] if kind == "focus-ii"
                         else ["total-off", "parts-blank"])
        if how == "capital" and values.get("7455") is not None and printed["7425"] is not None:
            printed["7425"] = printed["7445"] = None
            notes.append("7455 printed while 7425 and 7445 are blank")
        elif how == "parts-blank":
            eq = rnd.choice([f for f in arith.FORMULAS[kind] if f[1] == "sum" and len(f[2]) >= 5])
            shown = [a for a in eq[2] if printed.get(a)]
            if len(shown) < 2:
                continue
            gone = rnd.sample(shown, 2 if len(shown) > 2 and rnd.random() < 0.6 else 1)
            for a in gone:
                printed[a] = None
            notes.append(f"{eq[0]} printed while {' and '.join(gone)} are blank")
        elif totals:
            t = rnd.choice(totals)
            v = printed[t]
            delta = rnd.choice([1, -1, 10 ** rnd.randint(1, max(1, len(str(abs(v))) - 2)), _transpose(v) - v])
            if delta:
                printed[t] = v + delta
                notes.append(f"{t} printed as {printed[t]:,} where its parts give {v:,}")
    return printed, notes


def _transpose(v: int) -> int:
    s = str(abs(v))
    if len(s) < 3:
        return v + 1
    i = len(s) // 2
    t = s[:i - 1] + s[i] + s[i - 1] + s[i + 1:]
    return int(t) * (1 if v >= 0 else -1)


def draw_filing(kind: str, seed: int, foot: bool | None = None) -> Filing:
    """A filing of the kind from the seed. foot=True: the print foots; False: it does not; None:
    drawn (one in four does not)."""
    inputs, retail, rnd = draw_inputs(kind, seed)
    values = arith.compute(kind, inputs, retail)
    if foot is None:
        foot = rnd.random() >= 0.25
    printed, notes = (dict(values), []) if foot else _not_footing(kind, values, rnd)
    firm = rnd.choice(FIRMS)
    as_of = date(2014, 1, 31) + timedelta(days=rnd.randint(0, 12 * 365))
    names = {c: rnd.choice(BANKS + [None]) for c in arith.NAME_FIELDS[kind]}
    return Filing(kind, seed, firm, as_of, values, printed, names, retail, notes,
                  sec_file_no=f"8-{rnd.randint(10000, 69999)}", firm_id=str(rnd.randint(100, 99999)))
