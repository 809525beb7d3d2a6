"""The JSON output: every line code of the report mapped to an integer or null (blank), the name
fields, how each management target was given, the metadata and a summary of the excesses."""

from __future__ import annotations

import json

from .. import __version__
from . import view
from ..close import currency
from ..compute import Filing


def filing_dict(filing: Filing, built=None) -> dict:
    h = filing.header
    rep = filing.report
    doc = {
        "report": rep.kind,
        "form": filing.form_name,
        "registrant": h.registrant,
        "form_revision": rep.revision,
        "as_of": h.as_of.isoformat(),
        "period_begin": h.period_begin.isoformat() if h.period_begin else None,
        "submit_date": h.submit_date.isoformat() if h.submit_date else None,
        "filing_status": h.filing_status,
        "firm": h.firm.model_dump(),
        "lines": {code: filing.values[code] for code in rep.coded_amount_codes},
        "names": filing.names,
        "targets": {code: filing.target(code) for code, line in rep.lines.items() if line.target_of},
        "summary": view.summary(filing),
        "describe": {str(k): v for k, v in filing.header.describe.items()},
        "defaults": {code: {"value": v, "note": f"line {code} was not given: the form's default "
                            f"${v:,} was used"} for code, v in filing.input.defaults.items()},
        "warnings": [w.as_dict() for w in filing.input.warnings],
        "alert_inputs": filing.input.extras,
        "adjusted_net_capital": filing.input.adjusted_net_capital,
        "generator": {"name": "focusgen", "version": __version__, "input_sha256": filing.input.digest},
    }
    uncoded = [c for c in rep.amount_codes if not rep.lines[c].coded]
    if uncoded:     # lines the form prints without a code (Daily Seg cleared swaps 12 A/B/C)
        doc["uncoded"] = {c: {"label": f"{rep.lines[c].num} {rep.lines[c].label}", "value": filing.values[c]}
                          for c in uncoded}
    by_currency = currency.document(filing)
    if by_currency is not None:     # a trial balance in several currencies: each line's parts and rates
        doc["currencies"] = by_currency
    if built is not None and built.amendment is not None:
        doc["amendment"] = built.amendment.as_dict()      # every line changed against the original
    if built is not None:
        doc["alerts"] = built.alerts
        doc["alerts_not_checked"] = built.unchecked
        if built.variance is not None:
            v = h.variance
            doc["variance"] = {"prior": {"source": built.prior.source, "as_of": built.prior.as_of},
                               "thresholds": {"percent": str(v.percent), "dollars": v.dollars},
                               "lines": built.variance}
    return doc


def render_json(filing: Filing, built=None) -> str:
    return json.dumps(filing_dict(filing, built), indent=2, ensure_ascii=False) + "\n"
