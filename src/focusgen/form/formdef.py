"""The form definition: loads form/cftc.yaml and checks it before anything reads it.

Every consumer (computation, input validation, text, JSON, PDF, extraction) reads the `Report`
objects built here and nothing else, so a line's code, label, kind, formula and sign rule live in
exactly one place. A definition with an unknown reference, a cycle, a duplicate code, an unknown
key or a malformed formula fails loudly with FormDefinitionError at load time.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from decimal import Decimal
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

FORM_FILE = Path(__file__).with_name("cftc.yaml")
REPORT_KINDS = ("focus-ii", "daily-seg")
OPS = ("sum", "sub", "max", "pct", "early_warning")

_ROW_KEYS = {"num", "label", "indent", "heading", "note", "lines", "only", "variants", "join"}
_LINE_KEYS = {"code", "kind", "col", "dollar", "sign", "label", "only", "variants", "coded",
              "target_of", "default", "default_retail_forex", *OPS}
_STATEMENT_KEYS = {"short", "title", "subtitle", "continued", "rows", "variants", "summary"}


class FormDefinitionError(Exception):
    """The form definition itself is wrong: a bug in focusgen's data, never in a user's input."""


@dataclass(frozen=True)
class Formula:
    op: str                                   # sum | sub | max | pct | early_warning
    args: tuple[str, ...]                     # the lines it reads, in order
    rate: Fraction | None = None              # pct: per cent
    cases: tuple[tuple[str, Fraction, Fraction], ...] = ()   # early_warning: (line, rate, retail-forex rate)

    def describe(self) -> str:
        if self.op == "sum":
            return " + ".join(self.args)
        if self.op == "sub":
            return f"{self.args[0]} - {self.args[1]}"
        if self.op == "max":
            return "greatest of " + ", ".join(self.args)
        if self.op == "pct":
            return f"{_pct(self.rate)}% of {self.args[0]}, half up"
        cases = "; ".join(f"{_pct(r)}% of {c} when {c} governs {self.args[0]}" for c, r, _ in self.cases)
        return f"early warning level: {cases}"


def _pct(rate: Fraction | None) -> str:
    from ..money import fmt_percent
    return fmt_percent(rate) if rate is not None else "?"


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
    summary: dict[str, str]

    @property
    def lines(self) -> list[Line]:
        return [line for row in self.rows for line in row.lines]


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


def _variant(node: dict, kind: str) -> dict:
    """The node with its report-kind variant applied (variants replace keys, never add rows)."""
    variants = node.get("variants") or {}
    if not isinstance(variants, dict) or set(variants) - set(REPORT_KINDS):
        raise FormDefinitionError(f"variants must be keyed by report kind {REPORT_KINDS}: {variants!r}")
    merged = dict(node)
    override = variants.get(kind) or {}
    if set(override) & OPS_SET:
        for op in OPS:
            merged.pop(op, None)
    merged.update(override)
    return merged


OPS_SET = set(OPS)


def _included(node: dict, kind: str) -> bool:
    only = node.get("only")
    if only is None:
        return True
    if only not in REPORT_KINDS:
        raise FormDefinitionError(f"'only: {only}' names no report kind; expected one of {REPORT_KINDS}")
    return only == kind


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
    op = ops[0]
    spec = raw[op]
    if op in ("sum", "max"):
        if not isinstance(spec, list) or len(spec) < 2:
            raise FormDefinitionError(f"{where}: {op} needs a list of at least two line codes")
        return Formula(op, tuple(str(c) for c in spec))
    if op == "sub":
        if not isinstance(spec, list) or len(spec) != 2:
            raise FormDefinitionError(f"{where}: sub needs exactly two line codes [a, b] (a - b)")
        return Formula(op, (str(spec[0]), str(spec[1])))
    if op == "pct":
        if not isinstance(spec, dict) or set(spec) != {"of", "rate"}:
            raise FormDefinitionError(f"{where}: pct needs {{of: code, rate: per cent}}")
        return Formula(op, (str(spec["of"]),), rate=Fraction(Decimal(str(spec["rate"]))))
    # early_warning
    if not isinstance(spec, dict) or set(spec) != {"governs", "cases"} or not spec["cases"]:
        raise FormDefinitionError(f"{where}: early_warning needs {{governs: code, cases: [...]}}")
    cases = []
    for case in spec["cases"]:
        if not isinstance(case, dict) or set(case) != {"line", "rate", "retail_forex_rate"}:
            raise FormDefinitionError(f"{where}: each early_warning case needs line, rate, retail_forex_rate")
        cases.append((str(case["line"]), Fraction(Decimal(str(case["rate"]))),
                      Fraction(Decimal(str(case["retail_forex_rate"])))))
    governs = str(spec["governs"])
    return Formula(op, (governs, *[c[0] for c in cases]), cases=tuple(cases))


def _build_report(kind: str, raw: dict) -> Report:
    spec = raw["reports"][kind]
    statements: list[Statement] = []
    lines: dict[str, Line] = {}
    for skey in spec["statements"]:
        if skey not in raw["statements"]:
            raise FormDefinitionError(f"report {kind} names unknown statement {skey!r}")
        sraw = _variant(raw["statements"][skey], kind)
        unknown = set(sraw) - _STATEMENT_KEYS
        if unknown:
            raise FormDefinitionError(f"statement {skey}: unknown keys {sorted(unknown)}")
        rows = []
        for i, rraw in enumerate(sraw["rows"]):
            if not isinstance(rraw, dict):
                raise FormDefinitionError(f"statement {skey} row {i + 1}: not a mapping")
            unknown = set(rraw) - _ROW_KEYS
            if unknown:
                raise FormDefinitionError(f"statement {skey} row {i + 1}: unknown keys {sorted(unknown)}")
            if not _included(rraw, kind):
                continue
            r = _variant(rraw, kind)
            row_lines = []
            for lraw in r.get("lines") or []:
                unknown = set(lraw) - _LINE_KEYS
                where = f"line {lraw.get('code')!r} ({skey})"
                if unknown:
                    raise FormDefinitionError(f"{where}: unknown keys {sorted(unknown)}")
                if not _included(lraw, kind):
                    continue
                lr = _variant(lraw, kind)
                code = str(lr.get("code") or "")
                if not code:
                    raise FormDefinitionError(f"statement {skey} row {i + 1}: a line without a code")
                if code in lines:
                    raise FormDefinitionError(f"duplicate line code {code} in report {kind}")
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
                if lr.get("sign") not in (None, "nonpositive"):
                    raise FormDefinitionError(f"{where}: sign must be nonpositive")
                line = Line(
                    code=code,
                    label=str(lr.get("label") or r.get("label") or ""),
                    kind=line_kind,
                    statement=skey,
                    num=str(r.get("num") or ""),
                    col=lr.get("col", "outer"),
                    dollar=bool(lr.get("dollar", False)),
                    sign=lr.get("sign"),
                    coded=bool(lr.get("coded", True)),
                    formula=formula,
                    target_of=str(lr["target_of"]) if lr.get("target_of") else None,
                    default=_money(lr["default"], where) if "default" in lr else None,
                    default_retail_forex=(_money(lr["default_retail_forex"], where)
                                          if "default_retail_forex" in lr else None),
                )
                if not line.label:
                    raise FormDefinitionError(f"{where}: no label")
                lines[code] = line
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
            rows.append(Row(num=str(r.get("num") or ""), label=str(r.get("label") or ""),
                            indent=int(r.get("indent") or 0), heading=str(r.get("heading") or ""),
                            note=str(r.get("note") or ""), lines=tuple(row_lines)))
        summary = {k: str(v) for k, v in (sraw.get("summary") or {}).items()}
        statements.append(Statement(key=skey, short=sraw["short"], title=sraw["title"], subtitle=sraw.get("subtitle", ""),
                                    continued=bool(sraw.get("continued", False)), rows=tuple(rows),
                                    summary=summary))
    report = Report(kind=kind, form_name=spec["form"], revision=raw["revision"],
                    statements=tuple(statements), cover=spec.get("cover") or {},
                    identities=tuple((str(i["total"]), tuple(map(str, i["parts"])), i["note"])
                                     for i in raw.get("identities", ()) if _included(i, kind)),
                    alerts=tuple(a for a in raw.get("alerts", ()) if kind in a["report"]),
                    lines=lines,
                    order=_topological(kind, lines))
    derived = ("adjusted_net_capital", "excess_adjusted_net_capital")
    for alert in report.alerts:
        if set(alert) - {"id", "line", "below", "drop", "report", "rule", "notice"} or \
                ("below" in alert) == ("drop" in alert):
            raise FormDefinitionError(f"alert {alert.get('id')}: needs id, line, rule, notice and below or drop")
        for ref in (alert["line"], alert.get("below")):
            if isinstance(ref, str) and ref not in lines and ref not in derived:
                raise FormDefinitionError(f"alert {alert['id']} names unknown line {ref}")
    for total, parts, _ in report.identities:
        for code in (total, *parts):
            if code not in lines:
                raise FormDefinitionError(f"report {kind}: identity names unknown line {code}")
    for target in report.cover.get("targets", ()):
        if target.get("line") not in lines or not lines[target["line"]].target_of:
            raise FormDefinitionError(f"report {kind}: cover target {target.get('line')} is not a target line")
    for st in statements:
        for role, code in st.summary.items():
            if code not in lines:
                raise FormDefinitionError(f"statement {st.key}: summary {role} names unknown line {code}")
    return report


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
    """Build and check every report kind from a parsed definition."""
    if not isinstance(raw, dict) or not {"revision", "reports", "statements"} <= set(raw) \
            or set(raw) - {"revision", "reports", "statements", "identities", "alerts"}:
        raise FormDefinitionError("the definition needs revision, reports and statements (and may have identities)")
    if set(raw["reports"]) != set(REPORT_KINDS):
        raise FormDefinitionError(f"the definition must declare exactly the reports {REPORT_KINDS}")
    return {kind: _build_report(kind, raw) for kind in REPORT_KINDS}


@lru_cache(maxsize=1)
def reports() -> dict[str, Report]:
    """The checked form definition, loaded once per process."""
    with FORM_FILE.open(encoding="utf-8") as fh:
        # libyaml when present: the definition is read at every start-up
        return load_definition(yaml.load(fh, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))


def report(kind: str) -> Report:
    return reports()[kind]


@lru_cache(maxsize=1)
def all_codes() -> dict[str, tuple[str, ...]]:
    """Every line code of any report kind -> the report kinds that have it."""
    found: dict[str, list[str]] = {}
    for kind, rep in reports().items():
        for code in rep.lines:
            found.setdefault(code, []).append(kind)
    return {code: tuple(kinds) for code, kinds in found.items()}
