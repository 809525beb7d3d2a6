"""Comparing filings: a filing with a prior one (`check`), an amended filing with its original, a period
with the prior period (variance).

Holds: rules.py (the one line-by-line comparison and its rules: blank is 0, an illegible line is not
compared, an unconfirmed value is for the eye, the tolerance, firms by their letters),
sources.py (loading a filing from any source in one place: an input, focusgen's JSON, a print or scan),
check.py, amend.py and variance.py (what each use of the comparison reports).

May import: report/ (the model and its JSON reader), extract/ (reading prints and scans), inputs/,
form/, money, problems. Never render/ or anything above.

To add a comparison: call rules.compare() and report its pairs; never write the rules again.
"""
