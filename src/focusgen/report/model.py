"""The report model: everything a filing says, computed once, before anything is rendered.

- `Filing`: one computed filing of focusgen's own (the form revision, the checked input, every line's
  value, each statement's summary, the per-currency statements, the alerts and what could not be
  checked, and, once compare/ has added them, the variance against a prior period and the amendment
  against the original). Renderers read it and only format.
- `Record`: another filing's figures as known from some source (an input built in memory, focusgen's
  JSON, a filed print or scan read by extract), each value with how it was obtained.
- `Variance`, `Amendment`: what compare/ finds against a prior period or an amended filing's original.

`Summary` and `Figure` (a statement's key figures) are typed once, here, and are the JSON schema's own
(jsonio.py): one type, written and read back.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated

from pydantic import BaseModel, ConfigDict, Field, StrictInt, StrictStr

from ..money import MAX_TOTAL
from .how import How

if TYPE_CHECKING:
    from ..form.formdef import Report
    from ..inputs.models import FilingInput
    from ..problems import Finding

Money = Annotated[StrictInt, Field(gt=-MAX_TOTAL, lt=MAX_TOTAL)]     # a computed line's bound


class _Model(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class Figure(_Model):
    """One figure of a statement's summary: the line it is and its value (None: blank)."""
    line: StrictStr
    value: Money | None = None


class Leg(_Model):
    """One leg of the 1.12(b) early warning threshold: its paragraph, what it is a per cent of, the rate
    used and its amount (None: its base is blank)."""
    cite: StrictStr
    label: StrictStr = ""
    of: StrictStr = ""
    base: Money | None = None
    rate: StrictStr = ""
    amount: Money | None = None
    note: StrictStr = ""


class Summary(_Model):
    """A statement's key figures, by the role the form definition gives each line (its `summary:`), and
    for the capital statement the 1.12(b) notice threshold and a BD-FCM's minimum beside them."""
    statement: StrictStr
    name: StrictStr = ""
    title: StrictStr = ""
    requirement: Figure | None = None
    funds: Figure | None = None
    excess: Figure | None = None
    target: Figure | None = None
    over_target: Figure | None = None
    early_warning: Figure | None = None
    early_warning_threshold: Figure | None = None
    early_warning_legs: list[Leg] = []
    minimum_net_capital: Figure | None = None

    def figure(self, role: str) -> Figure | None:
        return getattr(self, role, None)




@dataclass(frozen=True)
class Variance:
    """Every line that moved against a prior period, largest first (compare/variance.py)."""
    prior_source: str
    prior_as_of: str | None
    percent: object             # Decimal: the per-cent threshold of a flagged movement
    dollars: int                # ... and its dollar threshold
    lines: tuple[dict, ...]     # {line, label, prior, current, change, percent, flagged}

    @property
    def flagged(self) -> list[dict]:
        return [m for m in self.lines if m["flagged"]]


@dataclass(frozen=True)
class Amendment:
    """An amended filing against its original (compare/amend.py): every line that changed."""
    source: str                     # the original as the input names it
    sha256: str
    reason: str
    original: dict                  # report, as_of, firm, method of reading
    changes: tuple[dict, ...] = ()  # {line, label, original, amended}
    not_compared: tuple[str, ...] = ()

    def as_dict(self) -> dict:
        return {"amends": self.source, "sha256": self.sha256, "reason": self.reason, "original": self.original,
                "changes": list(self.changes), "not_compared": list(self.not_compared)}


@dataclass(frozen=True)
class Filing:
    """One computed filing: what every renderer reads."""
    report: Report
    input: FilingInput
    values: dict[str, int | None]
    summary: tuple[Summary, ...] = ()
    capital: dict = field(default_factory=dict)     # derived capital amounts (report/alerts.thresholds)
    currencies: dict | None = None                  # per-currency statements (report/currency.document)
    alerts: tuple[Finding, ...] = ()                # regulatory notices that fire
    unchecked: tuple[Finding, ...] = ()             # alerts not checked for want of their inputs
    variance: Variance | None = None                # against --prior (compare/variance.py)
    amendment: Amendment | None = None              # against the original (compare/amend.py)
    prior: Record | None = None                     # the prior period compared with, if any
    attest: tuple = ()                              # the events of 1.12 no line shows, as attested (alerts.py)
    # a report computed from holdings (the SIDR): its types are heldmodel.py's
    details: tuple = ()                             # heldmodel.DetailTable: the depository tables (details.py)
    limits: object = None                           # heldmodel.Limits: the 17 CFR 1.25 limits (limits.py)
    reconciliation: object = None                   # heldmodel.Reconciliation: to the Daily Seg (compare/reconcile.py)
    published: dict | None = None                   # the row the CFTC publishes (month-end reports)

    @property
    def header(self):
        return self.input.header

    @property
    def kind(self) -> str:
        return self.report.kind

    @property
    def form_name(self) -> str:
        """The form's name as this registrant files it (Daily Seg 1-FR for an FCM only)."""
        return self.report.form_names.get(self.input.header.registrant or "bd-fcm", self.report.form_name)

    @property
    def names(self) -> dict[str, str | None]:
        given = {str(k): v for k, v in self.input.header.names.items()}
        return {code: given.get(code) or None for code in self.report.text_codes}

    def target(self, code: str) -> dict:
        """How a management target was given, as the Daily Seg cover's four forms: a. dollars
        {"form": "a", "dollars": n}, b. {"form": "b", "percent": "5", "of": <its requirement line>},
        c. a dollar range {"form": "c", "range": [low, high]}, d. {"form": "d", "percent_range": ["5", "8"],
        "of": ...}; "dollars" is always the target line's amount (the lower bound of a range). {} when
        not given."""
        how = dict(self.input.targets.get(code) or {})
        if not how:
            return {}
        if how["form"] in ("b", "d"):
            how["of"] = self.report.lines[code].target_of
        how["dollars"] = self.values[code]
        return how

    def summary_of(self, statement: str) -> Summary | None:
        return next((s for s in self.summary if s.statement == statement), None)


@dataclass(frozen=True)
class Record:
    """Another filing's figures as known from a source: an input computed in memory ("input"),
    focusgen's JSON ("json"), or a print or scan read by extract ("text", "pdf-text", "ocr", ...).
    `how` says for each line how its value was obtained (report/how.How: extract's claims; read or
    blank for what a JSON or an input states, missing for a line a JSON does not state)."""
    source: str
    report: str
    as_of: str | None
    firm: str | None
    lines: dict[str, int | None]
    how: dict[str, How] = field(default_factory=dict)
    names: dict[str, str | None] = field(default_factory=dict)
    method: str = "json"
    adjusted_net_capital: int | None = None
    summary: tuple = ()
    net_capital: int | None = None          # the 1.17 net capital its input or JSON states (1.12(g)(1))
    findings: tuple = ()                    # what extract found (problems.Finding, codes extract/how.Found)
    edit_failures: tuple = ()               # the record's own arithmetic that fails (Finding: edit-check)
    candidates: dict[str, int] = field(default_factory=dict)  # unconfirmed: what a scan seems to show

    @classmethod
    def of_extraction(cls, e) -> "Record":
        return cls(source=e.source, report=e.report, as_of=e.as_of, firm=e.firm, lines=dict(e.lines),
                   how=dict(e.how), names=dict(e.names), method=e.method,
                   adjusted_net_capital=e.extra.get("adjusted_net_capital"),
                   summary=tuple(e.extra.get("summary") or ()), findings=tuple(e.findings),
                   edit_failures=tuple(e.edit_failures), candidates=dict(e.candidates))

    @classmethod
    def of_filing(cls, filing: Filing, source: str) -> "Record":
        return cls(source=source, report=filing.kind, as_of=filing.header.as_of.isoformat(),
                   firm=filing.header.firm.name, lines=dict(filing.values),
                   how={c: (How.READ if v is not None else How.BLANK) for c, v in filing.values.items()},
                   names=filing.names, method="input", adjusted_net_capital=filing.input.adjusted_net_capital,
                   summary=filing.summary, net_capital=filing.input.extras.get("net_capital"))
