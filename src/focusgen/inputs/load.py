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
from ..problems import InputProblems, Problem, Problems
from .currencies import Rates, read_rates
from .formats import confined, read_bytes, read_yaml
from .models import YAML_KEYS, FilingInput, Header, Source, Table
from .tables import is_table, read_table

# --- checking lines against the form ------------------------------------------------------------

def _target(raw: dict) -> tuple[dict, Decimal | None, Fraction | None]:
    """A residual-interest target given as c. {range: [low, high]} or d. {percent_range: [low, high]}:
    (how it was given, the lower dollar bound, the lower rate). The target line takes the lower bound."""
    if set(raw) == {"range"} and isinstance(raw["range"], list) and len(raw["range"]) == 2:
        low, high = (parse_amount(v) for v in raw["range"])
        if low is None or high is None or low < 0 or high < low:
            raise AmountError(f"range {raw['range']!r} is not [low, high] with 0 <= low <= high")
        return {"form": "c", "range": [to_dollars(low), to_dollars(high)]}, low, None
    if set(raw) == {"percent_range"} and isinstance(raw["percent_range"], list) and len(raw["percent_range"]) == 2:
        rates = [parse_percent(v) for v in raw["percent_range"]]
        if None in rates or rates[1] < rates[0]:
            raise AmountError(f"percent_range {raw['percent_range']!r} is not [\"low%\", \"high%\"] with low <= high")
        from ..money import fmt_percent
        return {"form": "d", "percent_range": [fmt_percent(r) for r in rates]}, None, rates[0]
    raise AmountError(f"{dict(raw)!r} is not a target: give dollars, \"5%\", {{range: [low, high]}} or "
                      "{percent_range: [\"5%\", \"8%\"]}")


def _check_line(rep, code: str, raw: Any, source: Source, problems: list[Problem],
                amounts: dict, exact: dict, percents: dict, sources: dict, targets: dict) -> None:
    kind = rep.kind
    where = f"line {code}, {source.where}" if source.where else f"line {code}"
    file = source.file
    line = rep.lines.get(code)
    if line is None:
        owners = formdef.all_codes().get(code)
        if owners:
            problems.append(Problem("wrong-report-line", file, f"line {code} belongs to the {', '.join(owners)} "
                                    f"report, not {kind}", where, f"a line code of the {kind} form"))
        else:
            problems.append(Problem("unknown-line", file, f"{code!r} is not a line code of any form", where,
                                    f"a line code of the {kind} form, such as 7010"))
        return
    if line.kind == "computed":
        problems.append(Problem("computed-line", file, f"line {code} is computed ({line.formula.describe()}), "
                                "it cannot be given", where, f"only the lines it is computed from: "
                                f"{', '.join(line.operands)}"))
        return
    if line.kind == "text":
        problems.append(Problem("text-line", file, f"line {code} is a name field, not an amount", where,
                                f"the name under names: {{{code}: ...}}"))
        return
    if code in sources:
        problems.append(Problem("duplicate-line", file, f"line {code} is given twice (also in {sources[code]})",
                                where, "each line once, in the YAML or in the CSV"))
        return
    if line.target_of and isinstance(raw, dict):
        try:
            how, low, rate = _target(raw)
        except AmountError as exc:
            problems.append(Problem("bad-target", file, str(exc), where, "a. dollars, b. \"5%\", c. {range: "
                                    "[low, high]} or d. {percent_range: [\"5%\", \"8%\"]}"))
            return
        sources[code], targets[code] = source, how
        if rate is not None:
            percents[code] = rate
        else:
            exact[code], amounts[code] = low, to_dollars(low)
        return
    try:
        rate = parse_percent(raw) if line.target_of else None
        if rate is None and isinstance(raw, str) and "%" in raw:
            raise AmountError(f"{raw!r}: a percentage is allowed only for management targets")
    except AmountError as exc:
        problems.append(Problem("bad-percent", file, str(exc), where,
                                f"dollars or a percentage of line {line.target_of} such as \"5%\""
                                if line.target_of else "an amount"))
        return
    sources[code] = source
    if rate is not None:
        percents[code] = rate
        targets[code] = {"form": "b", "percent": raw.strip().rstrip("%").strip()}
        return
    try:
        value = parse_amount(raw)
    except AmountError as exc:
        problems.append(Problem("bad-amount", file, str(exc), where,
                                "an amount such as 1443907046, \"1,443,907,046\" or \"(52,837,332)\""))
        return
    if value is None:
        return      # given as blank
    if line.sign == "nonpositive" and value > 0:
        problems.append(Problem("wrong-sign", file, f"line {code} ({line.label}) is a deduction and must not be "
                                f"positive, got {raw}", where, f"<= 0, e.g. -{raw} or ({raw})"))
        return
    if line.sign == "nonnegative" and value < 0:
        problems.append(Problem("wrong-sign", file, f"line {code} ({line.label}) can never be negative, got {raw}",
                                where, ">= 0"))
        return
    exact[code] = value
    amounts[code] = to_dollars(value)
    if line.target_of:
        targets[code] = {"form": "a", "dollars": amounts[code]}


def _rule_problems(rep, amounts: dict, percents: dict, sources: dict, file: str, problems: list[Problem],
                   warnings: list[Problem]) -> None:
    """The form's rules over the lines as given (cftc.yaml `rules`)."""
    for offset, deficit, cite in rep.rules["offsets"]:
        off, gross = amounts.get(offset), amounts.get(deficit)
        if off and -off > (gross or 0):
            problems.append(Problem("offset-exceeds-deficit", file, f"line {offset} offsets {-off:,} of customer "
                                    f"securities against a gross deficit (line {deficit}) of {gross or 0:,} ({cite})",
                                    f"line {offset}, {sources[offset].where}" if sources[offset].where else
                                    f"line {offset}", f"|{offset}| <= {deficit}: at most {gross or 0:,}"))
    severity = rep.rules["target_severity"]
    if not severity:
        return
    for st in rep.statements:
        target = next((ln for ln in st.lines if ln.target_of), None)
        if target is None or target.code in amounts or target.code in percents:
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


_STATEMENT_KEYS = {"segregation": "7190", "secured": "7380", "cleared_swaps": "8730"}


def _extras(header: Header, file: str, problems: list[Problem]) -> dict:
    """The optional inputs of the alerts, in whole dollars: sec_minimum_net_capital,
    planned_withdrawals, undermargined.<excess line>, withdrawals.<excess line>."""
    found: dict = {}

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
    for name in ("sec_minimum_net_capital", "planned_withdrawals"):
        v = amount(getattr(header, name), name)
        if v is not None:
            found[name] = v
    for group in ("undermargined", "withdrawals"):
        for key, value in getattr(header, group).items():
            line = _STATEMENT_KEYS.get(str(key), str(key))
            if line not in _STATEMENT_KEYS.values():
                problems.append(Problem("bad-field", file, f"{group}: {key!r} is not a statement", f"{group}.{key}",
                                        "segregation, secured or cleared_swaps"))
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
        loc = ".".join(str(p) for p in err["loc"])
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
            found.append(Problem("unknown-report", file, f"report {err.get('input')!r} is not a report kind",
                                 where, "focus-ii or daily-seg"))
        elif loc in ("as_of", "period_begin", "submit_date"):
            msg = err.get("ctx", {}).get("error") or err["msg"]
            found.append(Problem("bad-date", file, f"{loc}: {msg}", where, "a real date YYYY-MM-DD"))
        else:
            found.append(Problem("bad-field", file, f"{loc}: {err['msg']} (got {err.get('input')!r})", where,
                                 "see the input format in README.md"))
    return found


MAX_ORIGINAL_BYTES = 200 * 2**20       # as for any prior filing (extract.MAX_PRIOR_BYTES)


def _amendment(header: Header, yaml_file: Path, yname: str, problems: list[Problem], files: list,
               blobs: list) -> Path | None:
    """An amended filing names its original (`amends:`, inside the input's folder) and says why
    (`reason:`); either without `filing_status: AMENDED`, or AMENDED without them, is an error. The
    original's bytes join the input's hash and the manifest: the amendment's list of changes rests on
    them. Comparing the lines is build's work (amend.py), once the filing is computed."""
    given = [k for k in ("amends", "reason") if getattr(header, k) is not None]
    if given and not header.amended:
        problems.append(Problem("amends-not-amended", yname, f"{' and '.join(given)} given, but filing_status is "
                                f"{header.filing_status!r}", "filing_status",
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
    path = confined(yaml_file.parent, header.amends, "amends", yname, problems)
    if path is None:
        return None
    data = read_bytes(path, problems, MAX_ORIGINAL_BYTES, expected="original filing")
    if data is None:
        return None
    files.append(path)
    blobs.append(data)
    return path


def load_input(path: Path | str, meta: Path | str | None = None) -> FilingInput:
    """Read and check a filing input. Raises InputProblems with every problem found."""
    path = Path(path)
    problems: list[Problem] = Problems()
    files: list[Path] = []
    blobs: list[bytes] = []
    table_rows: list = []
    table_file: Path | None = None
    table_sheet: str | None = None

    if is_table(path):
        if meta is None:
            raise InputProblems([Problem("missing-meta", str(path), "a table holds only ledger balances",
                                         expected="--meta FILE.yaml naming report, as_of and firm")])
        table_file, yaml_file = path, Path(meta)
    else:
        yaml_file = path
    doc, data = read_yaml(yaml_file, problems)
    files.append(yaml_file)
    blobs.append(data)
    if doc is None:
        raise InputProblems(problems)
    yname = str(yaml_file)

    try:
        header = Header.model_validate(doc)
    except ValidationError as exc:
        problems.extend(_header_problems(exc, yname, doc))
        header = None
    if header and header.submit_date and header.submit_date < header.as_of:
        problems.append(Problem("bad-date", yname, f"submit_date {header.submit_date} is before as_of "
                                f"{header.as_of}", "submit_date", "a submit date on or after the as-of date"))
    if header and header.period_begin and header.period_begin > header.as_of:
        problems.append(Problem("bad-date", yname, f"period_begin {header.period_begin} is after as_of "
                                f"{header.as_of}", "period_begin", "period_begin on or before as_of"))

    amends = _amendment(header, yaml_file, yname, problems, files, blobs) if header else None

    cells: dict = {}
    if header and header.ledger:
        ledger = header.ledger if isinstance(header.ledger, Table) else Table(file=header.ledger)
        if table_file is not None:
            problems.append(Problem("bad-field", yname, "ledger: is given while building a table directly",
                                    "ledger", "one table of balances"))
        else:
            table_file = confined(yaml_file.parent, ledger.file, "ledger", yname, problems)
            table_sheet = ledger.sheet
            if ledger.cells is not None:
                cells = {_code(k): v for k, v in ledger.cells.items()}
                if ledger.sheet is not None or not table_file or table_file.suffix.lower() not in (".xlsx", ".xlsm"):
                    problems.append(Problem("bad-field", yname, "ledger.cells names cells of a workbook "
                                            "(and goes without sheet:, each reference naming its own sheet)",
                                            "ledger.cells", "file: BOOK.xlsx and cells: {7010: \"Sheet!C14\"}"))
                    table_file, cells = None, {}
    cell_values: dict = {}
    if table_file is not None and cells:
        from .xlsx import CellError, Workbook
        book = Workbook.open(table_file, problems)
        if book is not None:
            with book:
                for code, cell in book.cells(cells, problems, yname).items():
                    try:
                        cell_values[code] = (cell.amount(), cell.where)
                    except CellError as exc:
                        problems.append(Problem(exc.code, str(table_file), exc.message, f"line {code}",
                                                exc.expected))
            files.append(table_file)
            blobs.append(book.data)
    elif table_file is not None:
        table_rows, data = read_table(table_file, problems, sheet=table_sheet)
        files.append(table_file)
        blobs.append(data)

    amounts: dict[str, int] = {}
    exact: dict[str, Decimal] = {}
    percents: dict[str, Fraction] = {}
    sources: dict[str, Source] = {}
    postings: dict = {}
    mapped: dict[str, Decimal] = {}
    rates = read_rates(header.fx, header.as_of, yname, problems) if header else Rates()
    if header and bool(header.trial_balance) != bool(header.mapping):
        problems.append(Problem("missing-field", yname, "trial_balance and mapping go together",
                                "trial_balance" if not header.trial_balance else "mapping",
                                "both trial_balance: and mapping:"))
    elif header and header.trial_balance:
        from .ledger import map_accounts
        tb_table = header.trial_balance if isinstance(header.trial_balance, Table) else Table(
            file=header.trial_balance)
        if tb_table.cells is not None:
            problems.append(Problem("bad-field", yname, "trial_balance.cells: a trial balance is a sheet of rows",
                                    "trial_balance.cells", "{file: tb.xlsx, sheet: TB}"))
        tb = confined(yaml_file.parent, tb_table.file, "trial_balance", yname, problems)
        mp = confined(yaml_file.parent, header.mapping, "mapping", yname, problems)
        if tb is not None and mp is not None:
            mapped, postings, read = map_accounts(header.report, tb, mp, problems, rates, tb_table.sheet)
            for p, blob in read:
                files.append(p)
                blobs.append(blob)
    anc = None
    if header and header.adjusted_net_capital is not None:
        try:
            value = parse_amount(header.adjusted_net_capital)
            anc = to_dollars(value) if value is not None else None
        except AmountError as exc:
            problems.append(Problem("bad-amount", yname, f"adjusted_net_capital: {exc}", "adjusted_net_capital",
                                    "an amount"))
    lines = doc.get("lines")
    # Check the lines whenever the report kind is known, even if other header fields are wrong,
    # so that one run shows every problem.
    kind = doc.get("report") if doc.get("report") in formdef.REPORT_KINDS else None
    rep = formdef.report(kind) if kind is not None else None
    if kind is not None and header is not None:
        try:
            rep = formdef.report(kind, header.as_of)       # the revision covering the as-of date
        except formdef.UnsupportedRevision as exc:
            problems.append(Problem("unsupported-revision", yname, str(exc), "as_of",
                                    f"an as-of date the form definition covers ({formdef.supported_dates()})"))
    targets: dict = {}
    warnings: list[Problem] = []
    defaults: dict = {}
    extras: dict = {}
    if rep is not None:
        if lines is None:
            lines = {}
        if not isinstance(lines, dict):
            problems.append(Problem("bad-field", yname, f"lines is {type(lines).__name__}, not a mapping", "lines",
                                    "lines: {7010: 1443907046, ...}"))
            lines = {}
        key_lines = getattr(lines, "lines", {})
        for key, raw in lines.items():
            code = _code(key)
            src = Source(yname, f"yaml line {key_lines[key]}" if key in key_lines else "", str(raw))
            _check_line(rep, code, raw, src, problems, amounts, exact, percents, sources, targets)
        for code, raw, where, *_ in table_rows:
            _check_line(rep, _code(code), raw, Source(str(table_file), where, str(raw)), problems,
                        amounts, exact, percents, sources, targets)
        for code, (raw, where) in cell_values.items():
            _check_line(rep, code, raw, Source(str(table_file), where, str(raw)), problems,
                        amounts, exact, percents, sources, targets)
        for code, total in mapped.items():
            accounts = ", ".join(p.account for p in postings.get(code, ()))
            _check_line(rep, code, total, Source(tb_table.file, f"mapped from accounts {accounts}",
                                                 str(total)), problems, amounts, exact, percents, sources, targets)
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
                                                      if kind == "focus-ii" else ""), "registrant",
                                    f"one of {', '.join(sorted(rep.form_names))}"))
        if header and kind != "focus-ii":
            for name in ("consolidated", "audited_report"):
                if name in header.model_fields_set:
                    problems.append(Problem("bad-field", yname, f"{name}: is a box of the FOCUS II cover; the "
                                            f"{kind} cover has none", name, "no such key on a Daily Seg input"))
        _rule_problems(rep, amounts, percents, sources, yname, problems, warnings)
        retail = bool(header and header.retail_forex)
        for code, line in rep.lines.items():
            if line.default is not None and code not in amounts:
                defaults[code] = line.default_retail_forex if retail and line.default_retail_forex else line.default
        if header:
            extras = _extras(header, yname, problems)
    if problems:
        raise InputProblems(problems)
    digest = hashlib.sha256()
    for blob in blobs:
        digest.update(hashlib.sha256(blob).digest())
    file_hashes = tuple((str(p), hashlib.sha256(b).hexdigest()) for p, b in zip(files, blobs))
    return FilingInput(header=header, amounts=amounts, exact=exact, percents=percents, sources=sources,
                       files=tuple(files), digest=digest.hexdigest(), postings=postings,
                       file_hashes=file_hashes,
                       adjusted_net_capital=anc, targets=targets, defaults=defaults, warnings=tuple(warnings),
                       extras=extras, report=rep, rates=rates, amends=amends)
