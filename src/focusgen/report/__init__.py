"""The report model: a filing computed once, and everything it says.

Holds: model.py (Filing, Record, Variance, Amendment; heldmodel.py its part for a report computed from
holdings: depository tables, limits, reconciliation), compute.py (input lines to every line, the
statements' summaries, alerts and per-currency statements, by the form's formula table), alerts.py
(the regulatory notices declared in the form definition), details.py and limits.py (a report computed
from holdings: its tables of depositories and the 17 CFR 1.25 limits), currency.py (Regulation 1.32(a),
currency by currency), explain.py (how a line's value was reached), jsonio.py (the one schema that writes the
filing's JSON and reads it back for every reader) and how.py (what a value of a Record claims: How, a
closed enumeration extraction and every comparison share).

May import: form/, inputs/ (the checked FilingInput), money, problems. Never render/, compare/,
extract/ or anything above: renderers read the model, they do not finish it.

To add a report: declare it in the form definition (form/), with its statements' summary roles and
alerts; compute() needs nothing new. A figure the filing says beyond its lines goes in the Filing
here, computed in compute(), and in jsonio's schema if the JSON states it.
"""
