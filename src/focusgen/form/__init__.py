"""The form definitions: every line of every report declared once, as data, and checked at load.

Holds: cftc.yaml (the CFTC pages of the FOCUS Report Part II and the WinJammer Daily Seg: statements,
rows, lines with code, label, kind, formula, sign rule, column; statement summary roles; the capital
figures' rules; the form's rules; alerts; cover wording; each report's `schedule:` of as-of and due
dates), sidr.yaml (the Segregation Investment Detail Report: lines summed from the firm's holdings, the
holdings' vocabulary, the 17 CFR 1.25 limits by effective date, the reconciliation to the Daily Seg),
revisions/ (later revisions, each only its differences and its effective dates; another definition's in
revisions/<its name>/), formdef.py (the loader that checks every definition file and builds the Report
objects every other package reads), holdings.py (what a report computed from holdings declares:
selectors, totals that cover their parts, detail tables, limit tables, the reconciliation mapping) and
formula.py (the one table of formula operators: evaluation, description, explanation, equations).
Beside each YAML file, its parsed copy (<file>.yaml.json, made by tests/formmake.py): what PyYAML parses,
read at start-up without PyYAML's constructor, used only while it names the YAML's bytes.

May import: money (rates and formatting of formulas), calendar (to read a report's date rules),
resources (a file made from others and shipped beside them: the definitions' parsed copies) and the
standard library, nothing else of focusgen: every other package reads the form, the form reads no
other package.

To add a form revision: a file in revisions/ (revisions/<definition>/ for a definition other than
cftc.yaml) with `revision`, `effective: {from, to}` and only what changes (`set:` a partial tree, `lines:`
changes by code); the revision covering an as-of date is used. After changing any YAML file here, run
`python tests/formmake.py` (its parsed copy; until then the YAML is parsed at every start-up).
To add a report: its statements and a `reports:` entry in a definition file (a new YAML file of form/
declares its own report kinds); a formula operator new to it goes in formula.py, a holdings selector's
dimension or a limit's kind in holdings.py (and report/limits.py).
"""
