"""The public posting's index page (Regulation 1.55(o)), from templates/disclose.html.j2: static HTML,
no scripts and no resource from anywhere else (its style is inline, its icon empty), a table with a
caption and header cells, each filing's PDF linked by a relative name. Every figure is formatted here;
the template only shows it."""

from __future__ import annotations

import jinja2

from ..money import fmt_amount
from ..resources import TEMPLATES
from . import view

COLUMNS = (("segregation", "Segregation (4d(2)) excess (deficiency)"),
           ("secured", "Secured amount (30.7) excess (deficiency)"),
           ("cleared_swaps", "Cleared swaps (4d(f)) excess (deficiency)"))
KINDS = {"focus-ii": "Month-end", "daily-seg": "Daily"}


def render_index(posted) -> str:
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             undefined=jinja2.StrictUndefined)
    rows = []
    for p in posted:
        cells = []
        for role, _ in COLUMNS:
            e = p.excess.get(role)
            value = None if e is None else e["value"]
            cells.append({"text": "" if value is None else f"${fmt_amount(value, 'parens')}",
                          "line": "" if e is None else e["line"], "negative": value is not None and value < 0})
        rows.append({"date": view.mmddyyyy(p.as_of), "iso": p.as_of.isoformat(), "kind": KINDS.get(p.report, ""),
                     "form": p.form, "status": p.status, "href": p.name, "cells": cells,
                     "link": f"{p.form} as of {view.mmddyyyy(p.as_of)} (PDF)"})
    first, last = posted[-1].as_of, posted[0].as_of
    return env.get_template("disclose.html.j2").render(
        firm=posted[0].firm, columns=[label for _, label in COLUMNS], rows=rows,
        period=f"{view.mmddyyyy(first)} to {view.mmddyyyy(last)}", capital=capital_summary(posted))


def capital_summary(posted) -> dict | None:
    """Regulation 1.55(o)(1)(iv): the month-end adjusted net capital, requirement and excess of the 12
    months, and a BD-FCM's SEC figures where its inputs gave them; formatted here, newest first."""
    rows = [p for p in posted if p.capital]
    if not rows:
        return None
    sec = any(p.capital["sec_net_capital"] is not None or p.capital["sec_minimum"] is not None for p in rows)
    keys = ["adjusted_net_capital", "requirement", "excess"] + (["sec_net_capital", "sec_minimum", "sec_excess"]
                                                               if sec else [])
    labels = {"adjusted_net_capital": "Adjusted net capital", "requirement": "Minimum net capital requirement",
              "excess": "Excess net capital", "sec_net_capital": "Net capital (SEC Rule 15c3-1)",
              "sec_minimum": "Minimum net capital (SEC)", "sec_excess": "Excess net capital (SEC)"}

    def cell(v):
        return {"text": "" if v is None else f"${fmt_amount(v, 'parens')}", "negative": v is not None and v < 0}
    return {"columns": [labels[k] for k in keys],
            "rows": [{"date": view.mmddyyyy(p.as_of), "iso": p.as_of.isoformat(),
                      "cells": [cell(p.capital[k]) for k in keys]} for p in rows]}
