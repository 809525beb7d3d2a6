"""The form definitions: loads every definition file of form/ (cftc.yaml, sidr.yaml, ...) and checks it
before anything reads it.

Each file declares its own report kinds (`reports:`); REPORT_KINDS is every kind of every file, in the
files' order. Every consumer (computation, input validation, text, JSON, PDF, extraction) reads the
`Report` objects built here and nothing else, so a line's code, label, kind, formula and sign rule live
in exactly one place. A definition with an unknown reference, a cycle, a duplicate code, an unknown
key, a malformed formula or (for a report computed from holdings, form/holdings.py) a total that misses
a part fails loudly with FormDefinitionError at load time. A file is loaded when one of its report kinds
is first asked for, and of a definition's revisions only the one a filing's as-of date falls in is built
(the others when asked for). A file is read from its parsed copy when the copy names its bytes (see
_load_yaml).
"""

from __future__ import annotations

from datetime import date, timedelta
from dataclasses import dataclass, field
from fractions import Fraction
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from ..calendar import DueRule, Schedule, ScheduleError
from ..resources import made_copy
from .formula import OPS, FormulaError


class _Holdings:
    """form/holdings.py, imported when a definition with holdings is first read: a FOCUS II or Daily Seg
    build never needs it (its dataclasses cost a build's start-up time)."""

    def __getattr__(self, name: str):
        from . import holdings
        return getattr(holdings, name)


held = _Holdings()

FORM_DIR = Path(__file__).parent
FORM_FILE = FORM_DIR / "cftc.yaml"          # the CFTC pages: FOCUS II and Daily Seg


@lru_cache(maxsize=1)
def definition_files() -> tuple[Path, ...]:
    """Every definition file: each YAML file of form/ (revisions/ holds overlays, not definitions)."""
    return tuple(sorted(FORM_DIR.glob("*.yaml")))


def __getattr__(name: str):
    # REPORT_KINDS: every report kind of every definition file, read (not built) on first use
    if name == "REPORT_KINDS":
        return tuple(kind for _, raw in _definitions() for kind in raw.get("reports", {}))
    raise AttributeError(name)


_ROW_KEYS = {"num", "label", "indent", "heading", "note", "lines", "only", "variants", "join", "detail"}
_LINE_KEYS = {"code", "kind", "col", "dollar", "sign", "label", "only", "variants", "coded",
              "target_of", "default", "default_retail_forex", "holdings", "covers", *OPS}
_STATEMENT_KEYS = {"short", "name", "title", "subtitle", "continued", "rows", "variants", "summary",
                   "depositories"}
_DEFINITION_KEYS = {"revision", "reports", "statements", "identities", "alerts", "effective", "rules", "capital",
                    "notices", "attest", "published", "holdings", "limits", "reconciliation"}
_REPORT_KEYS = {"form", "registrants", "statements", "cover", "source", "style", "coded", "schedule", "template",
                "posted"}


class FormDefinitionError(Exception):
    """The form definition itself is wrong: a bug in focusgen's data, never in a user's input."""


@dataclass(frozen=True)
class Formula:
    op: str                                   # a key of formula.OPS: sum | sub | max | pct | early_warning
    args: tuple[str, ...]                     # the lines it reads, in order
    rate: Fraction | None = None              # pct: per cent
    cases: tuple[tuple[str, Fraction, Fraction], ...] = ()   # early_warning: (line, rate, retail-forex rate)

    @property
    def operator(self):
        """Its operator in the one formula table (formula.py): evaluation, description, equations."""
        return OPS[self.op]

    def describe(self) -> str:
        return self.operator.describe(self)


@dataclass(frozen=True)
class Line:
    code: str
    label: str
    kind: str                   # input | computed | text
    statement: str
    num: str                    # the row's number/letter as printed, e.g. "A." (may be "")
    col: str = "outer"          # inner | outer
    dollar: bool = False
    sign: str | None = None     # "nonpositive" for a deduct line
    coded: bool = True          # False: the form prints no code for it (Daily Seg 12A/B/C)
    formula: Formula | None = None
    target_of: str | None = None
    default: int | None = None
    default_retail_forex: int | None = None
    holdings: held.Selector | None = None    # a line computed from holdings: the held holdings it sums
    covers: held.Selector | None = None      # a total of holdings lines: what its parts must take, once each

    @property
    def operands(self) -> tuple[str, ...]:
        if self.formula is not None:
            return self.formula.args
        return ()


@dataclass(frozen=True)
class Row:
    num: str = ""
    label: str = ""
    indent: int = 0
    heading: str = ""
    note: str = ""
    lines: tuple[Line, ...] = ()
    detail: held.Detail | None = None       # a table whose rows are data (one per depository)

    def cell(self, col: str) -> Line | None:
        for line in self.lines:
            if line.kind != "text" and line.col == col:
                return line
        return None

    @property
    def text_line(self) -> Line | None:
        return next((line for line in self.lines if line.kind == "text"), None)


@dataclass(frozen=True)
class Statement:
    key: str
    short: str                  # a short name for summaries
    title: str
    subtitle: str
    continued: bool             # printed on the page of the statement before it
    rows: tuple[Row, ...]
    summary: dict[str, str]     # role (requirement, funds, excess, target, over_target, early_warning) -> line
    name: str = ""              # how inputs and the posting name it (segregation, secured, cleared_swaps)
    depositories: tuple[str, ...] = ()     # a holdings report: the depository kinds this origin may use

    @property
    def lines(self) -> list[Line]:
        return [line for row in self.rows for line in row.lines]


REGISTRANTS = {"fcm", "bd-fcm"}


@dataclass(frozen=True)
class Report:
    kind: str
    form_name: str
    revision: str
    statements: tuple[Statement, ...]
    cover: dict = field(repr=False)                  # cover-page wording (form/cftc.yaml)
    identities: tuple = field(repr=False)            # (total, parts, note): practice, not form rules
    alerts: tuple = field(repr=False)                # regulatory notices checked on every build
    lines: dict[str, Line] = field(repr=False)      # every line, in form order
    order: tuple[str, ...] = field(repr=False)      # computed lines, each after its operands
    rules: dict = field(repr=False, default_factory=dict)   # offsets and targets validation enforces
    effective: tuple = (None, None)                  # (from, to) as-of dates this revision covers
    form_names: dict = field(repr=False, default_factory=dict)   # registrant (fcm, bd-fcm) -> form name
    capital: dict = field(repr=False, default_factory=dict)      # the capital figures' rules (cftc.yaml)
    source: str = "lines"                            # lines: given line by line; holdings: from holdings
    style: str = "sec"                               # sec: the SEC form's pages; winjammer: WinJammer's
    template: str = "filing.html.j2"                 # the PDF's template (templates/)
    posted: bool = True                              # among the statements an FCM posts (1.55(o), disclose)
    holdings: held.Vocabulary | None = field(repr=False, default=None)   # a holding's words
    limits: tuple = field(repr=False, default=())    # held.LimitTable by effective date
    reconciliation: held.Reconciliation | None = field(repr=False, default=None)

    schedule: Schedule | None = field(repr=False, default=None)   # its as-of dates and due dates (calendar.py)
    notices: dict = field(repr=False, default_factory=dict)      # recipients, filing, common content (cftc.yaml)
    attest: tuple = field(repr=False, default=())                # events no line shows, to attest (cftc.yaml)
    published: dict = field(repr=False, default_factory=dict)    # the CFTC's published row (cftc.yaml)

    @property
    def winjammer(self) -> bool:
        """Printed as WinJammer prints its filings (the filing page, the banner, bracketed codes)."""
        return self.style == "winjammer"

    @property
    def details(self) -> list[tuple[Statement, held.Detail]]:
        return [(st, row.detail) for st in self.statements for row in st.rows if row.detail is not None]

    def statement_named(self, name: str) -> Statement | None:
        """The statement inputs name `name` (segregation, secured, cleared_swaps)."""
        return next((s for s in self.statements if s.name == name), None)

    @property
    def amount_codes(self) -> list[str]:
        return [c for c, line in self.lines.items() if line.kind != "text"]

    @property
    def coded_amount_codes(self) -> list[str]:
        """Amount lines the form prints a code for (Daily Seg's 12 A/B/C have none)."""
        return [c for c in self.amount_codes if self.lines[c].coded]

    @property
    def text_codes(self) -> list[str]:
        return [c for c, line in self.lines.items() if line.kind == "text"]

    def statement_of(self, code: str) -> Statement:
        return next(s for s in self.statements if s.key == self.lines[code].statement)


class _Context:
    """What building one report kind of one definition file needs beside its YAML: the kind, the file's
    kinds, a holdings report's vocabulary, whether its lines print their codes unless a line says not.
    (A plain class: a dataclass costs every process's start-up a few milliseconds to make.)"""
    __slots__ = ("kind", "kinds", "vocab", "coded")

    def __init__(self, kind: str, kinds: tuple[str, ...], vocab=None, coded: bool = True) -> None:
        self.kind, self.kinds, self.vocab, self.coded = kind, kinds, vocab, coded


def _variant(node: dict, ctx: _Context) -> dict:
    """The node with its report-kind variant applied (variants replace keys, never add rows)."""
    variants = node.get("variants") or {}
    if not isinstance(variants, dict) or set(variants) - set(ctx.kinds):
        raise FormDefinitionError(f"variants must be keyed by report kind {ctx.kinds}: {variants!r}")
    merged = dict(node)
    override = variants.get(ctx.kind) or {}
    if set(override) & set(OPS):
        for op in OPS:
            merged.pop(op, None)
    merged.update(override)
    return merged


def _included(node: dict, ctx: _Context) -> bool:
    only = node.get("only")
    if only is None:
        return True
    if only not in ctx.kinds:
        raise FormDefinitionError(f"'only: {only}' names no report kind; expected one of {ctx.kinds}")
    return only == ctx.kind


def _money(value: Any, where: str) -> int:
    try:
        return int(Decimal(str(value)))
    except Exception:
        raise FormDefinitionError(f"{where}: {value!r} is not a whole-dollar amount") from None


def _formula(raw: dict, where: str) -> Formula | None:
    ops = [op for op in OPS if op in raw]
    if len(ops) > 1:
        raise FormDefinitionError(f"{where}: more than one formula ({', '.join(ops)})")
    if not ops:
        return None
    try:
        args, rate, cases = OPS[ops[0]].parse(raw[ops[0]], where)
    except FormulaError as exc:
        raise FormDefinitionError(str(exc)) from None
    return Formula(ops[0], args, rate=rate, cases=cases)


def _selector(raw, ctx: _Context, where: str) -> held.Selector:
    if ctx.vocab is None:
        raise FormDefinitionError(f"{where}: a selector in a definition without holdings:")
    try:
        return held.selector(raw, ctx.vocab, where)
    except held.DefinitionError as exc:
        raise FormDefinitionError(str(exc)) from None


def _line(lraw: dict, ctx: _Context, skey: str, r: dict, where: str) -> Line:
    """One line of a row, checked."""
    lr = _variant(lraw, ctx)
    formula = _formula(lr, where)
    line_kind = lr.get("kind") or ("computed" if formula else "input")
    if line_kind not in ("input", "computed", "text"):
        raise FormDefinitionError(f"{where}: kind {line_kind!r} is not input, computed or text")
    if (line_kind == "computed") != (formula is not None):
        raise FormDefinitionError(f"{where}: a computed line needs a formula, other kinds none")
    if line_kind == "text" and (lr.get("target_of") or lr.get("sign") or "default" in lr):
        raise FormDefinitionError(f"{where}: a text line carries no amount rules")
    if lr.get("col", "outer") not in ("inner", "outer"):
        raise FormDefinitionError(f"{where}: col must be inner or outer")
    if lr.get("sign") not in (None, "nonpositive", "nonnegative"):
        raise FormDefinitionError(f"{where}: sign must be nonpositive or nonnegative")
    if "holdings" in lr and line_kind != "input":
        raise FormDefinitionError(f"{where}: a line computed from holdings is an input line (no formula)")
    if "covers" in lr and (formula is None or formula.op != "sum"):
        raise FormDefinitionError(f"{where}: covers belongs to a sum")
    line = Line(
        code=str(lr.get("code") or ""),
        label=str(lr.get("label") or r.get("label") or ""),
        kind=line_kind,
        statement=skey,
        num=str(r.get("num") or ""),
        col=lr.get("col", "outer"),
        dollar=bool(lr.get("dollar", False)),
        sign=lr.get("sign"),
        coded=bool(lr.get("coded", ctx.coded)),
        formula=formula,
        target_of=str(lr["target_of"]) if lr.get("target_of") else None,
        default=_money(lr["default"], where) if "default" in lr else None,
        default_retail_forex=(_money(lr["default_retail_forex"], where)
                              if "default_retail_forex" in lr else None),
        holdings=_selector(lr["holdings"], ctx, where) if "holdings" in lr else None,
        covers=_selector(lr["covers"], ctx, where) if "covers" in lr else None,
    )
    if not line.label:
        raise FormDefinitionError(f"{where}: no label")
    return line


def _rows(ctx: _Context, skey: str, sraw: dict, lines: dict[str, Line]) -> list[Row]:
    """A statement's rows as this report kind prints them; each line is added to `lines`.
    Long: one pass over the rows, each check where its row is read."""
    kind = ctx.kind
    rows: list[Row] = []
    for i, rraw in enumerate(sraw["rows"]):
        if not isinstance(rraw, dict):
            raise FormDefinitionError(f"statement {skey} row {i + 1}: not a mapping")
        unknown = set(rraw) - _ROW_KEYS
        if unknown:
            raise FormDefinitionError(f"statement {skey} row {i + 1}: unknown keys {sorted(unknown)}")
        if not _included(rraw, ctx):
            continue
        r = _variant(rraw, ctx)
        row_lines = []
        for lraw in r.get("lines") or []:
            unknown = set(lraw) - _LINE_KEYS
            where = f"line {lraw.get('code')!r} ({skey})"
            if unknown:
                raise FormDefinitionError(f"{where}: unknown keys {sorted(unknown)}")
            if not _included(lraw, ctx):
                continue
            line = _line(lraw, ctx, skey, r, where)
            if not line.code:
                raise FormDefinitionError(f"statement {skey} row {i + 1}: a line without a code")
            if line.code in lines:
                raise FormDefinitionError(f"duplicate line code {line.code} in report {kind}")
            lines[line.code] = line
            row_lines.append(line)
        if r.get("join"):
            # This report kind prints the row's amounts on the row above (Daily Seg has no
            # Name(s) lines): the row's own caption is dropped.
            if not rows or rows[-1].heading or rows[-1].note:
                raise FormDefinitionError(f"statement {skey} row {i + 1}: join needs a row above")
            above = rows.pop()
            row_lines = [*above.lines, *row_lines]
            r = {"num": above.num, "label": above.label, "indent": above.indent}
        cols = [ln.col for ln in row_lines if ln.kind != "text"]
        if len(cols) != len(set(cols)):
            raise FormDefinitionError(f"statement {skey} row {i + 1}: two amounts in one column")
        detail = None
        if r.get("detail") is not None:
            if row_lines or ctx.vocab is None:
                raise FormDefinitionError(f"statement {skey} row {i + 1}: a detail row holds no lines and "
                                          "needs the definition's holdings:")
            try:
                detail = held.detail(r["detail"], ctx.vocab, sraw.get("depositories") or (),
                                     f"statement {skey} row {i + 1} detail")
            except held.DefinitionError as exc:
                raise FormDefinitionError(str(exc)) from None
        rows.append(Row(num=str(r.get("num") or ""), label=str(r.get("label") or ""),
                        indent=int(r.get("indent") or 0), heading=str(r.get("heading") or ""),
                        note=str(r.get("note") or ""), lines=tuple(row_lines), detail=detail))
    return rows


def _holdings_parts(raw: dict) -> tuple:
    """A holdings definition's vocabulary and limit tables ((None, ()) for a definition of lines)."""
    if raw.get("holdings") is None:
        if raw.get("limits") or raw.get("reconciliation"):
            raise FormDefinitionError("limits and reconciliation belong to a definition with holdings:")
        return None, ()
    try:
        vocab = held.vocabulary(raw["holdings"])
        return vocab, held.limit_tables(raw.get("limits"), vocab)
    except held.DefinitionError as exc:
        raise FormDefinitionError(str(exc)) from None


def _build_report(kind: str, raw: dict, kinds: tuple[str, ...] | None = None) -> Report:
    """Long: one report kind read whole, statement by statement, then what it declares beside them."""
    spec = raw["reports"][kind]
    if not isinstance(spec, dict) or set(spec) - _REPORT_KEYS or not {"form", "statements"} <= set(spec):
        raise FormDefinitionError(f"report {kind}: needs form and statements (and may have "
                                  f"{', '.join(sorted(_REPORT_KEYS - {'form', 'statements'}))})")
    source = spec.get("source", "lines")
    vocab, limits = _holdings_parts(raw)
    if source not in ("lines", "holdings") or (source == "holdings") != (vocab is not None):
        raise FormDefinitionError(f"report {kind}: source is lines, or holdings with the definition's holdings:")
    if spec.get("style", "sec") not in ("sec", "winjammer"):
        raise FormDefinitionError(f"report {kind}: style is sec or winjammer")
    ctx = _Context(kind, kinds or tuple(raw["reports"]), vocab, bool(spec.get("coded", True)))
    statements: list[Statement] = []
    lines: dict[str, Line] = {}
    for skey in spec["statements"]:
        if skey not in raw["statements"]:
            raise FormDefinitionError(f"report {kind} names unknown statement {skey!r}")
        sraw = _variant(raw["statements"][skey], ctx)
        unknown = set(sraw) - _STATEMENT_KEYS
        if unknown:
            raise FormDefinitionError(f"statement {skey}: unknown keys {sorted(unknown)}")
        deps = tuple(sraw.get("depositories") or ())
        if vocab is not None and (not deps or set(deps) - set(vocab.depositories) or not sraw.get("name")):
            raise FormDefinitionError(f"statement {skey}: a holdings statement has a name and depositories, "
                                      f"each of {sorted(vocab.depositories)}")
        rows = _rows(ctx, skey, sraw, lines)
        summary = {k: str(v) for k, v in (sraw.get("summary") or {}).items()}
        statements.append(Statement(key=skey, short=sraw["short"], title=sraw["title"], subtitle=sraw.get("subtitle", ""),
                                    continued=bool(sraw.get("continued", False)), rows=tuple(rows),
                                    summary=summary, name=str(sraw.get("name") or ""), depositories=deps))
    names = spec.get("registrants") or {"bd-fcm": spec["form"]}
    if not isinstance(names, dict) or not set(names) <= REGISTRANTS or not all(isinstance(v, str) for v in names.values()):
        raise FormDefinitionError(f"report {kind}: registrants must map {sorted(REGISTRANTS)} to form names")
    try:
        reconciliation = held.reconciliation(raw["reconciliation"], vocab, {st.name: st.depositories for st in statements}) \
            if raw.get("reconciliation") is not None else None
    except held.DefinitionError as exc:
        raise FormDefinitionError(str(exc)) from None
    report = Report(kind=kind, form_name=spec["form"], revision=raw["revision"], form_names=dict(names),
                    statements=tuple(statements), cover=spec.get("cover") or {},
                    identities=tuple((str(i["total"]), tuple(map(str, i["parts"])), i["note"])
                                     for i in raw.get("identities", ()) if _included(i, ctx)),
                    alerts=tuple(_alert(a) for a in raw.get("alerts", ()) if kind in a["report"]),
                    notices=_notices(raw.get("notices") or {}),
                    attest=tuple(_alert(a, attest=True) for a in raw.get("attest", ()) if kind in a["report"]),
                    published=_published(raw.get("published") or {}, statements),
                    lines=lines,
                    order=_topological(kind, lines),
                    rules=_rules(raw.get("rules") or {}, kind, lines),
                    effective=_effective(raw.get("effective")),
                    capital=_capital(raw.get("capital") or {}, kind, statements, lines),
                    source=source, style=spec.get("style", "sec"), holdings=vocab, limits=limits,
                    template=str(spec.get("template", "filing.html.j2")), posted=bool(spec.get("posted", True)),
                    reconciliation=reconciliation,
                    schedule=_schedule(spec.get("schedule"), kind))
    _check_references(report)
    if vocab is not None:
        _check_holdings(report)
    return report


def leaves(report: Report, code: str) -> list[str]:
    """The lines a line adds up, down to lines that are not sums (a sum's sums opened)."""
    line = report.lines[code]
    if line.formula is None or line.formula.op != "sum":
        return [code]
    return [leaf for arg in line.formula.args for leaf in leaves(report, arg)]


def _check_holdings(report: Report) -> None:
    """A holdings report: every amount line is a holdings line or a sum that covers what its parts take
    (each kind of held holding once: a total that misses a part fails), and every statement's lines
    take holdings of its own depositories only."""
    vocab = report.holdings
    for st in report.statements:
        for line in st.lines:
            if line.kind == "text" or line.target_of:
                raise FormDefinitionError(f"line {line.code}: a holdings report has no name or target lines")
            if line.holdings is None and line.covers is None:
                raise FormDefinitionError(f"line {line.code}: a holdings line, or a sum with covers:")
            if line.covers is not None:
                parts = []
                for leaf in leaves(report, line.code):
                    part = report.lines[leaf]
                    if part.holdings is None or part.statement != st.key:
                        raise FormDefinitionError(f"line {line.code}: adds {leaf}, which is no holdings line "
                                                  f"of statement {st.key}")
                    parts.append((leaf, part.holdings))
                try:
                    held.check_partition(f"line {line.code} ({line.label})", line.covers, parts, vocab, st.depositories)
                except held.DefinitionError as exc:
                    raise FormDefinitionError(str(exc)) from None


def _schedule(raw, kind: str) -> Schedule | None:
    """The report kind's dates (`schedule:`: as_of, due, calendar, cite), read by calendar.Schedule."""
    if raw is None:
        return None
    try:
        return Schedule.parse(raw, f"report {kind} schedule")
    except ScheduleError as exc:
        raise FormDefinitionError(str(exc)) from None


RECIPIENTS = ("CFTC", "DSRO", "SEC", "FINRA")
ALERT_KINDS = ("below", "drop", "planned", "withdrawn_over", "withdrawn_beyond")


def _alert(raw: dict, attest: bool = False) -> dict:
    """An alert (or an attestation) with its due rule read by calendar.DueRule; its keys checked."""
    required = {"id", "cite", "due", "to", "report"} | ({"statement", "event"} if attest else {"line", "rule", "draft"})
    allowed = required | {"bd_to", "content", "needs", "family", "sec", "event"} | (set() if attest else set(ALERT_KINDS))
    if not isinstance(raw, dict) or not required <= set(raw) or set(raw) - allowed \
            or (not attest and sum(k in raw for k in ALERT_KINDS) != 1):
        raise FormDefinitionError(f"{'attest' if attest else 'alert'} {raw.get('id') if isinstance(raw, dict) else raw!r}: "
                                  f"needs {', '.join(sorted(required))}" + ("" if attest else f" and one of {', '.join(ALERT_KINDS)}"))
    if set(raw["to"]) - set(RECIPIENTS) or set(raw.get("bd_to", ())) - set(RECIPIENTS):
        raise FormDefinitionError(f"alert {raw['id']}: recipients are among {', '.join(RECIPIENTS)}")
    try:
        due = DueRule.parse(raw["due"], f"alert {raw['id']} due")
    except ScheduleError as exc:
        raise FormDefinitionError(str(exc)) from None
    return {**raw, "due": due}


def _notices(raw: dict) -> dict:
    """How notices are filed: recipients' names, the channels, common content, the SEC Rule 17a-11
    paragraph letters by as-of date ([(from, to, {below_minimum, early_warning}, unconfirmed)])."""
    if set(raw) - {"to", "via", "content", "sec_cites"} or set(raw.get("to", {})) - set(RECIPIENTS):
        raise FormDefinitionError("notices: to (by recipient), via, content and sec_cites")
    cites = []
    for c in raw.get("sec_cites", ()):
        if set(c) - {"from", "to", "below_minimum", "early_warning", "unconfirmed"}:
            raise FormDefinitionError(f"notices.sec_cites: {c!r}")
        span = _effective({k: c[k] for k in ("from", "to") if k in c})
        cites.append((span[0], span[1], {k: c[k] for k in ("below_minimum", "early_warning") if k in c},
                      c.get("unconfirmed", "")))
    return {**raw, "sec_cites": tuple(cites)}


def _published(raw: dict, statements: list[Statement]) -> dict:
    """The CFTC's published row: (heading, source) columns, each source checked."""
    if not raw:
        return {}
    names = {s.name: s for s in statements if s.name}
    fixed = {"firm", "registered_as", "dsro", "as_of", "adjusted_net_capital", "minimum_net_capital",
             "excess_adjusted_net_capital", "retail_forex_obligation"}
    columns = []
    for heading, source in raw.get("columns", ()):
        name, _, role = str(source).partition(".")
        if source not in fixed and not (name in names or role in ("requirement", "funds", "excess", "target")):
            raise FormDefinitionError(f"published: column {heading!r} reads unknown {source!r}")
        columns.append((str(heading), str(source)))
    return {"title": raw.get("title", ""), "registered_as": dict(raw.get("registered_as") or {}),
            "columns": tuple(columns)}


def _check_references(report: Report) -> None:
    """Every line an alert, identity, cover target or summary names is a line of the report."""
    kind, lines = report.kind, report.lines
    derived = ("adjusted_net_capital", "excess_adjusted_net_capital", "minimum_net_capital",
               "early_warning_threshold", "sec_early_warning", "net_capital")
    for alert in report.alerts:
        for ref in (alert["line"], alert.get("below")):
            if isinstance(ref, str) and ref.startswith("undermargined."):
                ref = ref.split(".", 1)[1]
            if isinstance(ref, str) and ref not in lines and ref not in derived:
                raise FormDefinitionError(f"alert {alert['id']} names unknown line {ref}")
    for total, parts, _ in report.identities:
        for code in (total, *parts):
            if code not in lines:
                raise FormDefinitionError(f"report {kind}: identity names unknown line {code}")
    for target in report.cover.get("targets", ()):
        if target.get("line") not in lines or not lines[target["line"]].target_of:
            raise FormDefinitionError(f"report {kind}: cover target {target.get('line')} is not a target line")
    for st in report.statements:
        for role, code in st.summary.items():
            if code not in lines:
                raise FormDefinitionError(f"statement {st.key}: summary {role} names unknown line {code}")


def _capital(raw: dict, kind: str, statements: list[Statement], lines: dict[str, Line]) -> dict:
    """The capital block, for a report kind that has its statement ({} for one that has not): the
    statement, line D (its summary's requirement), the 1.12(b) legs as (line, rate, retail-forex rate)."""
    if set(raw) - {"statement", "early_warning", "sec_minimum", "sec_early_warning"}:
        raise FormDefinitionError(f"capital: unknown keys {sorted(set(raw) - {'statement', 'early_warning', 'sec_minimum', 'sec_early_warning'})}")
    st = next((s for s in statements if s.key == raw.get("statement")), None)
    if st is None:
        return {}
    if "requirement" not in st.summary:
        raise FormDefinitionError(f"capital: statement {st.key} has no summary requirement (line D)")
    legs = []
    rate = lambda v: None if v is None else Fraction(Decimal(str(v)))  # noqa: E731
    for leg in raw.get("early_warning") or ():
        keys = {"cite", "label", "rate", "line", "of", "retail_forex_rate", "margin_based_rate", "margin_based",
                "at_least", "broker_dealer"}
        if not isinstance(leg, dict) or set(leg) - keys or not {"cite", "label", "rate"} <= set(leg) \
                or ("line" in leg) == ("of" in leg) or (str(leg.get("line", "")) not in lines and "line" in leg) \
                or leg.get("of", "minimum_net_capital") != "minimum_net_capital" \
                or ("margin_based" in leg) != ("margin_based_rate" in leg) \
                or ("at_least" in leg and str(leg["at_least"]) not in lines):
            raise FormDefinitionError(f"capital.early_warning: {leg!r} needs cite, label, rate and a line (of {kind}) "
                                      "or of: minimum_net_capital")
        legs.append({"cite": str(leg["cite"]), "label": str(leg["label"]), "line": str(leg["line"]) if "line" in leg else None,
                     "rate": rate(leg["rate"]), "retail_forex_rate": rate(leg.get("retail_forex_rate")),
                     "margin_based_rate": rate(leg.get("margin_based_rate")), "margin_based": leg.get("margin_based"),
                     "at_least": str(leg["at_least"]) if "at_least" in leg else None,
                     "broker_dealer": bool(leg.get("broker_dealer"))})
    sec = raw.get("sec_minimum") or {}
    if set(sec) != {"line", "input"}:
        raise FormDefinitionError("capital.sec_minimum needs line (of the SEC pages) and input")
    return {"statement": st.key, "requirement": st.summary["requirement"], "early_warning": tuple(legs),
            "sec_minimum_line": str(sec["line"]), "sec_minimum_input": str(sec["input"]),
            "sec_early_warning": Fraction(Decimal(str(raw.get("sec_early_warning", "120"))))}


def _rules(raw: dict, kind: str, lines: dict[str, Line]) -> dict:
    """The validation rules that apply to this report kind, checked against its lines."""
    if set(raw) - {"offsets", "targets", "minimums"}:
        raise FormDefinitionError(f"rules: unknown {sorted(set(raw) - {'offsets', 'targets', 'minimums'})}")
    minimums = []
    for m in raw.get("minimums", ()):
        if set(m) - {"line", "at_least", "cite", "retail_forex", "retail_forex_cite"} or not {"line", "at_least", "cite"} <= set(m):
            raise FormDefinitionError(f"rules.minimums: {m!r} needs line, at_least and cite")
        if str(m["line"]) in lines:
            minimums.append({"line": str(m["line"]), "at_least": Decimal(str(m["at_least"])), "cite": m["cite"],
                             "retail_forex": Decimal(str(m.get("retail_forex", m["at_least"]))),
                             "retail_forex_cite": m.get("retail_forex_cite", m["cite"])})
    offsets = []
    for o in raw.get("offsets", ()):
        if set(o) != {"offset", "deficit", "cite"}:
            raise FormDefinitionError(f"rules.offsets: {o!r} needs offset, deficit and cite")
        if o["offset"] in lines or o["deficit"] in lines:
            if not (o["offset"] in lines and o["deficit"] in lines):
                raise FormDefinitionError(f"rules.offsets: {o['offset']}/{o['deficit']} unknown in {kind}")
            offsets.append((str(o["offset"]), str(o["deficit"]), o["cite"]))
    targets = raw.get("targets") or {}
    severity = (targets.get("severity") or {}).get(kind)
    if targets and severity not in ("error", "warning"):
        raise FormDefinitionError(f"rules.targets: severity for {kind} must be error or warning")
    return {"offsets": tuple(offsets), "target_severity": severity, "target_cite": targets.get("cite", ""),
            "minimums": tuple(minimums)}


def _effective(raw) -> tuple:
    if raw is None:
        return (None, None)
    if not isinstance(raw, dict) or set(raw) - {"from", "to"}:
        raise FormDefinitionError("effective: needs from (and optionally to), as dates")
    try:
        return tuple(None if raw.get(k) is None else (raw[k] if isinstance(raw[k], date) else date.fromisoformat(str(raw[k])))
                     for k in ("from", "to"))
    except ValueError as exc:
        raise FormDefinitionError(f"effective: {exc}") from None


def _topological(kind: str, lines: dict[str, Line]) -> tuple[str, ...]:
    """Computed lines ordered so each follows its operands; unknown references and cycles fail."""
    for line in lines.values():
        refs = list(line.operands) + ([line.target_of] if line.target_of else [])
        for ref in refs:
            if ref not in lines:
                raise FormDefinitionError(f"report {kind}: line {line.code} refers to unknown line {ref}")
            if lines[ref].kind == "text":
                raise FormDefinitionError(f"report {kind}: line {line.code} refers to text line {ref}")
    order: list[str] = []
    state: dict[str, int] = {}      # 1 = on the path being followed, 2 = done

    def visit(code: str, path: list[str]) -> None:
        if state.get(code) == 2:
            return
        if state.get(code) == 1:
            cycle = path[path.index(code):] + [code]
            raise FormDefinitionError(f"report {kind}: cycle {' -> '.join(cycle)}")
        state[code] = 1
        line = lines[code]
        for ref in line.operands + ((line.target_of,) if line.target_of else ()):
            visit(ref, path + [code])
        state[code] = 2
        if line.kind == "computed" or line.target_of:
            order.append(code)

    for code in lines:
        visit(code, [])
    return tuple(order)


def load_definition(raw: dict) -> dict[str, Report]:
    """Build and check every report kind a parsed definition declares."""
    if not isinstance(raw, dict) or not {"revision", "reports", "statements"} <= set(raw) \
            or set(raw) - _DEFINITION_KEYS:
        raise FormDefinitionError("the definition needs revision, reports and statements (and may have "
                                  f"{', '.join(sorted(_DEFINITION_KEYS - {'revision', 'reports', 'statements'}))})")
    if not isinstance(raw["reports"], dict) or not raw["reports"]:
        raise FormDefinitionError("the definition declares its report kinds under reports:")
    kinds = tuple(raw["reports"])
    built = {kind: _build_report(kind, raw, kinds) for kind in kinds}
    for rep in built.values():
        if rep.reconciliation is not None:
            _check_reconciliation(rep, built)
    return built


def _check_reconciliation(rep: Report, built: dict[str, Report]) -> None:
    """The reconciliation's ties against every revision of the report it reconciles to."""
    against = rep.reconciliation.against
    others = [built[against]] if against in built else [r[against] for r in _revisions_of(_owner(against))]
    for other in others:
        try:
            held.check_reconciliation(rep.reconciliation, other, lambda code, o=other: leaves(o, code))
        except held.DefinitionError as exc:
            raise FormDefinitionError(f"report {rep.kind}: {exc}") from None


# Later revisions: each file of form/revisions/ (cftc.yaml's) or form/revisions/<definition>/ (another
# definition's, which it may also name: `definition: sidr`) holds only its differences from the base
# definition (see _overlay), its own `revision` name and `effective: {from, to}`. The revision whose range holds a filing's as-of date is the one used; an
# as-of date in no range is refused (unsupported-revision).
REVISIONS_DIR = Path(__file__).with_name("revisions")


def _load_yaml(path: Path):
    """A definition file as parsed: from the parsed copy shipped beside it (<file>.json) when that copy
    names these bytes, this PyYAML and its own body, else by PyYAML (libyaml when present)."""
    data = path.read_bytes()
    kept = _parsed_copy(path, data)
    if kept is not None:
        return kept
    return yaml.load(data.decode("utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


# The parsed copies: PyYAML's constructor, in Python, takes a build's start-up about 15 ms for cftc.yaml,
# json's C parser under 2 ms. tests/formmake.py writes one beside every definition and overlay file;
# test_formdef.py checks each is current and gives exactly (value and type) what PyYAML gives. The copy
# ships with the package, as the YAML does: its first line binds it to the YAML's bytes, so a YAML
# edited without its copy made again is parsed by PyYAML. JSON has no date and no integer key: a
# mapping with a key other than text is {"\u0000pairs": [[key, value], ...]}, a date {"\u0000date": ISO}.
_TAG = "\u0000"


def parsed_copy_head(data: bytes, body: str) -> str:
    import hashlib
    digests = [hashlib.sha256(b).hexdigest() for b in (data, body.encode("utf-8"))]
    return f"# definition {digests[0]} PyYAML {yaml.__version__} body {digests[1]}\n"


def parsed_copy(value) -> str:
    """The text of a parsed copy's body (tests/formmake.py writes it after its head)."""
    def encode(v):
        if isinstance(v, dict):
            if all(type(k) is str and not k.startswith(_TAG) for k in v):
                return {k: encode(x) for k, x in v.items()}
            return {_TAG + "pairs": [[encode(k), encode(x)] for k, x in v.items()]}
        if isinstance(v, list):
            return [encode(x) for x in v]
        if type(v) is date:
            return {_TAG + "date": v.isoformat()}
        if v is None or type(v) in (str, int, float, bool):
            return v
        raise TypeError(f"a definition holds a {type(v).__name__}, which a parsed copy cannot hold")
    import json
    return json.dumps(encode(value), ensure_ascii=False, separators=(",", ":"), allow_nan=False)


def _decoded(obj: dict):
    if len(obj) == 1:
        key = next(iter(obj))
        if key == _TAG + "pairs":
            return {k: v for k, v in obj[key]}
        if key == _TAG + "date":
            return date.fromisoformat(obj[key])
    return obj


def _parsed_copy(path: Path, data: bytes):
    """The shipped parsed copy of a definition file, if it is this file's; None otherwise."""
    import json
    body = made_copy(path.with_name(path.name + ".json"), lambda body: parsed_copy_head(data, body))
    if body is None:
        return None
    try:
        return json.loads(body, object_hook=_decoded)
    except (ValueError, TypeError, KeyError, RecursionError):
        return None


def _overlay(base: dict, changes: dict) -> dict:
    """The base definition with a revision's differences applied:
       set:    a partial tree merged into the definition (mappings merge, anything else replaces)
       lines:  {code: {key: value}}: changes to a line wherever it is declared (label, sign, formula)"""
    import copy
    allowed = {"revision", "effective", "set", "lines", "definition"}
    if set(changes) - allowed:
        raise FormDefinitionError(f"a revision holds revision, effective, set and lines (and definition), not "
                                  f"{sorted(set(changes) - allowed)}")
    raw = copy.deepcopy(base)

    def merge(into: dict, patch: dict) -> None:
        for k, v in patch.items():
            if isinstance(v, dict) and isinstance(into.get(k), dict):
                merge(into[k], v)
            else:
                into[k] = copy.deepcopy(v)
    merge(raw, changes.get("set") or {})
    pending = {str(k): v for k, v in (changes.get("lines") or {}).items()}
    for st in raw["statements"].values():
        for row in st.get("rows", ()):
            for line in row.get("lines", ()) or ():
                if str(line.get("code")) in pending:
                    patch = dict(pending.pop(str(line["code"])))
                    if "label" in patch and "label" not in line:     # the caption is the row's
                        row["label"] = patch.pop("label")
                    line.update(patch)
    if pending:
        raise FormDefinitionError(f"revision changes unknown lines {sorted(pending)}")
    raw["revision"], raw["effective"] = changes["revision"], changes["effective"]
    return raw


@lru_cache(maxsize=None)
def _raw(path: Path) -> dict:
    """One definition file, parsed once."""
    raw = _load_yaml(path)
    if not isinstance(raw, dict) or not isinstance(raw.get("reports"), dict):
        raise FormDefinitionError(f"{path.name}: a definition declares its report kinds under reports:")
    return raw


@lru_cache(maxsize=1)
def _definitions() -> tuple[tuple[str, dict], ...]:
    """(name, parsed YAML) of every definition file; a report kind declared twice fails."""
    found, seen = [], {}
    for path in definition_files():
        raw = _raw(path)
        for kind in raw["reports"]:
            if kind in seen:
                raise FormDefinitionError(f"report {kind} is declared by {seen[kind]} and {path.name}")
            seen[kind] = path.name
        found.append((path.stem, raw))
    return tuple(found)


def _owner(kind: str) -> str:
    """The definition (file stem) declaring a report kind, reading the files in order only until it is
    found: a FOCUS II or Daily Seg build reads cftc.yaml alone."""
    for path in definition_files():
        if kind in _raw(path)["reports"]:
            return path.stem
    raise KeyError(kind)


def is_report_kind(kind) -> bool:
    """A report kind some definition file declares (the files read only until it is found)."""
    if not isinstance(kind, str):
        return False
    try:
        _owner(kind)
    except KeyError:
        return False
    return True


@lru_cache(maxsize=None)
def _parsed_of(name: str) -> tuple[dict, ...]:
    """One definition's revisions as parsed, not yet built: its base, then each overlay's changes. A
    definition's overlays are the files of revisions/<name>/; those of revisions/ itself overlay the first
    definition (cftc.yaml): no build reads another definition's overlays."""
    found = [_raw(FORM_DIR / f"{name}.yaml")]
    folder = REVISIONS_DIR if name == definition_files()[0].stem else REVISIONS_DIR / name
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else ():
        changes = _load_yaml(path)
        if isinstance(changes, dict) and changes.get("definition", name) != name:
            raise FormDefinitionError(f"{path.name} overlays {changes.get('definition')}, but lies among {name}'s revisions")
        found.append(changes)
    return tuple(found)


@lru_cache(maxsize=None)
def _revision_of(name: str, index: int) -> dict[str, Report]:
    """One revision of a definition (0: its base), built and checked when first asked for (once per
    process): a build reads the revision its as-of date falls in, not every revision."""
    parsed = _parsed_of(name)
    return load_definition(parsed[0] if index == 0 else _overlay(parsed[0], parsed[index]))


def _revisions_of(name: str) -> tuple[dict[str, Report], ...]:
    """One definition's revisions, its base first, each built and checked."""
    return tuple(_revision_of(name, i) for i in range(len(_parsed_of(name))))


def _span_of(name: str, index: int) -> tuple:
    """The as-of dates a revision covers, as its build gives them (Report.effective), read from the
    parsed definition without building it; a revision whose range cannot be read is built, which says why."""
    raw = _parsed_of(name)[index]
    try:
        return _effective(raw.get("effective") if index == 0 else raw["effective"])
    except (FormDefinitionError, KeyError, TypeError, AttributeError):
        return next(iter(_revision_of(name, index).values())).effective


def revisions(kind: str | None = None) -> tuple[dict[str, Report], ...]:
    """Every revision of every definition: first the bases of all (every report kind), then each later
    revision (its own definition's kinds). With a kind: the revisions of its definition only."""
    if kind is not None:
        return _revisions_of(_owner(kind))
    per = [_revisions_of(name) for name, _ in _definitions()]
    return ({kind: rep for revs in per for kind, rep in revs[0].items()},
            *(rev for revs in per for rev in revs[1:]))


def _cache_clear() -> None:
    """Forget the built revisions (a test that points REVISIONS_DIR elsewhere)."""
    _revision_of.cache_clear()
    _parsed_of.cache_clear()
    all_codes.cache_clear()
    _definitions.cache_clear()
    _raw.cache_clear()


revisions.cache_clear = _cache_clear


def reports() -> dict[str, Report]:
    """The base form definitions, every report kind, loaded and checked once per process."""
    return revisions()[0]


class UnsupportedRevision(LookupError):
    """No revision of the form covers the as-of date; the message says which dates are supported."""


def supported_dates(kind: str | None = None) -> str:
    """The as-of dates some revision of a report kind's definition covers (the first definition's without
    a kind): one span when the revisions follow on from each other."""
    revs = _revisions_of(_owner(kind) if kind else definition_files()[0].stem)
    spans = sorted((next(iter(rev.values())).effective for rev in revs), key=lambda e: (e[0] or date.min))
    merged: list[list] = []
    for start, end in spans:
        if merged and (merged[-1][1] is None or start is None or start <= merged[-1][1] + timedelta(days=1)):
            merged[-1][1] = None if merged[-1][1] is None or end is None else max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return "; ".join(f"{start or 'any date'} to {end or 'today'}" if end or start else "any date"
                     for start, end in merged)


def report(kind: str, as_of: date | None = None) -> Report:
    """The report kind as the revision covering `as_of` declares it (the base without a date)."""
    name = _owner(kind)
    if as_of is None:
        return _revision_of(name, 0)[kind]
    for index in reversed(range(len(_parsed_of(name)))):        # a later revision wins where ranges meet
        start, end = _span_of(name, index)
        if (start is None or as_of >= start) and (end is None or as_of <= end):
            return _revision_of(name, index)[kind]
    raise UnsupportedRevision(f"no revision of the form covers {as_of}: supported as-of dates are "
                              f"{supported_dates(kind)}")


def of_revision(kind: str, revision: str | None = None) -> Report:
    """The report kind as the revision of that name declares it (the base without a name), building only
    the revision named (Report.revision is the definition's `revision:`)."""
    name = _owner(kind)
    for index, raw in enumerate(_parsed_of(name)):
        if revision is None or (isinstance(raw, dict) and raw.get("revision") == revision):
            return _revision_of(name, index)[kind]
    raise KeyError(revision)


@lru_cache(maxsize=1)
def all_codes() -> dict[str, tuple[str, ...]]:
    """Every line code of any report kind -> the report kinds that have it."""
    found: dict[str, list[str]] = {}
    for kind, rep in reports().items():
        for code in rep.lines:
            found.setdefault(code, []).append(kind)
    return {code: tuple(kinds) for code, kinds in found.items()}
