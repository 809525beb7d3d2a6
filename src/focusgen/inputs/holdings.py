"""A holdings input: what the firm holds for its customers, row by row, read and checked against the
report's vocabulary (form/sidr.yaml `holdings:`), and summed into the report's lines.

The holdings are a table (CSV or a workbook sheet, `holdings: FILE` or `{file:, sheet:}`) or a YAML list
under `holdings:`, with these columns (COLUMNS; the first five required):

    origin              segregation | secured | cleared_swaps (the report's statement names)
    depository          the depository's name
    depository_kind     one of the vocabulary's depository kinds (bank, dco, fcm, custodian, ...)
    instrument          one of the vocabulary's instruments (cash, us_government, ..., customer_securities)
    market_value        an amount as everywhere (accounting formats, exact decimals), in its currency
    location            where the depository is (required but for funds on hand: 1.32(f)(1))
    depository_affiliate  yes | no (default no): the depository is an affiliate of the FCM (1.32(i))
    issuer, issuer_group, issuer_affiliate   the issuer (for a fund: the fund's name), affiliated issuers'
                        common name (default: the issuer; 1.25(b)(3)(ii)(E)), an affiliate of the FCM
    fund_family, fund_assets, manager_assets  a fund's family, its assets and its manager's (1.25(b)(3))
    agreement           blank | reverse_repo | repo, with counterparty, counterparty_group and
                        counterparty_affiliate
    currency            ISO 4217 (default USD), converted at the input's fx rates
    description         free text (CUSIP, ...), for the reader

Each holding's market value is converted exactly at its currency's rate and rounded once to whole dollars
(half up, money.to_dollars); every line and every detail cell is an exact sum of those whole dollars, so
every table of the report foots. Every problem is named with its CSV row, workbook cell or YAML line.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from ..form.holdings import NONE, Vocabulary
from ..money import AmountError, parse_amount, to_dollars
from ..problems import Problem
from .currencies import BASE, Rates, convert, currency_code
from .models import Source, Table

COLUMNS = ("origin", "depository", "depository_kind", "instrument", "market_value", "location",
           "depository_affiliate", "issuer", "issuer_group", "issuer_affiliate", "fund_family", "fund_assets",
           "manager_assets", "agreement", "counterparty", "counterparty_group", "counterparty_affiliate",
           "currency", "description")
REQUIRED = COLUMNS[:5]
MAX_HOLDINGS = 100_000
_FLAGS = {"yes": True, "y": True, "true": True, "no": False, "n": False, "false": False, "": False}


@dataclass(frozen=True)
class Holding:
    """One holding, checked: what the report's selectors and the limits read."""
    origin: str
    depository: str
    depository_kind: str
    location: str
    depository_affiliate: bool
    instrument: str
    issuer: str
    issuer_group: str
    issuer_affiliate: bool
    fund_family: str
    fund_assets: int | None
    manager_assets: int | None
    agreement: str
    counterparty: str
    counterparty_group: str
    counterparty_affiliate: bool
    currency: str
    market_value: Decimal           # as given, in its currency
    dollars: int                    # converted exactly and rounded once to whole dollars
    where: str                      # the row: "row 4", "Holdings row 4", "holdings[3] (yaml line 12)"
    file: str
    description: str = ""

    @property
    def held(self) -> bool:
        """In the account (not sold under a repurchase agreement)."""
        return self.agreement != "repo"


@dataclass(frozen=True)
class Holdings:
    """The checked holdings of an input and what they sum to, line by line."""
    rows: tuple[Holding, ...]
    file: str                       # where they were given (the table, or the YAML)
    balances: dict                  # origin -> {currency: whole dollars owed to customers in it}


class _Row:
    """One row being checked: its cells by column, every problem appended with where it is."""

    def __init__(self, cells: dict, where: str, file: str, problems: list[Problem]):
        self.cells, self.where, self.file, self.problems = cells, where, file, problems
        self.ok = True

    def problem(self, code: str, column: str | None, message: str, expected: str) -> None:
        self.ok = False
        at = self.cells[column][1] if column in self.cells else self.where
        self.problems.append(Problem(code, self.file, message, at, expected))

    def text(self, column: str) -> str:
        value = self.cells.get(column, (None, ""))[0]
        if value is None:
            return ""
        if hasattr(value, "text"):            # a workbook cell
            from .xlsx import CellError
            try:
                return value.raw.strip() if value.kind == "s" else value.text().strip()
            except CellError as exc:
                self.problem(exc.code, column, exc.message, exc.expected)
                return ""
        if isinstance(value, bool):
            return "yes" if value else "no"
        if not isinstance(value, (str, int, Decimal)):
            self.problem("bad-field", column, f"{column} is a {type(value).__name__}, not text", "text")
            return ""
        text = str(value).strip()
        bad = next((c for c in text if not c.isprintable()), None)
        if bad is not None or len(text) > 200:
            self.problem("bad-field", column, f"{column} is not one line of at most 200 printable characters",
                         "one line of text")
            return ""
        return text

    def amount(self, column: str) -> Decimal | None:
        value = self.cells.get(column, (None, ""))[0]
        if hasattr(value, "amount"):          # a workbook cell
            from .xlsx import CellError
            try:
                value = value.amount()
            except CellError as exc:
                self.problem(exc.code, column, exc.message, exc.expected)
                return None
        try:
            return parse_amount(value)
        except AmountError as exc:
            self.problem("bad-amount", column, f"{column}: {exc}", "an amount such as 1443907046.25, "
                         "\"1,443,907,046\" or \"(52,837,332)\"")
            return None

    def flag(self, column: str) -> bool:
        text = self.text(column).lower()
        if text not in _FLAGS:
            self.problem("bad-field", column, f"{column} is {text!r}, not yes or no", "yes or no (blank: no)")
            return False
        return _FLAGS[text]

    def one_of(self, column: str, known, code: str, what: str) -> str:
        text = self.text(column)
        if not text:
            self.problem("missing-field", column, f"{column} is empty", f"one of {', '.join(known)}")
        elif text not in known:
            self.problem(code, column, f"{text!r} is not {what}", f"one of {', '.join(known)}")
            return ""
        return text


def _records(raw, base: Path, problems: list[Problem], confine) -> tuple[list, str, list]:
    """(rows as (cells, where), the file they were given in, [(path, bytes)] read). `raw`: the YAML's
    holdings (a list, a file name or {file, sheet})."""
    yname = str(base)
    if isinstance(raw, list):
        found = []
        for i, item in enumerate(raw):
            first = min(getattr(item, "lines", {}).values(), default=None)
            where = f"holdings[{i}]" + (f" (yaml line {first})" if first else "")
            if not isinstance(item, dict):
                problems.append(Problem("bad-field", yname, f"holdings[{i}] is not a mapping", where,
                                        f"{{{', '.join(REQUIRED)}, ...}}"))
                continue
            unknown = sorted(str(k) for k in item if k not in COLUMNS)
            if unknown:
                problems.append(Problem("unknown-key", yname, f"holdings[{i}]: unknown key(s) {', '.join(unknown)}",
                                        where, f"among {', '.join(COLUMNS)}"))
                continue
            keyed = getattr(item, "lines", {})
            found.append(({k: (v, f"holdings[{i}].{k}" + (f" (yaml line {keyed[k]})" if k in keyed else ""))
                           for k, v in item.items()}, where))
        return found, yname, []
    from .tables import read_columns
    try:
        table = Table.model_validate(raw) if isinstance(raw, dict) else Table(file=str(raw))
    except Exception:
        problems.append(Problem("bad-field", yname, "holdings is not a file, {file:, sheet:} or a list of holdings",
                                "holdings", "holdings: FILE.csv, {file: BOOK.xlsx, sheet: Holdings} or a list"))
        return [], yname, []
    if table.cells is not None:
        problems.append(Problem("bad-field", yname, "holdings.cells: holdings are a sheet of rows", "holdings.cells",
                                "{file: holdings.xlsx, sheet: Holdings}"))
    path = confine(table.file, "holdings")
    if path is None:
        return [], yname, []
    records, data = read_columns(path, problems, COLUMNS, REQUIRED, table.sheet, "holdings")
    return [(r.cells, r.where) for r in records], str(path), [(path, data)]


def _check_row(row: _Row, rep, vocab: Vocabulary, rates: Rates, needs_issuer: set, missing_rates: set):
    """One holding from its cells, or None (with its problems appended)."""
    origins = {st.name: st for st in rep.statements}
    origin = row.one_of("origin", list(origins), "unknown-origin", "a statement of the report")
    depository = row.text("depository")
    if not depository:
        row.problem("missing-field", "depository", "depository is empty", "the depository's name")
    kind = row.one_of("depository_kind", list(vocab.depositories), "unknown-depository-kind", "a kind of depository")
    if origin and kind and kind not in origins[origin].depositories:
        row.problem("not-allowed", "depository_kind", f"a {kind} holds no {origin} funds on this report",
                    f"one of {', '.join(origins[origin].depositories)} for {origin}")
    location = row.text("location")
    if not location and kind and kind != "on_hand":
        row.problem("missing-field", "location", "location is empty: the report gives each depository's location "
                    "(17 CFR 1.32(f)(1))", "the city and country of the depository")
    instrument = row.one_of("instrument", list(vocab.instruments), "unknown-instrument", "an instrument type")
    spec = vocab.instruments.get(instrument)
    agreement = row.text("agreement") or NONE
    if agreement not in (NONE, *vocab.agreements):
        row.problem("bad-field", "agreement", f"{agreement!r} is not an agreement",
                    f"blank, or one of {', '.join(vocab.agreements)}")
        agreement = NONE
    counterparty = row.text("counterparty")
    if agreement != NONE:
        if spec is not None and spec.klass != "investment":
            row.problem("not-allowed", "agreement", f"{instrument} is not bought or sold under an agreement",
                        "an investment (17 CFR 1.25(a)(2))")
        if not counterparty:
            row.problem("missing-field", "counterparty", f"counterparty is empty for a holding {agreement}",
                        "the counterparty of the agreement")
    elif counterparty or row.text("counterparty_group"):
        row.problem("bad-field", "counterparty", "a counterparty goes with an agreement", "agreement: reverse_repo "
                    "or repo")
    issuer = row.text("issuer")
    if instrument in needs_issuer and not issuer:
        row.problem("missing-field", "issuer", f"issuer is empty for {instrument}",
                    "the issuer (for a fund, the fund's name): the limits are per issuer and fund")
    family, fund_assets, manager_assets = row.text("fund_family"), None, None
    if spec is not None and spec.fund:
        if not family:
            row.problem("missing-field", "fund_family", "fund_family is empty for a fund", "the fund's family")
        fund_assets, manager_assets = row.amount("fund_assets"), row.amount("manager_assets")
        for column, value in (("fund_assets", fund_assets), ("manager_assets", manager_assets)):
            if value is None and row.ok:
                row.problem("missing-field", column, f"{column} is empty for a fund", "its assets in dollars: the "
                            "limits depend on the fund's and its manager's size (17 CFR 1.25(b)(3)(i))")
            elif value is not None and value < 0:
                row.problem("wrong-sign", column, f"{column} is negative", ">= 0")
    value = row.amount("market_value")
    if value is None and row.ok:
        row.problem("missing-field", "market_value", "market_value is empty", "the holding's market value")
    if value is not None and value < 0 and spec is not None and spec.klass != "cash":
        row.problem("wrong-sign", "market_value", f"a security's market value is negative ({value})",
                    ">= 0 (only cash, an overdraft, may be negative)")
    written = row.text("currency")
    currency = currency_code(written)
    rate = None
    if currency is None:
        row.problem("bad-currency", "currency", f"currency {written!r} is not an ISO 4217 code",
                    "a code such as EUR (USD when empty)")
    else:
        rate = rates.rate(currency)
        if rate is None:
            if currency not in missing_rates:
                missing_rates.add(currency)
                row.problem("missing-rate", "currency", f"a holding is in {currency}, and the input gives no rate "
                            "for it", f"fx: {{{currency}: dollars per unit, as_of: ..., source: ...}}")
            row.ok = False
    flags = {c: row.flag(c) for c in ("depository_affiliate", "issuer_affiliate", "counterparty_affiliate")}
    if not row.ok:
        return None
    dollars = to_dollars(value if currency == BASE else convert(value, rate))
    return Holding(origin, depository, kind, location, flags["depository_affiliate"], instrument, issuer,
                   row.text("issuer_group") or issuer, flags["issuer_affiliate"], family,
                   None if fund_assets is None else to_dollars(fund_assets),
                   None if manager_assets is None else to_dollars(manager_assets), agreement, counterparty,
                   row.text("counterparty_group") or counterparty, flags["counterparty_affiliate"], currency,
                   value, dollars, row.where, row.file, row.text("description"))


# What must agree wherever a depository, a fund, an issuer or a counterparty appears again.
_SAME = (("depository", ("depository_kind", "location", "depository_affiliate"), "depository"),
         ("issuer", ("fund_family", "fund_assets", "manager_assets"), "fund"),
         ("issuer", ("issuer_group", "issuer_affiliate"), "issuer"),
         ("counterparty", ("counterparty_group", "counterparty_affiliate"), "counterparty"))


def _conflicts(rows: list[Holding], vocab: Vocabulary, problems: list[Problem]) -> None:
    for key, attrs, what in _SAME:
        seen: dict = {}
        for h in rows:
            name = getattr(h, key)
            if not name or (what == "fund" and not vocab.instruments[h.instrument].fund):
                continue
            mine = tuple(getattr(h, a) for a in attrs)
            first = seen.setdefault(name, (mine, h))
            if first[0] != mine:
                other = first[1]
                differ = [a for a, x, y in zip(attrs, first[0], mine) if x != y]
                problems.append(Problem("conflicting-holding", h.file, f"{what} {name!r}: {', '.join(differ)} "
                                        f"differ from {other.where} ({', '.join(f'{a} {getattr(other, a)!r}' for a in differ)} "
                                        f"there, {', '.join(repr(getattr(h, a)) for a in differ)} here)", h.where,
                                        f"one {', '.join(attrs)} for each {what}"))


def _balances(header, rep, rates: Rates, yname: str, problems: list[Problem]) -> dict:
    """customer_balances: {origin: {CUR: amount in CUR}} -> {origin: {CUR: whole dollars}} (the balances
    owed to the origin's customers in each currency: the foreign sovereign debt limit, 1.25(a)(1)(vi)(A))."""
    found: dict = {}
    names = [st.name for st in rep.statements]
    for origin, by_currency in (header.customer_balances or {}).items():
        where = f"customer_balances.{origin}"
        if origin not in names:
            problems.append(Problem("unknown-origin", yname, f"{origin!r} is not a statement of the report", where,
                                    f"one of {', '.join(names)}"))
            continue
        if not isinstance(by_currency, dict):
            problems.append(Problem("bad-field", yname, f"{where} is not a mapping of currencies", where,
                                    "{EUR: \"120,000,000\", ...} (amounts in each currency)"))
            continue
        for cur, raw in by_currency.items():
            code = currency_code(str(cur))
            if code is None or code == BASE:
                problems.append(Problem("bad-currency", yname, f"{where}.{cur} is not a foreign ISO 4217 code",
                                        f"{where}.{cur}", "a code such as EUR"))
                continue
            try:
                value = parse_amount(raw)
            except AmountError as exc:
                problems.append(Problem("bad-amount", yname, f"{where}.{cur}: {exc}", f"{where}.{cur}", "an amount"))
                continue
            if value is None or value < 0:
                problems.append(Problem("wrong-sign", yname, f"{where}.{cur} is {raw!r}", f"{where}.{cur}",
                                        "an amount >= 0"))
                continue
            rate = rates.rate(code)
            if rate is None:
                problems.append(Problem("missing-rate", yname, f"{where}.{cur}: the input gives no rate for {code}",
                                        f"{where}.{cur}", f"fx: {{{code}: dollars per unit, ...}}"))
                continue
            found.setdefault(origin, {})[code] = to_dollars(convert(value, rate))
    return found


def read_holdings(raw, header, rep, yaml_file: Path, rates: Rates, problems: list[Problem], confine
                  ) -> tuple[Holdings | None, list]:
    """The input's holdings (`raw`: the YAML's holdings: as written) checked against the report's
    vocabulary, and the files read ([(path, bytes)]). `confine(given, field)` resolves a file the input
    names (inputs/formats.confined)."""
    vocab = rep.holdings
    if raw is None:
        problems.append(Problem("missing-field", str(yaml_file), f"holdings is missing: the {rep.kind} is computed "
                                "from the firm's holdings", "holdings", "holdings: FILE.csv, {file: BOOK.xlsx, "
                                "sheet: ...} or a list of holdings"))
        return None, []
    records, file, read = _records(raw, yaml_file, problems, confine)
    if len(records) > MAX_HOLDINGS:
        problems.append(Problem("file-too-large", file, f"has {len(records):,} holdings", "holdings",
                                f"at most {MAX_HOLDINGS:,}"))
        return None, read
    # an issuer for what the limits count per issuer (and every fund: its name)
    needs_issuer = {i for t in rep.limits for r in t.rules if r.kind == "issuer" for i in r.instruments} \
        | {k for k, i in vocab.instruments.items() if i.fund}
    missing_rates: set = set()
    rows = []
    for cells, where in records:
        holding = _check_row(_Row(cells, where, file, problems), rep, vocab, rates, needs_issuer, missing_rates)
        if holding is not None:
            rows.append(holding)
    _conflicts(rows, vocab, problems)
    balances = _balances(header, rep, rates, str(yaml_file), problems)
    return Holdings(tuple(rows), file, balances), read


def line_amounts(rep, holdings: Holdings) -> dict[str, tuple[int, Source]]:
    """Each holdings line of the report: the whole dollars of the held holdings of its statement's origin
    it takes, and where they were given (the rows, for `explain`)."""
    found = {}
    for st in rep.statements:
        mine = [h for h in holdings.rows if h.origin == st.name and h.held]
        for line in st.lines:
            if line.holdings is None:
                continue
            taken = [h for h in mine if line.holdings.takes(h)]
            total = sum(h.dollars for h in taken)
            rows = ", ".join(h.where for h in taken[:8]) + (f" and {len(taken) - 8} more" if len(taken) > 8 else "")
            found[line.code] = (total, Source(holdings.file, f"holdings {rows}" if taken else "no holding", str(total)))
    return found


def as_dict(h: Holding) -> dict[str, Any]:
    """A holding as the JSON states it."""
    return {"origin": h.origin, "depository": h.depository, "depository_kind": h.depository_kind,
            "location": h.location, "instrument": h.instrument, "market_value": str(h.market_value),
            "currency": h.currency, "dollars": h.dollars, "where": h.where}
