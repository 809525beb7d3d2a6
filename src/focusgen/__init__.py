"""focusgen: CFTC FOCUS Report Part II and WinJammer Daily Seg filings from ledger balances.

The house, in the order a filing flows through it (each package's own docstring says what it holds,
what it may import, and how to add the thing it is for):

    inputs/  ->  form/  ->  report/  ->  render/         (extract/ and compare/ beside)

- form/      the form definitions, as data, and the formula table: the bottom floor
- inputs/    what a user keeps (YAML, CSV, workbooks, a trial balance) read and checked against the form
- report/    the report model: a filing computed once (values, summaries, alerts, per-currency), its JSON
- extract/   reading prior filings: prints, scans, text
- compare/   one comparison (check, amendments, variance) and loading a filing from any source
- render/    the outputs, formatted from the model: PDF, text, JSON, review pack, terminal
- build.py, batch.py, disclose.py, manifest.py, outputs.py: one build, many builds, the posting, the
  audit manifest, writing output sets; cli.py on top. problems.py (one finding shape), money.py,
  settings.py, resources.py and calendar.py (business days and the reports' date rules) sit at the bottom,
  for everyone.
"""

__version__ = "0.1.0"
