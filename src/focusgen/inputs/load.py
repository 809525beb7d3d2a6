"""Reading a filing input (YAML; or a table of ledger balances, CSV or workbook, with YAML metadata)
into a FilingInput (models.py).

Every problem found is collected (file, line code or CSV row, what is wrong, what was expected)
and raised once as InputProblems. Nothing here computes a total: that is compute.py's job.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from ..form import formdef
from ..money import AmountError, parse_amount, parse_percent, to_dollars
from ..problems import WARNING, Finding, InputProblems, Problem, Problems, clip, quote
from .currencies import Rates, read_rates
from .formats import confined, read_bytes, read_yaml
from .jsonsafe import MAX_FILING
from .models import YAML_KEYS, FilingInput, Header, Source, Table
from .tables import is_table, read_table

# --- checking lines against the form ------------------------------------------------------------

def _target(raw: dict) -> tuple[dict, Decimal | None, Fraction | None]:
    """A residual-interest target given as c. {range: [low, high]} or d. {percent_range: [low, high]}:
    (how it was given, the lower dollar bound, the lower rate). The target line takes the lower bound."""
    if set(raw) == {"range"} and isinstance(raw["range"], list) and len(raw["range"]) == 2:
        low, high = (parse_amount(v) for v in raw["range"])
        if low is None or high is None or low < 0 or high < low:
            raise AmountError(f"range {quote(raw['range'])} is not [low, high] with 0 <= low <= high")
        return {"form": "c", "range": [to_dollars(low), to_dollars(high)]}, low, None
    if set(raw) == {"percent_range"} and isinstance(raw["percent_range"], list) and len(raw["percent_range"]) == 2:
        rates = [parse_percent(v) for v in raw["percent_range"]]
        if None in rates or rates[1] < rates[0]:
            raise AmountError(f"percent_range {quote(raw['percent_range'])} is not [\"low%\", \"high%\"] with low <= high")
        from ..money import fmt_percent
        return {"form": "d", "percent_range": [fmt_percent(r) for r in rates]}, None, rates[0]
    raise AmountError(f"{quote(dict(raw))} is not a target: give dollars, \"5%\", {{range: [low, high]}} or "
                      "{percent_range: [\"5%\", \"8%\"]}")


class Lines:
    """The input lines as they are checked against the form, from wherever they are given (the YAML, a
    table, workbook cells, a trial balance): each line once, its amount exact and in whole dollars, a
    percentage target as its rate, and where it was given."""

    def __init__(self, rep, problems: list[Problem]) -> None:
        self.rep, self.problems = rep, problems
        self.amounts: dict[str, int] = {}
        self.exact: dict[str, Decimal] = {}
        self.percents: dict[str, Fraction] = {}
        self.sources: dict[str, Source] = {}
        self.targets: dict[str, dict] = {}
        self.refused: set[str] = set()      # lines given but refused (one problem each, no second one)

    def check(self, code: str, raw: Any, source: Source) -> None:
        line = self._line(code, source)
        if line is None:
            return
        if line.target_of and isinstance(raw, dict):
            self._range_target(line, raw, source)
            return
        where, file = _where(code, source), source.file
        try:
            rate = parse_percent(raw) if line.target_of else None
            if rate is None and isinstance(raw, str) and "%" in raw:
                raise AmountError(f"{quote(raw)}: a percentage is allowed only for management targets")
        except AmountError as exc:
            self.refused.add(code)
            self.problems.append(Problem("bad-percent", file, str(exc), where,
                                         f"dollars or a percentage of line {line.target_of} such as \"5%\""
                                         if line.target_of else "an amount"))
            return
        self.sources[code] = source
        if rate is not None:
            self.percents[code] = rate
            self.targets[code] = {"form": "b", "percent": raw.strip().rstrip("%").strip()}
            return
        try:
            value = parse_amount(raw)
        except AmountError as exc:
            self.refused.add(code)
            self.problems.append(Problem("bad-amount", file, str(exc), where,
                                         "an amount such as 1443907046, \"1,443,907,046\" or \"(52,837,332)\""))
            return
        if value is None:
            return      # given as blank
        if not self._signed_right(line, value, raw, file, where):
            self.refused.add(code)
            return
        self.exact[code] = value
        self.amounts[code] = to_dollars(value)
        if line.target_of:
            self.targets[code] = {"form": "a", "dollars": self.amounts[code]}

    def _line(self, code: str, source: Source):
        """The form's amount line `code`, or None with a problem (unknown, computed, a name, given twice)."""
        rep, kind, where, file = self.rep, self.rep.kind, _where(code, source), source.file
        line = rep.lines.get(code)
        if line is None:
            owners = formdef.all_codes().get(code)
            if owners:
                self.problems.append(Problem("wrong-report-line", file, f"line {code} belongs to the "
                                             f"{', '.join(owners)} report, not {kind}", where,
                                             f"a line code of the {kind} form"))
            else:
                example = rep.amount_codes[0]
                self.problems.append(Problem("unknown-line", file, f"{quote(code)} is not a line code of any form", where,
                                             f"a line code of the {kind} form, such as {example}"))
            return None
        if line.kind == "computed":
            self.problems.append(Problem("computed-line", file, f"line {code} is computed "
                                         f"({line.formula.describe()}), it cannot be given", where,
                                         f"only the lines it is computed from: {', '.join(line.operands)}"))
            return None
        if line.kind == "text":
            self.problems.append(Problem("text-line", file, f"line {code} is a name field, not an amount", where,
                                         f"the name under names: {{{code}: ...}}"))
            return None
        if code in self.sources:
            self.problems.append(Problem("duplicate-line", file, f"line {code} is given twice (also in "
                                         f"{self.sources[code]})", where, "each line once, in the YAML or in the CSV"))
            return None
        return line

    def _range_target(self, line, raw: dict, source: Source) -> None:
        try:
            how, low, rate = _target(raw)
        except AmountError as exc:
            self.refused.add(line.code)
            self.problems.append(Problem("bad-target", source.file, str(exc), _where(line.code, source),
                                         "a. dollars, b. \"5%\", c. {range: [low, high]} or d. {percent_range: "
                                         "[\"5%\", \"8%\"]}"))
            return
        self.sources[line.code], self.targets[line.code] = source, how
        if rate is not None:
            self.percents[line.code] = rate
        else:
            self.exact[line.code], self.amounts[line.code] = low, to_dollars(low)

    def _signed_right(self, line, value: Decimal, raw, file: str, where: str) -> bool:
        if line.sign == "nonpositive" and value > 0:
            self.problems.append(Problem("wrong-sign", file, f"line {line.code} ({line.label}) is a deduction and "
                                         f"must not be positive, got {raw}", where, f"<= 0, e.g. -{raw} or ({raw})"))
            return False
        if line.sign == "nonnegative" and value < 0:
            self.problems.append(Problem("wrong-sign", file, f"line {line.code} ({line.label}) can never be "
                                         f"negative, got {raw}", where, ">= 0"))
            return False
        return True


def _where(code: str, source: Source) -> str:
    code = clip(code, 40)      # the key as the user gave it
    return f"line {code}, {source.where}" if source.where else f"line {code}"


def _rule_problems(rep, lines: Lines, file: str, problems: list[Problem], warnings: list[Problem],
                   retail_forex: bool = False) -> None:
    """The form's rules over the lines as given (cftc.yaml `rules`), on the exact amounts given (cents
    included): an offset 9 cents over its deficit is over it, whatever the rounding to dollars."""
    amounts, exact, percents, sources = lines.amounts, lines.exact, lines.percents, lines.sources

    def where(code):
        return f"line {code}, {sources[code].where}" if sources[code].where else f"line {code}"
    for offset, deficit, cite in rep.rules["offsets"]:
        off, gross = exact.get(offset), exact.get(deficit)
        if off and -off > (gross or 0):
            problems.append(Problem("offset-exceeds-deficit", file, f"line {offset} offsets {-off:,} of customer "
                                    f"securities against a gross deficit (line {deficit}) of {gross or 0:,} ({cite})",
                                    where(offset), f"|{offset}| <= {deficit}: at most {gross or 0:,}"))
    for m in rep.rules.get("minimums", ()):
        code, value = m["line"], exact.get(m["line"])
        least, cite = (m["retail_forex"], m["retail_forex_cite"]) if retail_forex else (m["at_least"], m["cite"])
        if value is not None and value < least:
            problems.append(Problem("below-rule-minimum", file, f"line {code} ({rep.lines[code].label}) is {value:,}, "
                                    f"below the {least:,} {cite} sets" + (" for an FCM in retail forex" if retail_forex
                                                                          else ""), where(code), f">= {least:,}"))
    severity = rep.rules["target_severity"]
    if not severity:
        return
    for st in rep.statements:
        target = next((ln for ln in st.lines if ln.target_of), None)
        if target is None or target.code in amounts or target.code in percents or target.code in lines.refused:
            continue
        active = [ln.code for ln in st.lines if ln.kind == "input" and not ln.target_of and amounts.get(ln.code)]
        if not active:
            continue
        problem = Problem("missing-target", file, f"no management target (line {target.code}) although the "
                          f"{st.short} statement has activity (lines {', '.join(active[:3])}{', ...' if len(active) > 3 else ''}); "
                          f"a written target is required ({rep.rules['target_cite']})", f"line {target.code}",
                          f"{target.code}: dollars, \"5%\" of line {target.target_of}, {{range: [low, high]}} or "
                          "{percent_range: [low%, high%]}")
        (problems if severity == "error" else warnings).append(problem)


def _extras(header: Header, rep, file: str, problems: list[Problem]) -> dict:
    """The optional inputs of the alerts, in whole dollars: sec_minimum_net_capital,
    planned_withdrawals, undermargined.<excess line>, withdrawals.<excess line>. A statement is named as
    the form definition names it (segregation, secured, cleared_swaps) or by its excess line."""
    found: dict = {}
    excess = {st.name: st.summary["excess"] for st in rep.statements if st.name and "excess" in st.summary}

    def amount(value, where):
        try:
            v = parse_amount(value)
        except AmountError as exc:
            problems.append(Problem("bad-amount", file, f"{where}: {exc}", where, "an amount"))
            return None
        if v is not None and v < 0:
            problems.append(Problem("wrong-sign", file, f"{where}: {value} is negative", where, ">= 0"))
            return None
        return None if v is None else to_dollars(v)
    for name in ("sec_minimum_net_capital", "planned_withdrawals", "retail_forex_obligation"):
        v = amount(getattr(header, name), name)
        if v is not None:
            found[name] = v
    for name in ("net_capital", "sec_net_capital"):         # net capital may be negative (insolvent)
        try:
            v = parse_amount(getattr(header, name))
        except AmountError as exc:
            problems.append(Problem("bad-amount", file, f"{name}: {exc}", name, "an amount"))
            continue
        if v is not None:
            found[name] = to_dollars(v)
    names = list(excess)
    for group in ("undermargined", "withdrawals"):
        for key, value in getattr(header, group).items():
            line = excess.get(str(key), str(key))
            if line not in excess.values():
                problems.append(Problem("bad-field", file, f"{group}: {quote(key)} is not a statement", f"{group}.{clip(key, 40)}",
                                        f"{', '.join(names[:-1])} or {names[-1]}" if len(names) > 1 else "none"))
                continue
            v = amount(value, f"{group}.{key}")
            if v is not None:
                found[f"{group}.{line}"] = v
    return found


def _code(key: Any) -> str:
    if isinstance(key, bool):
        return str(key)
    if isinstance(key, (int, Decimal)):
        return str(key)
    return str(key).strip().strip("[]").strip()


def _header_problems(exc: ValidationError, file: str, doc: dict) -> list[Problem]:
    found = []
    for err in exc.errors():
        # the tags of firm.address's two forms are no part of where the problem is
        if err["loc"][:2] == ("firm", "address") and len(err["loc"]) > 2:
            err["loc"] = err["loc"][:2] + err["loc"][3:]
        loc = ".".join(clip(str(p), 40) for p in err["loc"])   # a key is the user's: cut
        top = err["loc"][0] if err["loc"] else ""
        lines = getattr(doc, "lines", {})
        where = f"{loc} (yaml line {lines[top]})" if top in lines else loc
        etype = err["type"]
        if etype == "missing":
            found.append(Problem("missing-field", file, f"{loc} is missing", loc,
                                 {"report": "focus-ii or daily-seg", "as_of": "a date YYYY-MM-DD",
                                  "firm": "firm: {name: ...}", "firm.name": "the firm's name"}.get(loc, "a value")))
        elif etype == "extra_forbidden":
            known = YAML_KEYS if len(err["loc"]) == 1 else (
                "name, sec_file_no" if err["loc"][0] == "consolidated" else
                "name, sec_file_no, firm_id, address, contact" if len(err["loc"]) == 2 else
                "street, city, state, zip" if err["loc"][1] == "address" else "name, phone, email")
            found.append(Problem("unknown-key", file, f"unknown key {loc}", where,
                                 f"one of {', '.join(known) if isinstance(known, tuple) else known}"))
        elif loc == "report":
            found.append(Problem("unknown-report", file, f"report {quote(err.get('input'))} is not a report kind",
                                 where, "focus-ii or daily-seg"))
        elif loc in ("as_of", "period_begin", "submit_date"):
            msg = err.get("ctx", {}).get("error") or err["msg"]
            found.append(Problem("bad-date", file, f"{loc}: {msg}", where, "a real date YYYY-MM-DD"))
        else:
            found.append(Problem("bad-field", file, f"{loc}: {clip(err['msg'], 200)} (got {quote(err.get('input'))})", where,
                                 "see the input format in README.md"))
    return found


MAX_ORIGINAL_BYTES = 200 * 2**20       # as for any prior filing (extract.MAX_PRIOR_BYTES)


def _amendment(header: Header, yaml_file: Path, yname: str, problems: list[Problem], files: list,
               blobs: list, allow_outside: bool = False) -> Path | None:
    """An amended filing names its original (`amends:`, inside the input's folder) and says why
    (`reason:`); either without `filing_status: AMENDED`, or AMENDED without them, is an error. The
    original's bytes join the input's hash and the manifest: the amendment's list of changes rests on
    them. Comparing the lines is build's work (amend.py), once the filing is computed."""
    given = [k for k in ("amends", "reason") if getattr(header, k) is not None]
    if given and not header.amended:
        problems.append(Problem("amends-not-amended", yname, f"{' and '.join(given)} given, but filing_status is "
                                f"{quote(header.filing_status)}", "filing_status",
                                "filing_status: AMENDED with amends: and reason:, or neither"))
        return None
    if not header.amended:
        return None
    if header.amends is None:
        problems.append(Problem("amended-without-original", yname, "filing_status is AMENDED but amends: does "
                                "not name the original filing", "amends",
                                "amends: the original's built JSON (or its filed PDF or text), beside this input"))
    if header.reason is None or not header.reason.strip():
        problems.append(Problem("missing-field", yname, "an amended filing says why it is amended: reason: is "
                                "missing", "reason", "reason: one line saying what was corrected"))
    if header.amends is None:
        return None
    path = confined(yaml_file.parent, header.amends, "amends", yname, problems, allow_outside)
    if path is None:
        return None
    json_original = path.suffix.lower() == ".json"        # read as a filing JSON: never past its bound
    data = read_bytes(path, problems, MAX_FILING if json_original else MAX_ORIGINAL_BYTES,
                      expected="original filing (focusgen's JSON)" if json_original else "original filing")
    if data is None:
        return None
    files.append(path)
    blobs.append(data)
    return path


class _Loading:
    """One filing input being read, stage by stage: the YAML header (with its amendment), the sources
    of lines (a table, workbook cells, a trial balance through a mapping), the lines checked against the
    form, the form's rules; every problem collected on the way."""

    def __init__(self, path: Path, meta: Path | None, allow_outside: bool) -> None:
        self.problems: list[Problem] = Problems()
        self.files: list[Path] = []
        self.blobs: list[bytes] = []
        self.allow_outside = allow_outside
        self.table_file: Path | None = None
        self.amends: Path | None = None
        if is_table(path):
            if meta is None:
                raise InputProblems([Problem("missing-meta", str(path), "a table holds only ledger balances",
                                             expected="--meta FILE.yaml naming report, as_of and firm")])
            self.table_file, self.yaml_file = path, Path(meta)
        else:
            self.yaml_file = path
        self.yname = str(self.yaml_file)

    @property
    def example(self) -> str:
        """A line code of the input's form, for messages."""
        kind = self.doc.get("report") if self.doc.get("report") in formdef.REPORT_KINDS else formdef.REPORT_KINDS[0]
        return formdef.report(kind).amount_codes[0]

    def _read(self, path: Path, blob: bytes) -> None:
        self.files.append(path)
        self.blobs.append(blob)

    def _confined(self, given: str, field: str) -> Path | None:
        return confined(self.yaml_file.parent, given, field, self.yname, self.problems, self.allow_outside)

    # --- the header ------------------------------------------------------------------------------

    def header(self) -> Header | None:
        problems, yname = self.problems, self.yname
        doc, data = read_yaml(self.yaml_file, problems)
        self._read(self.yaml_file, data)
        if doc is None:
            raise InputProblems(problems)
        self.doc = doc
        try:
            header = Header.model_validate(doc)
        except ValidationError as exc:
            problems.extend(_header_problems(exc, yname, doc))
            return None
        if header.submit_date and header.submit_date < header.as_of:
            problems.append(Problem("bad-date", yname, f"submit_date {header.submit_date} is before as_of "
                                    f"{header.as_of}", "submit_date", "a submit date on or after the as-of date"))
        if header.period_begin and header.period_begin > header.as_of:
            problems.append(Problem("bad-date", yname, f"period_begin {header.period_begin} is after as_of "
                                    f"{header.as_of}", "period_begin", "period_begin on or before as_of"))
        self.amends = _amendment(header, self.yaml_file, yname, problems, self.files, self.blobs, self.allow_outside)
        return header

    # --- the sources of lines ----------------------------------------------------------------------

    def table(self, header: Header | None) -> tuple[list, dict]:
        """(rows of a table of balances, {code: (amount, where)} of workbook cells)."""
        cells: dict = {}
        sheet = None
        problems, yname = self.problems, self.yname
        if header and header.ledger:
            ledger = header.ledger if isinstance(header.ledger, Table) else Table(file=header.ledger)
            if self.table_file is not None:
                problems.append(Problem("bad-field", yname, "ledger: is given while building a table directly",
                                        "ledger", "one table of balances"))
            else:
                self.table_file = self._confined(ledger.file, "ledger")
                sheet = ledger.sheet
                if ledger.cells is not None:
                    cells = {_code(k): v for k, v in ledger.cells.items()}
                    if ledger.sheet is not None or not self.table_file or \
                            self.table_file.suffix.lower() not in (".xlsx", ".xlsm"):
                        problems.append(Problem("bad-field", yname, "ledger.cells names cells of a workbook "
                                                "(and goes without sheet:, each reference naming its own sheet)",
                                                "ledger.cells",
                                                f"file: BOOK.xlsx and cells: {{{self.example}: \"Sheet!C14\"}}"))
                        self.table_file, cells = None, {}
        if self.table_file is None:
            return [], {}
        if cells:
            return [], self._cells(cells)
        rows, data = read_table(self.table_file, problems, sheet=sheet)
        self._read(self.table_file, data)
        return rows, {}

    def _cells(self, cells: dict) -> dict:
        from .xlsx import CellError, Workbook
        found: dict = {}
        book = Workbook.open(self.table_file, self.problems)
        if book is None:
            return found
        with book:
            for code, cell in book.cells(cells, self.problems, self.yname).items():
                try:
                    found[code] = (cell.amount(), cell.where)
                except CellError as exc:
                    self.problems.append(Problem(exc.code, str(self.table_file), exc.message, f"line {code}",
                                                 exc.expected))
        self._read(self.table_file, book.data)
        return found

    def trial_balance(self, header: Header | None, rates: Rates) -> tuple[dict, dict, str]:
        """(line -> exact total, line -> postings, the trial balance's name) through the mapping."""
        problems, yname = self.problems, self.yname
        if not header:
            return {}, {}, ""
        if bool(header.trial_balance) != bool(header.mapping):
            problems.append(Problem("missing-field", yname, "trial_balance and mapping go together",
                                    "trial_balance" if not header.trial_balance else "mapping",
                                    "both trial_balance: and mapping:"))
            return {}, {}, ""
        if not header.trial_balance:
            return {}, {}, ""
        from .ledger import map_accounts
        tb_table = header.trial_balance if isinstance(header.trial_balance, Table) else Table(
            file=header.trial_balance)
        if tb_table.cells is not None:
            problems.append(Problem("bad-field", yname, "trial_balance.cells: a trial balance is a sheet of rows",
                                    "trial_balance.cells", "{file: tb.xlsx, sheet: TB}"))
        tb = self._confined(tb_table.file, "trial_balance")
        mp = self._confined(header.mapping, "mapping")
        if tb is None or mp is None:
            return {}, {}, tb_table.file
        mapped, postings, read = map_accounts(header.report, tb, mp, problems, rates, tb_table.sheet)
        for p, blob in read:
            self._read(p, blob)
        return mapped, postings, tb_table.file

    def adjusted_net_capital(self, header: Header | None) -> int | None:
        if not header or header.adjusted_net_capital is None:
            return None
        try:
            value = parse_amount(header.adjusted_net_capital)
            return to_dollars(value) if value is not None else None
        except AmountError as exc:
            self.problems.append(Problem("bad-amount", self.yname, f"adjusted_net_capital: {exc}",
                                         "adjusted_net_capital", "an amount"))
            return None

    # --- the form --------------------------------------------------------------------------------

    def report(self, header: Header | None):
        """The form revision covering the as-of date, whenever the report kind is known (even if other
        header fields are wrong), so that one run shows every problem."""
        kind = self.doc.get("report") if self.doc.get("report") in formdef.REPORT_KINDS else None
        rep = formdef.report(kind) if kind is not None else None
        if kind is not None and header is not None:
            try:
                rep = formdef.report(kind, header.as_of)
            except formdef.UnsupportedRevision as exc:
                self.problems.append(Problem("unsupported-revision", self.yname, str(exc), "as_of",
                                             f"an as-of date the form definition covers ({formdef.supported_dates()})"))
        return rep

    def lines(self, rep, rows: list, cell_values: dict, mapped: dict, postings: dict, tb_name: str) -> Lines:
        """Every line given, from the YAML, the table, the cells and the trial balance, in that order."""
        checked = Lines(rep, self.problems)
        lines = self.doc.get("lines")
        if lines is None:
            lines = {}
        if not isinstance(lines, dict):
            self.problems.append(Problem("bad-field", self.yname, f"lines is {type(lines).__name__}, not a mapping",
                                         "lines", f"lines: {{{rep.amount_codes[0]}: 1443907046, ...}}"))
            lines = {}
        key_lines = getattr(lines, "lines", {})
        for key, raw in lines.items():
            checked.check(_code(key), raw, Source(self.yname, f"yaml line {key_lines[key]}" if key in key_lines
                                                  else "", str(raw)))
        for code, raw, where, *_ in rows:
            checked.check(_code(code), raw, Source(str(self.table_file), where, str(raw)))
        for code, (raw, where) in cell_values.items():
            checked.check(code, raw, Source(str(self.table_file), where, str(raw)))
        for code, total in mapped.items():
            accounts = ", ".join(p.account for p in postings.get(code, ()))
            checked.check(code, total, Source(tb_name, f"mapped from accounts {accounts}", str(total)))
        return checked

    def header_against_form(self, header: Header | None, rep) -> None:
        """Names, describe texts, the registrant and cover boxes the report kind has."""
        problems, yname, kind = self.problems, self.yname, rep.kind
        for code, name in (header.names.items() if header else ()):
            code = _code(code)
            line = rep.lines.get(code)
            if line is None or line.kind != "text":
                texts = ", ".join(rep.text_codes) or "none on this form"
                problems.append(Problem("unknown-line", yname, f"names: {code} is not a name field of {kind}",
                                        f"names.{code}", f"one of {texts}"))
        row_label: dict[str, str] = {}       # each line's first row (by code: comparing Lines is slow)
        for s in rep.statements:
            for r in s.rows:
                for ln in r.lines:
                    row_label.setdefault(ln.code, r.label)
        describable = [c for c, ln in rep.lines.items() if "describe" in ln.label.lower() or "describe" in
                       row_label.get(c, "").lower()]
        for code in (header.describe if header else {}):
            if _code(code) not in describable:
                problems.append(Problem("unknown-line", yname, f"describe: {_code(code)} is not a \"(describe:)\" "
                                        f"line of {kind}", f"describe.{_code(code)}", f"one of {', '.join(describable)}"))
        if header and header.registrant is not None and header.registrant not in rep.form_names:
            problems.append(Problem("wrong-registrant", yname, f"registrant {header.registrant} does not file the "
                                    f"{kind} form" + (": an FCM that is not a broker-dealer files Form 1-FR-FCM"
                                                      if "fcm" not in rep.form_names else ""), "registrant",
                                    f"one of {', '.join(sorted(rep.form_names))}"))
        if header and rep.cover.get("pursuant") and "filed_pursuant_to" in header.model_fields_set:
            keys = [k for k, *_ in rep.cover["pursuant"]]
            if header.filed_pursuant_to not in keys:
                problems.append(Problem("bad-field", yname, f"filed_pursuant_to: the cover in force on {header.as_of} "
                                        f"({rep.revision}) has no {header.filed_pursuant_to!r} box", "filed_pursuant_to",
                                        f"one of {', '.join(keys)}"))
        spec = rep.cover.get("filed_by")
        if header and header.filed_by is not None:
            options = {k: bd for k, _, _, bd in spec["options"]} if spec else {}
            if not spec:
                problems.append(Problem("bad-field", yname, f"filed_by: the {kind} cover in force on {header.as_of} has "
                                        "no \"filed by a/an\" block", "filed_by", "no filed_by"))
            elif header.filed_by not in options:
                problems.append(Problem("bad-field", yname, f"filed_by: {header.filed_by!r} is not a box of the cover",
                                        "filed_by", f"one of {', '.join(options)}"))
            elif not options[header.filed_by]:
                problems.append(Problem("contradictory-registrant", yname, f"filed_by: {header.filed_by} is not a "
                                        "broker-dealer, but a FOCUS II with the CFTC pages is filed by a broker-dealer "
                                        "registered as an FCM", "filed_by",
                                        f"one of {', '.join(k for k, bd in options.items() if bd)}"))
        if header and "consolidated" not in rep.cover:
            for name in ("consolidated", "audited_report"):
                if name in header.model_fields_set:
                    problems.append(Problem("bad-field", yname, f"{name}: is a box of the FOCUS II cover; the "
                                            f"{kind} cover has none", name, "no such key on a Daily Seg input"))

    def duties(self, header: Header, rep, lines: Lines, warnings: list) -> None:
        """What the registrant and the inputs of the capital rules say together (contradictions refused by
        name), the attestations named, the filing's date on its calendar and its deadline."""
        problems, yname = self.problems, self.yname
        if header.registrant == "fcm":
            for name in ("sec_minimum_net_capital", "sec_net_capital"):
                if getattr(header, name) is not None:
                    problems.append(Problem("contradictory-registrant", yname, f"registrant: fcm (not a broker-dealer) "
                                            f"with {name}, a broker-dealer's figure under the SEC's rules", name,
                                            "registrant: bd-fcm, or no SEC figures"))
        for leg in (rep.capital or {}).get("early_warning", ()):
            name = leg["margin_based"]
            if name and getattr(header, name, False) and leg["line"] not in lines.amounts:
                problems.append(Problem("bad-field", yname, f"{name}: true says line {leg['line']} is a margin-based "
                                        f"requirement, but line {leg['line']} is not given", name,
                                        f"line {leg['line']} given, or {name}: false"))
        known = [a["id"] for a in rep.attest]
        for key in header.attest:
            if key not in known:
                problems.append(Problem("bad-field", yname, f"attest: {key!r} is not an event the {rep.kind} attests",
                                        f"attest.{key}", f"one of {', '.join(known)}"))
        if header.planned_withdrawal_date is not None and header.planned_withdrawals is None:
            problems.append(Problem("bad-field", yname, "planned_withdrawal_date without planned_withdrawals",
                                    "planned_withdrawal_date", "planned_withdrawals: the amount, with its date"))
        self.dates(header, rep, warnings)

    def dates(self, header: Header, rep, warnings: list):
        """The as-of date on the report's calendar (a daily statement is as of a business day, unless the
        input says why not) and the deadline the submit date is held to."""
        problems, yname, s = self.problems, self.yname, rep.schedule
        if header.business_day_reason is not None and (s is None or not s.daily):
            problems.append(Problem("bad-field", yname, f"business_day_reason: the {rep.kind} is not a daily "
                                    "statement", "business_day_reason", "no business_day_reason"))
        if s is None or any(p.code == "unsupported-revision" for p in problems):
            return None
        from ..calendar import MAX_YEAR, MIN_YEAR
        if not MIN_YEAR <= header.as_of.year <= MAX_YEAR or (header.submit_date and header.submit_date.year > MAX_YEAR):
            problems.append(Problem("bad-date", yname, f"as_of {header.as_of} is outside the years the business-day "
                                    f"calendar knows", "as_of", f"a date from {MIN_YEAR} to {MAX_YEAR}"))
            return None
        why = s.calendar.why_not(header.as_of)
        if s.daily and why:
            if header.business_day_reason is None:
                problems.append(Problem("not-a-business-day", yname, f"as_of {header.as_of} is not a business day "
                                        f"({why}): a daily statement is as of the close of each business day "
                                        f"({s.cite})", "as_of", "a business day, or business_day_reason: why a "
                                        "statement is made as of this day (e.g. the markets it covers were open)"))
            else:
                warnings.append(Finding("non-business-day", yname, f"as_of {header.as_of} is not a business day "
                                        f"({why}); made as of it because: {header.business_day_reason}", "as_of",
                                        severity=WARNING, cite=s.cite))
        due = s.due_for(header.as_of)
        if header.submit_date and due.missed_by(header.submit_date):
            warnings.append(Finding("late-filing", yname, f"submit_date {header.submit_date} is after the deadline: "
                                    f"due {due.rule}, {due.date.strftime('%m/%d/%Y')} {due.time} ({due.basis}; {s.cite})",
                                    "submit_date", f"on or before {due.date}", severity=WARNING, cite=s.cite))
        for note in rep.cover.get("unconfirmed", ()):
            warnings.append(Finding("unconfirmed-form", yname, note, "cover", severity=WARNING))
        return due

    def defaults(self, header: Header | None, rep, given: dict) -> dict:
        retail = bool(header and header.retail_forex)
        return {code: (line.default_retail_forex if retail and line.default_retail_forex else line.default)
                for code, line in rep.lines.items() if line.default is not None and code not in given}

    def digest(self) -> tuple[str, tuple]:
        digest = hashlib.sha256()
        for blob in self.blobs:
            digest.update(hashlib.sha256(blob).digest())
        return digest.hexdigest(), tuple((str(p), hashlib.sha256(b).hexdigest()) for p, b in zip(self.files, self.blobs))


def load_input(path: Path | str, meta: Path | str | None = None, allow_outside: bool = False) -> FilingInput:
    """Read and check a filing input. Raises InputProblems with every problem found. `allow_outside`:
    files the input names may lie outside its folder (--allow-outside-paths)."""
    loading = _Loading(Path(path), Path(meta) if meta is not None else None, allow_outside)
    header = loading.header()
    rows, cell_values = loading.table(header)
    rates = read_rates(header.fx, header.as_of, loading.yname, loading.problems) if header else Rates()
    mapped, postings, tb_name = loading.trial_balance(header, rates)
    anc = loading.adjusted_net_capital(header)
    rep = loading.report(header)
    lines, warnings, defaults, extras, due = None, [], {}, {}, None
    if rep is not None:
        lines = loading.lines(rep, rows, cell_values, mapped, postings, tb_name)
        loading.header_against_form(header, rep)
        _rule_problems(rep, lines, loading.yname, loading.problems, warnings, bool(header and header.retail_forex))
        defaults = loading.defaults(header, rep, lines.amounts)
        if header:
            extras = _extras(header, rep, loading.yname, loading.problems)
            loading.duties(header, rep, lines, warnings)
            due = rep.schedule.due_for(header.as_of) if rep.schedule is not None and not any(
                p.code in ("bad-date", "unsupported-revision") for p in loading.problems) else None
    if loading.problems:
        raise InputProblems(loading.problems)
    digest, file_hashes = loading.digest()
    return FilingInput(header=header, amounts=lines.amounts, exact=lines.exact, percents=lines.percents,
                       sources=lines.sources, files=tuple(loading.files), digest=digest, postings=postings,
                       file_hashes=file_hashes, adjusted_net_capital=anc, targets=lines.targets,
                       defaults=defaults, warnings=tuple(warnings), extras=extras, report=rep, rates=rates,
                       amends=loading.amends, due=due)
