"""The review pack's content: key figures of each statement, the alerts, the largest movements
against the prior period, and a chart per statement of its excess and target over the periods
given. All numbers and chart coordinates are computed here; the template only draws them."""

from __future__ import annotations

from ..compute import Filing
from ..money import fmt_amount

W, H = 500, 150
LEFT, RIGHT, TOP, BOTTOM = 84, 36, 10, 30
ROLES = ("requirement", "funds", "excess", "target", "over_target")


def _m(v):
    return "" if v is None else fmt_amount(v, "parens")


def key_figures(filing: Filing, summary: list[dict]) -> list[dict]:
    rows = []
    for entry in summary:
        cells = {role: entry[role] for role in ROLES if role in entry}
        if "early_warning" in entry:
            cells = {"requirement": entry["requirement"], "early_warning": entry["early_warning"]}
        rows.append({"name": entry["name"], "cells": {r: {"line": c["line"], "value": _m(c["value"]),
                                                         "negative": (c["value"] or 0) < 0}
                                                     for r, c in cells.items()}})
    anc = filing.input.adjusted_net_capital
    if anc is not None:
        rows.append({"name": "Adjusted net capital (input)", "cells": {"funds": {"line": "", "value": _m(anc),
                                                                               "negative": anc < 0}}})
    return rows


def chart(history: list[dict], statement: str) -> dict | None:
    periods = []
    for h in history:
        entry = next((e for e in h["summary"] if e.get("statement") == statement), None)
        # earlier JSONs come from disk: take only figures of the shape focusgen writes
        excess, target = (entry or {}).get("excess"), (entry or {}).get("target") or {}
        value = lambda d: d.get("value") if isinstance(d, dict) and type(d.get("value")) is int else None  # noqa: E731
        if isinstance(excess, dict):
            periods.append((h["as_of"], value(excess), value(target)))
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


def pack(filing: Filing, built, history: list[dict]) -> dict:
    from .. import __version__
    from . import view
    summary = history[-1]["summary"] if history else view.summary(filing)
    movements = []
    if built is not None and built.variance:
        movements = [dict(m, prior=_m(m["prior"]), current=_m(m["current"]), change=_m(m["change"]))
                     for m in built.variance[:12]]
    charts = []
    for entry in summary:
        if "excess" in entry:
            c = chart(history, entry["statement"])
            if c:
                charts.append({"name": entry["name"], "line": entry["excess"]["line"],
                               "target_line": entry.get("target", {}).get("line"), "chart": c})
    return {
        "firm": filing.header.firm.name, "form": filing.form_name,
        "as_of": view.mmddyyyy(filing.header.as_of), "version": __version__,
        "input_hash": filing.input.digest[:12],
        "figures": key_figures(filing, summary),
        "alerts": [dict(a, amount=_m(a["amount"])) for a in (built.alerts if built else [])],
        "unchecked": built.unchecked if built else [],
        "movements": movements,
        "prior": None if built is None or built.prior is None else
        {"source": built.prior.source, "as_of": built.prior.as_of},
        "thresholds": {"percent": str(filing.header.variance.percent),
                       "dollars": fmt_amount(filing.header.variance.dollars)},
        "charts": charts,
        "currencies": _currencies(filing),
        "amendment": _amendment(built),
    }


def _amendment(built) -> dict | None:
    a = getattr(built, "amendment", None)
    if a is None:
        return None
    show = lambda v: v if isinstance(v, str) else _m(v)  # noqa: E731
    return dict(a.as_dict(), changes=[dict(c, original=show(c["original"]) or "", amended=show(c["amended"]) or "")
                                      for c in a.changes])


def _currencies(filing: Filing) -> dict | None:
    """The 1.32(a) section: each statement currency by currency beside the filed dollars, and each
    converted line's parts with their rates, so every converted figure ties to its source."""
    from decimal import Decimal

    from ..close import currency
    doc = currency.document(filing)
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
