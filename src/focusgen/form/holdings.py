"""What a report computed from holdings declares beside its lines (form/sidr.yaml), read and checked.

A report like the Segregation Investment Detail Report (SIDR) is not given line by line: its lines are
sums of the firm's holdings (a depository, an instrument, an agreement, a market value). The
definition declares, as data:

- the vocabulary of a holding (`holdings:`): the depository kinds, the instrument types (each of a
  class: cash, investment or customer-owned securities; funds flagged) and the agreements (reverse
  repurchase: held; repurchase: sold, not held);
- for each line, a `holdings:` selector (which held holdings it sums) and, for each total, `covers:`
  (which held holdings it totals). A total whose parts miss a kind of holding, or count one twice,
  fails at load (`check_partition`), as does a part that counts holdings outside its total;
- `detail:` rows: a table whose rows are the holdings' depositories (data-dependent), whose columns are
  selectors, and whose total column covers the rest;
- `limits:` tables by effective date (17 CFR 1.25 before and after 90 FR 7810), each rule a kind this
  module knows (asset, issuer, family, fund, counterparty, affiliate_issuer, affiliate_counterparty,
  currency) with its percentage, instruments, citation and wording;
- `reconciliation:`: which lines of another report (the Daily Seg) each selector ties to, and which of
  that report's lines lie outside the holdings; checked at load against the other report's own total.

Nothing here reads an input: selectors match any object with `instrument`, `depository_kind` and
`agreement` attributes (inputs/holdings.Holding).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from decimal import Decimal
from itertools import product

from ..calendar import DueRule, ScheduleError


class DefinitionError(Exception):
    """A holdings declaration that is wrong (formdef turns it into FormDefinitionError)."""


NONE = "none"           # the agreement of a holding bought or held outright
CLASSES = ("cash", "investment", "customer")


@dataclass(frozen=True)
class Instrument:
    key: str
    label: str
    klass: str                  # cash | investment | customer
    fund: bool = False          # a fund: family, fund and manager size are given for it
    cite: str = ""


@dataclass(frozen=True)
class Vocabulary:
    """The words of a holding, each with its label, in the order the report prints them."""
    depositories: dict          # kind -> label
    instruments: dict           # key -> Instrument
    agreements: dict            # key -> (label, held: bool); "none" is implicit and held

    def held_agreements(self, instrument: str) -> tuple[str, ...]:
        """The agreements under which a holding of this instrument is held (in the account)."""
        if self.instruments[instrument].klass != "investment":
            return (NONE,)
        return (NONE, *(a for a, (_, held) in self.agreements.items() if held))

    def combos(self, depositories) -> list[tuple[str, str, str]]:
        """Every kind of held holding at these depository kinds: (instrument, depository, agreement)."""
        return [(i, d, a) for i, d in product(self.instruments, depositories) for a in self.held_agreements(i)]

    def describe(self, combo) -> str:
        i, d, a = combo
        return (f"{self.instruments[i].label} at {self.depositories[d]}"
                + ("" if a == NONE else f", {self.agreements[a][0]}"))


def _strings(raw, where: str) -> tuple[str, ...]:
    if isinstance(raw, str):
        return (raw,)
    if not isinstance(raw, list) or not raw or not all(isinstance(x, str) for x in raw):
        raise DefinitionError(f"{where}: a name or a list of names")
    return tuple(raw)


def vocabulary(raw) -> Vocabulary:
    if not isinstance(raw, dict) or set(raw) != {"depositories", "instruments", "agreements"}:
        raise DefinitionError("holdings: needs depositories, instruments and agreements")
    deps = {}
    for k, v in raw["depositories"].items():
        if not isinstance(v, dict) or set(v) != {"label"}:
            raise DefinitionError(f"holdings.depositories.{k}: needs a label")
        deps[str(k)] = str(v["label"])
    instruments = {}
    for k, v in raw["instruments"].items():
        if not isinstance(v, dict) or not {"label", "class"} <= set(v) or set(v) - {"label", "class", "fund", "cite"}:
            raise DefinitionError(f"holdings.instruments.{k}: needs label and class (and may have fund, cite)")
        if v["class"] not in CLASSES:
            raise DefinitionError(f"holdings.instruments.{k}: class {v['class']!r} is not one of {CLASSES}")
        if v.get("fund") and v["class"] != "investment":
            raise DefinitionError(f"holdings.instruments.{k}: only an investment is a fund")
        instruments[str(k)] = Instrument(str(k), str(v["label"]), v["class"], bool(v.get("fund")), str(v.get("cite", "")))
    agreements = {}
    for k, v in raw["agreements"].items():
        if k == NONE or not isinstance(v, dict) or set(v) != {"label", "held"} or not isinstance(v["held"], bool):
            raise DefinitionError(f"holdings.agreements.{k}: needs a label and held: true or false")
        agreements[str(k)] = (str(v["label"]), v["held"])
    for klass in CLASSES:
        if not any(i.klass == klass for i in instruments.values()):
            raise DefinitionError(f"holdings.instruments: no instrument of class {klass}")
    return Vocabulary(deps, instruments, agreements)


@dataclass(frozen=True)
class Selector:
    """Which held holdings a line, column or tie takes: each dimension a set of names (None: any)."""
    instrument: frozenset | None = None
    depository: frozenset | None = None
    agreement: frozenset | None = None

    def matches(self, instrument: str, depository: str, agreement: str) -> bool:
        return ((self.instrument is None or instrument in self.instrument)
                and (self.depository is None or depository in self.depository)
                and (self.agreement is None or agreement in self.agreement))

    def takes(self, holding) -> bool:
        return self.matches(holding.instrument, holding.depository_kind, holding.agreement)


def selector(raw, vocab: Vocabulary, where: str) -> Selector:
    """A selector from its YAML: instrument, class (its instruments), depository, agreement ({} = all)."""
    if raw is None:
        raw = {}
    if not isinstance(raw, dict) or set(raw) - {"instrument", "class", "depository", "agreement"}:
        raise DefinitionError(f"{where}: a selector takes instrument, class, depository and agreement")
    if "instrument" in raw and "class" in raw:
        raise DefinitionError(f"{where}: instrument or class, not both")
    found = {}
    if "class" in raw:
        classes = _strings(raw["class"], f"{where}.class")
        if set(classes) - set(CLASSES):
            raise DefinitionError(f"{where}.class: {sorted(set(classes) - set(CLASSES))} not among {CLASSES}")
        found["instrument"] = frozenset(k for k, i in vocab.instruments.items() if i.klass in classes)
    for dim, known in (("instrument", vocab.instruments), ("depository", vocab.depositories),
                       ("agreement", {NONE: None, **vocab.agreements})):
        if dim in raw:
            names = _strings(raw[dim], f"{where}.{dim}")
            unknown = sorted(set(names) - set(known))
            if unknown:
                raise DefinitionError(f"{where}.{dim}: unknown {unknown}")
            found[dim] = frozenset(names)
    return Selector(**found)


def check_partition(where: str, covers: Selector, parts: list[tuple[str, Selector]], vocab: Vocabulary,
                    depositories) -> None:
    """The parts of a total take every kind of held holding the total covers exactly once, and nothing
    else: a total that misses a part, or counts one twice, fails here."""
    for combo in vocab.combos(depositories):
        takers = [name for name, s in parts if s.matches(*combo)]
        if covers.matches(*combo):
            if not takers:
                raise DefinitionError(f"{where}: misses {vocab.describe(combo)} (no part takes it)")
            if len(takers) > 1:
                raise DefinitionError(f"{where}: counts {vocab.describe(combo)} twice ({', '.join(takers)})")
        elif takers:
            raise DefinitionError(f"{where}: part {takers[0]} takes {vocab.describe(combo)}, which the total "
                                  "does not cover")


# --- detail tables -------------------------------------------------------------------------------

@dataclass(frozen=True)
class Column:
    key: str
    label: str
    holdings: Selector | None = None          # a part: the holdings it sums
    sum: tuple[str, ...] = ()                 # a total: the columns it adds
    covers: Selector | None = None


@dataclass(frozen=True)
class Detail:
    """A table whose rows are data: one per depository of the statement's holdings, grouped by
    depository kind (in the vocabulary's order), with a total row."""
    key: str
    title: str
    columns: tuple[Column, ...]
    total_label: str
    affiliate_mark: str         # printed after an affiliated depository's name (1.32(i))
    cite: str = ""


def detail(raw, vocab: Vocabulary, depositories, where: str) -> Detail:
    keys = {"key", "title", "columns", "total_label", "affiliate_mark", "cite"}
    if not isinstance(raw, dict) or set(raw) - keys or not {"key", "columns", "total_label", "affiliate_mark"} <= set(raw):
        raise DefinitionError(f"{where}: a detail needs key, columns, total_label, affiliate_mark (and may have "
                              "title, cite)")
    columns = []
    for n, c in enumerate(raw["columns"]):
        at = f"{where}.columns[{n}]"
        if not isinstance(c, dict) or not {"key", "label"} <= set(c) or set(c) - {"key", "label", "holdings", "sum", "covers"}:
            raise DefinitionError(f"{at}: needs key and label, and holdings or sum with covers")
        if ("holdings" in c) == ("sum" in c) or ("sum" in c) != ("covers" in c):
            raise DefinitionError(f"{at}: either holdings (a part) or sum with covers (a total)")
        columns.append(Column(str(c["key"]), str(c["label"]),
                              selector(c["holdings"], vocab, at) if "holdings" in c else None,
                              _strings(c["sum"], at) if "sum" in c else (),
                              selector(c["covers"], vocab, at) if "covers" in c else None))
    keyed = {c.key: c for c in columns}
    if len(keyed) != len(columns):
        raise DefinitionError(f"{where}: two columns with one key")
    for c in columns:
        if c.sum:
            if set(c.sum) - set(keyed) or any(keyed[k].holdings is None for k in c.sum):
                raise DefinitionError(f"{where}: column {c.key} sums columns that are not parts: {c.sum}")
            check_partition(f"{where}: column {c.key}", c.covers, [(k, keyed[k].holdings) for k in c.sum],
                            vocab, depositories)
    if not any(c.sum and c.covers == Selector() for c in columns):
        raise DefinitionError(f"{where}: no total column covers every holding")
    return Detail(str(raw["key"]), str(raw.get("title", "")), tuple(columns), str(raw["total_label"]),
                  str(raw["affiliate_mark"]), str(raw.get("cite", "")))


# --- limits ------------------------------------------------------------------------------------------

KINDS = {
    # kind: (needs a percent, the holding's attribute it groups by)
    "asset": (True, None),
    "issuer": (True, "issuer_group"),
    "family": (True, "fund_family"),
    "fund": (True, "issuer"),
    "counterparty": (True, "counterparty_group"),
    "affiliate_issuer": (False, None),
    "affiliate_counterparty": (False, None),
    "currency": (False, "currency"),
}


@dataclass(frozen=True)
class Rule:
    id: str
    kind: str
    rule: str                       # what it says, {subject} filled in for grouped kinds
    cite: str
    percent: Fraction | None = None
    instruments: frozenset = frozenset()
    funds: str | None = None        # large | small: only funds of that size
    currency: dict = field(default_factory=dict)    # currency rule: instrument -> the currency it is capped by


@dataclass(frozen=True)
class LimitTable:
    """17 CFR 1.25 as it stood between two dates: what is permitted and the limits, checked per origin."""
    revision: str
    effective: tuple                # (from, to)
    cite: str
    permitted: frozenset            # instruments permitted as investments
    permitted_cite: str
    denominator: Selector           # total assets held in segregation (customer-owned securities excluded)
    denominator_label: str
    fund_assets: int                # a fund is large with at least this much in assets ...
    manager_assets: int             # ... and a manager managing at least this much
    fund_cite: str
    rules: tuple[Rule, ...]
    notice: dict                    # as an alert of the definition: cite, due (calendar.DueRule), to, bd_to,
                                    # family (its notices' common content), draft


def _when(raw, where: str) -> tuple:
    if not isinstance(raw, dict) or "from" not in raw or set(raw) - {"from", "to"}:
        raise DefinitionError(f"{where}: effective needs from (and optionally to)")
    try:
        return tuple(None if raw.get(k) is None else raw[k] if isinstance(raw[k], date)
                     else date.fromisoformat(str(raw[k])) for k in ("from", "to"))
    except ValueError as exc:
        raise DefinitionError(f"{where}: {exc}") from None


def _dollars(value, where: str) -> int:
    try:
        return int(Decimal(str(value)))
    except Exception:
        raise DefinitionError(f"{where}: {value!r} is not whole dollars") from None


def _rule(raw, vocab: Vocabulary, where: str) -> Rule:
    keys = {"id", "kind", "rule", "cite", "percent", "instruments", "funds", "currency"}
    if not isinstance(raw, dict) or set(raw) - keys or not {"id", "kind", "rule", "cite"} <= set(raw):
        raise DefinitionError(f"{where}: a rule needs id, kind, rule, cite (and percent, instruments, funds, currency)")
    kind = raw["kind"]
    if kind not in KINDS:
        raise DefinitionError(f"{where}: kind {kind!r} is not one of {sorted(KINDS)}")
    needs_percent = KINDS[kind][0]
    if needs_percent != ("percent" in raw):
        raise DefinitionError(f"{where}: {'an' if kind[0] in 'aeiou' else 'a'} {kind} rule "
                              f"{'needs' if needs_percent else 'takes no'} percent")
    instruments = frozenset(_strings(raw["instruments"], f"{where}.instruments")) if "instruments" in raw else frozenset()
    if set(instruments) - set(vocab.instruments):
        raise DefinitionError(f"{where}: unknown instruments {sorted(set(instruments) - set(vocab.instruments))}")
    if kind not in ("counterparty", "affiliate_counterparty") and not instruments:
        raise DefinitionError(f"{where}: a {kind} rule names its instruments")
    if kind in ("family", "fund") or raw.get("funds"):
        if not all(vocab.instruments[i].fund for i in instruments):
            raise DefinitionError(f"{where}: a {kind} rule reads funds only")
    if raw.get("funds") not in (None, "large", "small"):
        raise DefinitionError(f"{where}: funds is large or small")
    currency = {}
    if kind == "currency":
        currency = raw.get("currency")
        if not isinstance(currency, dict) or set(currency) != set(instruments):
            raise DefinitionError(f"{where}: a currency rule maps each of its instruments to a currency")
        currency = {str(k): str(v) for k, v in currency.items()}
    elif "currency" in raw:
        raise DefinitionError(f"{where}: only a currency rule has currency")
    percent = Fraction(Decimal(str(raw["percent"]))) if "percent" in raw else None
    if percent is not None and not 0 < percent <= 100:
        raise DefinitionError(f"{where}: percent {raw['percent']} is not above 0 and at most 100")
    return Rule(str(raw["id"]), kind, str(raw["rule"]), str(raw["cite"]), percent, instruments,
                raw.get("funds"), currency)


def limit_tables(raw, vocab: Vocabulary) -> tuple[LimitTable, ...]:
    """The limit tables, each checked, in date order, none overlapping."""
    if not isinstance(raw, list) or not raw:
        raise DefinitionError("limits: a list of tables by effective date")
    tables = []
    keys = {"revision", "effective", "cite", "permitted", "permitted_cite", "denominator", "fund_size", "rules", "notice"}
    for n, t in enumerate(raw):
        where = f"limits[{n}]"
        if not isinstance(t, dict) or set(t) != keys:
            raise DefinitionError(f"{where}: needs {sorted(keys)}")
        permitted = frozenset(_strings(t["permitted"], f"{where}.permitted"))
        wrong = [i for i in permitted if i not in vocab.instruments or vocab.instruments[i].klass != "investment"]
        if wrong:
            raise DefinitionError(f"{where}.permitted: {sorted(wrong)} are not investments of the vocabulary")
        den = t["denominator"]
        if not isinstance(den, dict) or set(den) != {"holdings", "label"}:
            raise DefinitionError(f"{where}.denominator: needs holdings and label")
        size = t["fund_size"]
        if not isinstance(size, dict) or set(size) != {"fund_assets", "manager_assets", "cite"}:
            raise DefinitionError(f"{where}.fund_size: needs fund_assets, manager_assets and cite")
        notice = t["notice"]
        if not isinstance(notice, dict) or set(notice) != {"cite", "due", "to", "bd_to", "family", "draft"}:
            raise DefinitionError(f"{where}.notice: needs cite, due, to, bd_to, family and draft")
        try:
            due = DueRule.parse(notice["due"], f"{where}.notice.due")
        except ScheduleError as exc:
            raise DefinitionError(str(exc)) from None
        rules = tuple(_rule(r, vocab, f"{where}.rules[{k}]") for k, r in enumerate(t["rules"]))
        if len({r.id for r in rules}) != len(rules):
            raise DefinitionError(f"{where}: two rules with one id")
        tables.append(LimitTable(str(t["revision"]), _when(t["effective"], where), str(t["cite"]), permitted,
                                 str(t["permitted_cite"]), selector(den["holdings"], vocab, f"{where}.denominator"),
                                 str(den["label"]), _dollars(size["fund_assets"], where),
                                 _dollars(size["manager_assets"], where), str(size["cite"]), rules,
                                 {**notice, "due": due, "to": tuple(notice["to"]), "bd_to": tuple(notice["bd_to"])}))
    tables.sort(key=lambda t: t.effective[0])
    for a, b in zip(tables, tables[1:]):
        if a.effective[1] is None or a.effective[1] >= b.effective[0]:
            raise DefinitionError(f"limits: {a.revision} and {b.revision} overlap")
    return tuple(tables)


def limits_for(tables: tuple[LimitTable, ...], as_of: date) -> LimitTable | None:
    for t in tables:
        start, end = t.effective
        if start <= as_of and (end is None or as_of <= end):
            return t
    return None


# --- reconciliation --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Tie:
    label: str
    holdings: Selector
    lines: tuple[str, ...]          # the other report's lines it ties to


@dataclass(frozen=True)
class Reconciliation:
    """How each origin's holdings tie to another report's statement of the same name (its `funds` total)."""
    against: str                                    # the report kind (daily-seg)
    cite: str
    note: str
    origins: dict                                   # origin -> (ties, outside: ((line, reason), ...))


def reconciliation(raw, vocab: Vocabulary, origins: dict) -> Reconciliation:
    """`origins`: statement name -> its allowed depository kinds."""
    if not isinstance(raw, dict) or set(raw) != {"against", "cite", "note", "origins"}:
        raise DefinitionError("reconciliation: needs against, cite, note and origins")
    found = {}
    for origin, spec in raw["origins"].items():
        where = f"reconciliation.origins.{origin}"
        if origin not in origins:
            raise DefinitionError(f"{where}: no statement of the report is named {origin}")
        if not isinstance(spec, dict) or set(spec) != {"ties", "outside"}:
            raise DefinitionError(f"{where}: needs ties and outside")
        ties = []
        for n, t in enumerate(spec["ties"]):
            if not isinstance(t, dict) or set(t) != {"label", "holdings", "lines"}:
                raise DefinitionError(f"{where}.ties[{n}]: needs label, holdings and lines")
            ties.append(Tie(str(t["label"]), selector(t["holdings"], vocab, f"{where}.ties[{n}]"),
                            tuple(str(x) for x in _strings([str(x) for x in t["lines"]], f"{where}.ties[{n}]"))))
        outside = []
        for n, o in enumerate(spec["outside"] or ()):
            if not isinstance(o, dict) or set(o) != {"lines", "reason"}:
                raise DefinitionError(f"{where}.outside[{n}]: needs lines and reason")
            outside += [(str(line), str(o["reason"])) for line in o["lines"]]
        check_partition(f"{where}: ties", Selector(), [(t.label, t.holdings) for t in ties], vocab, origins[origin])
        found[str(origin)] = (tuple(ties), tuple(outside))
    if set(found) != set(origins):
        raise DefinitionError(f"reconciliation: origins {sorted(set(origins) - set(found))} are not reconciled")
    return Reconciliation(str(raw["against"]), str(raw["cite"]), str(raw["note"]), found)


def check_reconciliation(rec: Reconciliation, other, leaves) -> None:
    """Against the other report (a formdef.Report): each origin's ties and outside lines name the input
    lines its statement's funds total adds up, each exactly once. `leaves(code)` gives a total's input
    lines."""
    for origin, (ties, outside) in rec.origins.items():
        st = other.statement_named(origin)
        if st is None or "funds" not in st.summary:
            raise DefinitionError(f"reconciliation.{origin}: {other.kind} has no statement {origin} with a funds total")
        want = leaves(st.summary["funds"])
        named = [line for t in ties for line in t.lines] + [line for line, _ in outside]
        twice = sorted({x for x in named if named.count(x) > 1})
        missing = [x for x in want if x not in named]
        extra = [x for x in named if x not in want]
        if twice or missing or extra:
            raise DefinitionError(f"reconciliation.{origin} against {other.kind} {st.summary['funds']}: "
                                  + "; ".join(s for s in (f"misses {missing}" if missing else "",
                                                          f"names {extra}, which it does not add" if extra else "",
                                                          f"names {twice} twice" if twice else "") if s))
