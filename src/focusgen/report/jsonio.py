"""The filing's JSON: one typed schema that writes it and reads it back, for every reader.

`write(filing)` gives the bytes of `<stem>.json`: the document in the schema's field order (FilingDoc's
fields, and no key the schema lacks), written without building the schema's validators, which a build
would pay for at every start-up (the models are built when a JSON is first read: `defer_build`).
tests/test_jsonio.py proves over drawn filings (every report kind, every optional section) that these
bytes are exactly what the schema's own round trip (validate, then dump) writes, and that the schema
reads them back; `read(data, path)` checks a JSON against the schema and gives a `FilingDoc`, whose
`record()` is the filing's figures as the comparisons take them.
Every reader of a filing JSON (a prior or an original given as JSON, `check` of a built filing, the
history charts, the public posting) reads through here.

A JSON from disk is untrusted: it is read only up to MAX_BYTES (a filing's JSON is tens of kilobytes),
its values, nesting, integers and keys are bounded before and while it is parsed (inputs/jsonsafe.py),
and every field it is read for is typed (whole-dollar integers below the money limit, a report kind the
form defines, one printable line of at most 200 characters where text is shown); anything else is one
named problem, never a traceback. Fields a later focusgen may add are ignored; fields an earlier focusgen
did not write take their defaults, so last year's outputs still read.
"""

from __future__ import annotations

import json
from datetime import date
from typing import Annotated, Any

from pydantic import AfterValidator, ConfigDict, StrictStr, ValidationError, field_validator

from .. import __version__
from ..form import formdef
from ..inputs.jsonsafe import MAX_FILING as MAX_BYTES  # about 20 KB; 8 MiB holds any currency section
from ..problems import InputProblems, Problem, clip, quote
from .model import Figure, Money, Record, Summary, _Model  # noqa: F401  (Figure, Summary: the schema's own)
from .how import How


MAX_TEXT = 200      # as an input's text fields (inputs/models.py): what focusgen writes, it reads back


def _one_line(v: str) -> str:
    """Text a reader shows (the terminal, the posting's index page): one printable line, as the input's."""
    if len(v) > MAX_TEXT:
        raise ValueError(f"is {len(v):,} characters long; text fields are at most {MAX_TEXT}")
    if not v.isprintable():
        raise ValueError("holds a control character; text fields are one line of printable text")
    return v


Text = Annotated[StrictStr, AfterValidator(_one_line)]


class _Doc(_Model):
    # the validators are built when a JSON is first read, not when a build imports the schema to write
    model_config = ConfigDict(extra="ignore", frozen=True, defer_build=True)


class Contact(_Doc):
    name: Text | None = None
    phone: Text | None = None
    email: Text | None = None


class Firm(_Doc):
    name: Text
    sec_file_no: Text | None = None
    firm_id: Text | None = None
    address: Text | dict[str, Text | None] | None = None
    contact: Contact = Contact()


class Uncoded(_Doc):
    label: StrictStr = ""
    value: Money | None = None


class Original(_Doc):
    report: StrictStr | None = None
    as_of: StrictStr | None = None
    firm: StrictStr | None = None
    method: StrictStr | None = None


class AmendmentDoc(_Doc):
    amends: Text
    sha256: StrictStr
    reason: Text
    original: Original
    changes: list[dict[str, Any]] = []
    not_compared: list[StrictStr] = []


class FilingDoc(_Doc):
    """focusgen's JSON of a filing, field by field, in the order it is written."""
    report: StrictStr
    form: Text = ""
    registrant: Text | None = None
    form_revision: Text = ""
    as_of: StrictStr
    period_begin: Text | None = None
    submit_date: Text | None = None
    filing_status: Text = "INITIAL"
    firm: Firm
    lines: dict[StrictStr, Money | None]
    names: dict[StrictStr, Text | None] = {}
    targets: dict[StrictStr, dict[str, Any]] = {}
    summary: list[Summary] = []
    describe: dict[StrictStr, Text] = {}
    defaults: dict[StrictStr, dict[str, Any]] = {}
    warnings: list[dict[str, Any]] = []
    alert_inputs: dict[StrictStr, Money] = {}
    adjusted_net_capital: Money | None = None
    generator: dict[str, Any] = {}
    uncoded: dict[StrictStr, Uncoded | Money | None] | None = None
    depositories: dict[StrictStr, dict[str, Any]] | None = None     # a holdings report's detail tables
    limits: dict[str, Any] | None = None                            # ... its 17 CFR 1.25 limits
    reconciliation: dict[str, Any] | None = None                    # ... against the Daily Seg
    currencies: dict[str, Any] | None = None
    amendment: AmendmentDoc | None = None
    deadline: dict[str, Any] | None = None
    alerts: list[dict[str, Any]] | None = None
    alerts_not_checked: list[StrictStr] | None = None
    attest: list[dict[str, Any]] | None = None
    published: dict[str, Any] | None = None
    variance: dict[str, Any] | None = None

    @field_validator("report")
    @classmethod
    def _kind(cls, v: str) -> str:
        if not formdef.is_report_kind(v):
            raise ValueError(f"{quote(v, 40)} is not a report kind ({', '.join(formdef.REPORT_KINDS)})")
        return v

    @field_validator("as_of")
    @classmethod
    def _date(cls, v: str) -> str:
        try:
            date.fromisoformat(v)
        except ValueError:
            raise ValueError(f"{quote(v, 40)} is not a date YYYY-MM-DD") from None
        return v

    def values(self) -> dict[str, int | None]:
        """Every amount line of the report: the coded lines and the uncoded (Daily Seg 12 A/B/C)."""
        given: dict = dict(self.lines)
        for code, entry in (self.uncoded or {}).items():
            given[code] = entry.value if isinstance(entry, Uncoded) else entry
        return given

    def record(self, source: str):
        """The filing's figures as compare/ takes them (`how`: read, blank, or missing if not stated)."""
        rep = formdef.report(self.report)
        given = self.values()
        lines = {c: given.get(c) for c in rep.amount_codes}
        how = {c: (How.READ if c in given and v is not None else How.BLANK if c in given else How.MISSING)
               for c, v in lines.items()}
        return Record(source=source, report=self.report, as_of=self.as_of, firm=self.firm.name, lines=lines,
                      how=how, names=dict(self.names), method="json",
                      adjusted_net_capital=self.adjusted_net_capital, summary=tuple(self.summary),
                      net_capital=self.alert_inputs.get("net_capital"))


# --- writing ---------------------------------------------------------------------------------------

def document(filing) -> dict:
    """The filing as the JSON states it, in the schema's order."""
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
        "summary": [s.model_dump(mode="json", exclude_unset=True) for s in filing.summary],
        "describe": {str(k): v for k, v in h.describe.items()},
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
    if filing.details:                  # a holdings report: each statement's depositories (their rows are data)
        doc["depositories"] = {t.statement: t.as_dict() for t in filing.details}
    if filing.limits is not None:       # ... every 17 CFR 1.25 limit, its amount and its limit, per origin
        doc["limits"] = filing.limits.as_dict()
    if filing.reconciliation is not None:   # ... tied to the Daily Seg of the same date
        doc["reconciliation"] = filing.reconciliation.as_dict()
    if filing.currencies is not None:   # a trial balance in several currencies: each line's parts and rates
        doc["currencies"] = filing.currencies
    if filing.amendment is not None:
        doc["amendment"] = filing.amendment.as_dict()      # every line changed against the original
    if filing.input.due is not None:      # when this filing is due, on the business-day calendar
        doc["deadline"] = dict(filing.input.due.as_dict(), cite=rep.schedule.cite)
    doc["alerts"] = [a.as_alert() for a in filing.alerts]
    doc["alerts_not_checked"] = [u.message for u in filing.unchecked]
    if filing.attest:                     # the events of 1.12 no line shows, as the input attests them
        doc["attest"] = list(filing.attest)
    if filing.published is not None:      # the row the CFTC publishes about the firm (month-end builds)
        doc["published"] = filing.published
    if filing.variance is not None:
        v = filing.variance
        doc["variance"] = {"prior": {"source": v.prior_source, "as_of": v.prior_as_of},
                           "thresholds": {"percent": str(v.percent), "dollars": v.dollars},
                           "lines": list(v.lines)}
    return doc


def write(filing) -> bytes:
    """The JSON's bytes: document() in the schema's field order (tests/test_jsonio.py: the same bytes as
    the schema's validate-and-dump, read back by the schema)."""
    return dump(document(filing))


def dump(doc: dict) -> bytes:
    """A document's bytes, its keys in FilingDoc's field order; a key the schema does not have is a
    programming error (a reader would drop it)."""
    fields = FilingDoc.model_fields
    unknown = set(doc) - set(fields)
    if unknown:
        raise ValueError(f"the filing JSON's schema has no field {sorted(unknown)}")
    ordered = {name: doc[name] for name in fields if name in doc}
    return (json.dumps(ordered, indent=2, ensure_ascii=False) + "\n").encode("utf-8")


# --- reading ---------------------------------------------------------------------------------------

def _problem(path: str, code: str, message: str, expected: str = "a JSON written by focusgen build") -> InputProblems:
    return InputProblems([Problem(code, path, message, expected=expected)])


def parse(text: str | bytes, path: str) -> FilingDoc:
    """A filing JSON's text (or bytes), checked against the schema; InputProblems (named) otherwise. The
    document is bounded before it is parsed (inputs/jsonsafe: size, values, nesting, digits, keys)."""
    from ..inputs import jsonsafe
    raw = jsonsafe.loads(text, path, MAX_BYTES, "focusgen's JSON output")
    if not isinstance(raw, dict) or not isinstance(raw.get("lines"), dict) or "report" not in raw:
        raise _problem(path, "not-a-filing", "is not focusgen's JSON output (report and lines)")
    try:
        return FilingDoc.model_validate(raw)
    except ValidationError as exc:
        # the first error only, without the value itself (at most jsonsafe.MAX_VALUES errors in all)
        err = exc.errors(include_url=False, include_context=False, include_input=False)[0]
        where = ".".join(clip(str(p), 40) for p in err["loc"])
        code = "bad-amount" if err["loc"][:1] in (("lines",), ("uncoded",), ("adjusted_net_capital",)) \
            and "int" in err["type"] or err["type"] in ("greater_than", "less_than") else "not-a-filing"
        raise _problem(path, code, f"is not focusgen's filing JSON: {clip(where, 200)}: {clip(err['msg'], 200)}"
                       + (f" (and {exc.error_count() - 1:,} more)" if exc.error_count() > 1 else "")) from None


def read(path, problems: list | None = None) -> FilingDoc:
    """A filing JSON from disk: a regular file of at most MAX_BYTES, checked against the schema."""
    from ..inputs.formats import read_bytes
    found: list = []
    data = read_bytes(path, found, MAX_BYTES, expected="filing JSON written by focusgen")
    if data is None:
        raise InputProblems(found)
    return parse(data, str(path))
