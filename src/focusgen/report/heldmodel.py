"""The model's part for a report computed from holdings (the SIDR): its depository tables, its 17 CFR
1.25 limits and its reconciliation to the Daily Seg, as a Filing (model.py) holds them. Apart from
model.py so that a FOCUS II or Daily Seg build, which has none of them, does not make their classes."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DetailRow:
    """One depository of a detail table: its name, location, kind, whether it is an affiliate of the FCM,
    and each column's whole dollars."""
    depository: str
    location: str
    kind: str
    affiliate: bool
    values: tuple[int, ...]


@dataclass(frozen=True)
class DetailTable:
    """A table whose rows are data (report/details.py): a statement's depositories, grouped by kind (each
    group with its label, rows and subtotal), and the total row, which equals the statement's total."""
    statement: str                          # the statement's key
    key: str
    columns: tuple[tuple[str, str], ...]    # (key, label)
    groups: tuple[tuple[str, str, tuple[DetailRow, ...], tuple[int, ...]], ...]   # (kind, label, rows, subtotal)
    total: tuple[int, ...]
    total_label: str
    affiliate_mark: str

    def as_dict(self) -> dict:
        keys = [k for k, _ in self.columns]
        return {"columns": dict(self.columns),
                "depositories": [{"depository": r.depository, "location": r.location, "kind": r.kind,
                                  "affiliate": r.affiliate, **dict(zip(keys, r.values))}
                                 for _, _, rows, _ in self.groups for r in rows],
                "total": dict(zip(keys, self.total))}


@dataclass(frozen=True)
class Limit:
    """One 17 CFR 1.25 limit as it stands for one origin (report/limits.py): the amount it counts, the
    largest amount within it (whole dollars; None when it could not be checked) and whether it is breached."""
    origin: str
    rule: str                   # the rule's id in the limit table (not-permitted for an instrument not permitted)
    kind: str
    subject: str                # the issuer, family, fund, counterparty, currency or instrument ("" for a class)
    text: str                   # what the rule says, for this subject
    cite: str
    amount: int
    limit: int | None
    percent: str | None         # the rule's percentage of the denominator, as written
    breached: bool

    def as_dict(self) -> dict:
        return {"origin": self.origin, "rule": self.rule, "kind": self.kind, "subject": self.subject,
                "text": self.text, "cite": self.cite, "amount": self.amount, "limit": self.limit,
                "percent": self.percent, "breached": self.breached}


@dataclass(frozen=True)
class Limits:
    """The limit table in force on the as-of date, each origin's denominator (total assets held in
    segregation) and every limit evaluated."""
    revision: str
    cite: str
    denominator: str                        # what the denominator is
    denominators: dict                      # origin -> whole dollars
    results: tuple[Limit, ...]

    def as_dict(self) -> dict:
        return {"revision": self.revision, "cite": self.cite, "denominator": self.denominator,
                "denominators": dict(self.denominators), "limits": [r.as_dict() for r in self.results]}


@dataclass(frozen=True)
class Tied:
    """One tie of a reconciliation: the holdings' side and the other report's lines, and their difference."""
    origin: str
    label: str
    holdings: int
    lines: tuple[str, ...]
    other: int | None           # the other report's lines summed (blank is 0); None: not legible there
    rows: tuple[str, ...] = ()  # where the holdings were given

    @property
    def compared(self) -> bool:
        return self.other is not None

    @property
    def difference(self) -> int:
        return self.holdings - self.other if self.other is not None else 0


@dataclass(frozen=True)
class Reconciliation:
    """A holdings report against another report of the same date (compare/reconcile.py): every tie with
    both sides, the other report's lines outside the holdings, and each origin's totals."""
    against: str                # the other report's source (a path) and kind
    kind: str
    as_of: str | None
    cite: str
    note: str
    ties: tuple[Tied, ...]
    outside: tuple[dict, ...]   # {origin, line, label, value, reason}
    totals: tuple[dict, ...]    # {origin, holdings, outside, sum, line, other, difference}
    tolerance: int = 0

    @property
    def differences(self) -> list[Tied]:
        return [t for t in self.ties if abs(t.difference) > self.tolerance]

    @property
    def failed(self) -> bool:
        return bool(self.differences) or any(abs(t["difference"]) > self.tolerance for t in self.totals
                                             if t["difference"] is not None)

    def as_dict(self) -> dict:
        return {"against": self.against, "report": self.kind, "as_of": self.as_of, "cite": self.cite,
                "note": self.note, "tolerance": self.tolerance, "agrees": not self.failed,
                "ties": [{"origin": t.origin, "label": t.label, "holdings": t.holdings, "lines": list(t.lines),
                          "other": t.other, "difference": t.difference if t.compared else None,
                          "rows": list(t.rows)} for t in self.ties],
                "outside": list(self.outside), "totals": list(self.totals)}
