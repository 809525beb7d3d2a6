"""The review pack's content: key figures of each statement, the alerts, the largest movements
against the prior period, and a chart per statement of its excess and target over the periods
given. All numbers and chart coordinates are computed here; the template only draws them."""

from __future__ import annotations

from ..money import fmt_amount
from ..report.model import Filing

W, H = 500, 150
LEFT, RIGHT, TOP, BOTTOM = 84, 36, 10, 30
ROLES = ("requirement", "funds", "excess", "target", "over_target")


def _m(v):
    return "" if v is None else fmt_amount(v, "parens")


def key_figures(filing: Filing, summary: list) -> list[dict]:
    rows = []
    for entry in summary:
        cells = {role: entry.figure(role) for role in ROLES if entry.figure(role) is not None}
        if entry.early_warning is not None:
            cells = {"requirement": entry.requirement, "early_warning": entry.early_warning}
        rows.append({"name": entry.name, "cells": {r: {"line": c.line, "value": _m(c.value),
                                                      "negative": (c.value or 0) < 0}
                                                  for r, c in cells.items()}})
    anc = filing.input.adjusted_net_capital
    if anc is not None:
        rows.append({"name": "Adjusted net capital (input)", "cells": {"funds": {"line": "", "value": _m(anc),
                                                                               "negative": anc < 0}}})
    return rows


def chart(history: list[dict], statement: str) -> dict | None:
    periods = []
    for h in history:
        entry = next((e for e in h["summary"] if e.statement == statement), None)
        if entry is not None and entry.excess is not None:
            periods.append((h["as_of"], entry.excess.value, entry.target.value if entry.target else None))
    values = [v for _, e, t in periods for v in (e, t) if v is not None]
    if not values:
        return None
    lo, hi = min(0, *values), max(0, *values)
    if hi == lo:
        hi = lo + 1
    n = len(periods)

    def x(i):
        return LEFT + (W - LEFT - RIGHT) * (i / (n - 1) if n > 1 else 0.5)

    def y(v):
        return TOP + (hi - v) * (H - TOP - BOTTOM) / (hi - lo)

    def series(k):
        pts = [(x(i), y(p[k])) for i, p in enumerate(periods) if p[k] is not None]
        return " ".join(f"{a:.1f},{b:.1f}" for a, b in pts), [(f"{a:.1f}", f"{b:.1f}") for a, b in pts]

    excess, excess_dots = series(1)
    target, target_dots = series(2)
    step = max(1, n // 6)
    return {"width": W, "height": H, "left": LEFT, "right": W - RIGHT, "zero": f"{y(0):.1f}",
            "excess": excess, "excess_dots": excess_dots, "target": target, "target_dots": target_dots,
            "x_labels": [(f"{x(i):.1f}", p[0]) for i, p in enumerate(periods) if i % step == 0 or i == n - 1],
            "y_labels": [(f"{y(v):.1f}", _m(v)) for v in sorted({lo, hi, 0})],
            "baseline": f"{H - BOTTOM:.1f}", "periods": n}


def pack(filing: Filing, history: list[dict]) -> dict:
    from .. import __version__
    from . import view
    summary = history[-1]["summary"] if history else filing.summary
    movements = []
    if filing.variance is not None and filing.variance.lines:
        movements = [dict(m, prior=_m(m["prior"]), current=_m(m["current"]), change=_m(m["change"]))
                     for m in filing.variance.lines[:12]]
    charts = []
    for entry in summary:
        if entry.excess is not None:
            c = chart(history, entry.statement)
            if c:
                charts.append({"name": entry.name, "line": entry.excess.line,
                               "target_line": entry.target.line if entry.target else None, "chart": c})
    capital = next((e for e in filing.summary if e.early_warning is not None), None)
    return {
        "firm": filing.header.firm.name, "form": filing.form_name,
        "as_of": view.mmddyyyy(filing.header.as_of), "version": __version__,
        "input_hash": filing.input.digest[:12],
        "figures": key_figures(filing, summary),
        "capital": None if capital is None else {"requirement": capital.requirement.line,
                                                 "early_warning": capital.early_warning.line},
        "alerts": [dict(a.as_alert(), amount=_m(a.facts["amount"])) for a in filing.alerts],
        "legs": [dict(leg.model_dump(), amount=_m(leg.amount), base=_m(leg.base))
                 for e in filing.summary for leg in e.early_warning_legs],
        "threshold": next((_m(e.early_warning_threshold.value) for e in filing.summary
                           if e.early_warning_threshold is not None), None),
        "deadline": None if filing.input.due is None else
        {"text": str(filing.input.due), "basis": filing.input.due.basis, "cite": filing.report.schedule.cite},
        "warnings": [w.message for w in filing.input.warnings],
        "attest": [dict(e, state={True: "confirmed", False: "DENIED: notice due", None: "not confirmed"}[e["confirmed"]])
                   for e in filing.attest],
        "unchecked": [u.message for u in filing.unchecked],
        "movements": movements,
        "prior": None if filing.variance is None else
        {"source": filing.variance.prior_source, "as_of": filing.variance.prior_as_of},
        "thresholds": {"percent": str(filing.header.variance.percent),
                       "dollars": fmt_amount(filing.header.variance.dollars)},
        "charts": charts,
        "currencies": _currencies(filing),
        "amendment": _amendment(filing),
    }


def _amendment(filing: Filing) -> dict | None:
    a = filing.amendment
    if a is None:
        return None
    show = lambda v: v if isinstance(v, str) else _m(v)  # noqa: E731
    return dict(a.as_dict(), changes=[dict(c, original=show(c["original"]) or "", amended=show(c["amended"]) or "")
                                      for c in a.changes])


def _currencies(filing: Filing) -> dict | None:
    """The 1.32(a) section: each statement currency by currency beside the filed dollars, and each
    converted line's parts with their rates, so every converted figure ties to its source."""
    from decimal import Decimal

    doc = filing.currencies
    if doc is None:
        return None
    statements = [dict(st, filed={k: _m(v) for k, v in st["filed"].items()},
                       currencies=[dict(r, **{k: _m(r[k]) for k in ("requirement", "funds", "excess")},
                                        dollars={k: _m(v) for k, v in r["dollars"].items()})
                                   for r in st["currencies"]])
                  for st in doc["statements"]]
    lines = [{"line": code, "label": filing.report.lines[code].label, "value": _m(filing.values.get(code)),
              "parts": [dict(p, amount=f"{Decimal(p['amount']):,}", dollars=f"{Decimal(p['dollars']):,}")
                        for p in parts]}
             for code, parts in doc["lines"].items() if any(p["currency"] != "USD" for p in parts)]
    return {"fx": doc["fx"], "statements": statements, "lines": lines}
