"""The form definitions: every line of every report declared once, as data, and checked at load.

Holds: cftc.yaml (the CFTC pages of the FOCUS Report Part II and the WinJammer Daily Seg: statements,
rows, lines with code, label, kind, formula, sign rule, column; statement summary roles; the capital
figures' rules; the form's rules; alerts; cover wording; each report's `schedule:` of as-of and due
dates), revisions/ (later revisions, each only its
differences and its effective dates), formdef.py (the loader that checks a definition and builds the
Report objects every other package reads) and formula.py (the one table of formula operators:
evaluation, description, explanation, equations).

May import: money (rates and formatting of formulas), calendar (to read a report's date rules) and the
standard library, nothing else of focusgen: every other package reads the form, the form reads no other
package.

To add a form revision: a file in revisions/ with `revision`, `effective: {from, to}` and only what
changes (`set:` a partial tree, `lines:` changes by code); the revision covering an as-of date is used.
To add a report: its statements and a `reports:` entry in a definition file; a formula operator new to
it goes in formula.py.
"""
