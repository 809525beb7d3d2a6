"""Class 9 of issue 19: a message quotes a user's value cut to a bounded length, with its size stated.

A `bad-field` problem once printed the whole expanded value of a YAML alias: 3.9 MB of output from a
327-byte input. Every field focusgen may echo is drawn here with long, huge and expanding values (long
strings with other scripts and control characters, keys of a megabyte, alias bombs just under the
loader's limit, integers of thousands of digits, nested lists), in the YAML, in a CSV ledger, a trial
balance and its mapping, a prior filing's JSON and on the command line. Each is refused by name, exit 2,
nothing written, no traceback, and what is printed is bounded: no line past a few thousand
characters, no echo of more than a short cut of the value, and a cut value says how large it was.
"""

from __future__ import annotations

import json
import re

import pytest

from conftest import INPUTS
from drawn import alias_bomb, big_int, nested, rng, seeded, text, yaml_str
from focusgen.problems import MAX_FIELD, QUOTE, Problem, clip, quote

HEAD = "report: focus-ii\nas_of: 2020-11-30\nfirm: {name: ACME FUTURES LLC}\n"
BODY = "lines: {7010: 1}\n"

# Every place of an input whose value (V) or key (K) a problem may quote. Each template is a whole YAML
# input; a template with extra files names them (written beside it).
YAML_FIELDS = {
    "report": "report: @V@\nas_of: 2020-11-30\nfirm: {name: X}\n" + BODY,
    "as_of": "report: focus-ii\nas_of: @V@\nfirm: {name: X}\n" + BODY,
    "period_begin": HEAD + "period_begin: @V@\n" + BODY,
    "submit_date": HEAD + "submit_date: @V@\n" + BODY,
    "firm.name": "report: focus-ii\nas_of: 2020-11-30\nfirm: {name: @V@}\n" + BODY,
    "firm.sec_file_no": "report: focus-ii\nas_of: 2020-11-30\nfirm: {name: X, sec_file_no: @V@}\n" + BODY,
    "firm.firm_id": "report: focus-ii\nas_of: 2020-11-30\nfirm: {name: X, firm_id: @V@}\n" + BODY,
    "firm.address": "report: focus-ii\nas_of: 2020-11-30\nfirm: {name: X, address: @V@}\n" + BODY,
    "firm.address.zip": "report: focus-ii\nas_of: 2020-11-30\nfirm: {name: X, address: {zip: @V@}}\n" + BODY,
    "firm.address key": "report: focus-ii\nas_of: 2020-11-30\nfirm: {name: X, address: {@K@: a}}\n" + BODY,
    "firm.contact.email": "report: focus-ii\nas_of: 2020-11-30\nfirm: {name: X, contact: {email: @V@}}\n" + BODY,
    "firm key": "report: focus-ii\nas_of: 2020-11-30\nfirm: {name: X, @K@: 1}\n" + BODY,
    "top-level key": HEAD + "@K@: 1\n" + BODY,
    "filing_status": HEAD + "filing_status: @V@\n" + BODY,
    "filed_pursuant_to": HEAD + "filed_pursuant_to: @V@\n" + BODY,
    "registrant": HEAD + "registrant: @V@\n" + BODY,
    "retail_forex": HEAD + "retail_forex: @V@\n" + BODY,
    "audited_report": HEAD + "audited_report: @V@\n" + BODY,
    "line value": HEAD + "lines: {7010: @V@}\n",
    "line key": HEAD + "lines: {7010: 1, @K@: 1}\n",
    "target": HEAD + "lines: {7010: 1, 7194: @V@}\n",
    "target range": HEAD + "lines: {7010: 1, 7194: {range: @V@}}\n",
    "target percent_range": HEAD + "lines: {7010: 1, 7194: {percent_range: @V@}}\n",
    "target key": HEAD + "lines: {7010: 1, 7194: {@K@: 1}}\n",
    "names value": HEAD + BODY + "names: {7510: @V@}\n",
    "names key": HEAD + BODY + "names: {@K@: A}\n",
    "describe value": HEAD + BODY + "describe: {7150: @V@}\n",
    "describe key": HEAD + BODY + "describe: {@K@: A}\n",
    "adjusted_net_capital": HEAD + BODY + "adjusted_net_capital: @V@\n",
    "sec_minimum_net_capital": HEAD + BODY + "sec_minimum_net_capital: @V@\n",
    "planned_withdrawals": HEAD + BODY + "planned_withdrawals: @V@\n",
    "variance": HEAD + BODY + "variance: @V@\n",
    "variance.percent": HEAD + BODY + "variance: {percent: @V@}\n",
    "undermargined key": HEAD + BODY + "undermargined: {@K@: 1}\n",
    "undermargined value": HEAD + BODY + "undermargined: {segregation: @V@}\n",
    "withdrawals value": HEAD + BODY + "withdrawals: {secured: @V@}\n",
    "consolidated": HEAD + BODY + "consolidated: @V@\n",
    "consolidated name": HEAD + BODY + "consolidated: [{name: @V@}]\n",
    "amends": HEAD + BODY + "filing_status: AMENDED\nreason: r\namends: @V@\n",
    "reason": HEAD + BODY + "filing_status: AMENDED\namends: o.json\nreason: @V@\n",
    "ledger": HEAD + "ledger: @V@\n",
    "mapping": HEAD + "trial_balance: tb.csv\nmapping: @V@\n",
    "fx key": HEAD + "trial_balance: tb.csv\nmapping: map.yaml\nfx: {@K@: '1.1', as_of: 2020-11-30}\n",
    "fx rate": HEAD + "trial_balance: tb.csv\nmapping: map.yaml\nfx: {EUR: @V@, as_of: 2020-11-30}\n",
    "fx as_of": HEAD + "trial_balance: tb.csv\nmapping: map.yaml\nfx: {EUR: '1.1', as_of: @V@}\n",
    "fx allow_other_date": HEAD + "trial_balance: tb.csv\nmapping: map.yaml\nfx: {EUR: '1', as_of: 2020-11-30, "
                           "allow_other_date: @V@}\n",
    "fx source": HEAD + "trial_balance: tb.csv\nmapping: map.yaml\nfx: {EUR: '1', as_of: 2020-11-30, source: @V@}\n",
}
# the mapping's entries (map.yaml), with the trial balance tb.csv beside it
MAPPING_FIELDS = {
    "mapping account": "accounts:\n  - {account: @V@, line: 7010}\n",
    "mapping range": "accounts:\n  - {range: @V@, line: 7010}\n",
    "mapping pattern": "accounts:\n  - {pattern: @V@, line: 7010}\n",
    "mapping line": "accounts:\n  - {account: '1001', line: @V@}\n",
    "mapping flip": "accounts:\n  - {account: '1001', line: 7010, flip: @V@}\n",
    "mapping entry key": "accounts:\n  - {account: '1001', line: 7010, @K@: 1}\n",
}
# cells of a CSV (strings only: a cell is text)
CSV_FIELDS = {
    "ledger line cell": ("b.csv", "line,amount\n@C@,1\n"),
    "ledger amount cell": ("b.csv", "line,amount\n7010,@C@\n"),
    "tb account cell": ("tb.csv", "account,amount\n@C@,1\n"),
    "tb amount cell": ("tb.csv", "account,amount\n1001,@C@\n"),
    "tb currency cell": ("tb.csv", "account,amount,currency\n1001,1,@C@\n"),
}

SIZE = re.compile(r"\((about )?[\d,]+ (characters|digits)( in all)?\)|values\)|\(cut: [\d,]+ characters in all\)")


def _value(r, key: bool):
    """(the YAML text of a drawn value, the value as a string for echo checks, its kind)."""
    kinds = ["long", "long", "huge"] + ([] if key else ["bomb", "bigint", "nested"])
    kind = r.choice(kinds)
    if kind == "long":
        v = text(r, QUOTE + 1, 20_000)
        return yaml_str(v), v, kind
    if kind == "huge":
        v = text(r, 100_000, 2_000_000, control=False)
        return yaml_str(v), v, kind
    if kind == "bomb":
        src, _ = alias_bomb(r)
        return src, None, kind
    if kind == "bigint":
        v = big_int(r)
        return v, v, kind
    return nested(r), None, kind


def _bounded(status: int, err: str, echoed: str | None, label: str, may_pass: bool = False) -> None:
    assert status in ((0, 1, 2) if may_pass else (1, 2)), (label, status, err[-2000:])
    assert "Traceback" not in err, label
    lines = err.splitlines() or [""]
    assert lines != [""] or may_pass, label
    # every field of a finding at most MAX_FIELD characters (a control character printed as an escape
    # takes up to 6): a line of file, where, message and expected stays within a few thousand
    assert max(map(len, lines)) <= 4 * 6 * MAX_FIELD, (label, max(map(len, lines)))
    assert len(err) <= 210 * 4 * 6 * MAX_FIELD, label
    if echoed is not None and len(echoed) > MAX_FIELD + 200:
        assert echoed[:MAX_FIELD + 200] not in err, label        # never the whole long value
    if echoed is not None and len(echoed) > QUOTE + 20 and echoed[:30].isprintable() and echoed[:30] in err:
        assert SIZE.search(err), (label, err[:3000])             # a cut value says how large it was


def _files(tmp_path):
    (tmp_path / "tb.csv").write_text("account,amount\n1001,5\n")
    (tmp_path / "map.yaml").write_text("accounts:\n  - {account: '1001', line: 7010}\n")
    (tmp_path / "o.json").write_text("{}")


CASES = 3       # drawn values per field (about 200 cases in all)


@pytest.mark.parametrize("field", sorted(YAML_FIELDS))
def test_yaml_fields_are_echoed_bounded(run, tmp_path, field):
    r = rng(f"messages:{field}")
    template = YAML_FIELDS[field]
    _files(tmp_path)
    for i in range(CASES):
        src, echoed, kind = _value(r, key="@K@" in template)
        path = tmp_path / f"in{i}.yaml"
        path.write_text(template.replace("@V@", src).replace("@K@", src))
        status, _, err = run("build", path, "--out", tmp_path / "o", "--format", "json")
        _bounded(status, err, echoed, seeded(f"{field} #{i} ({kind})"))
        assert not (tmp_path / "o").exists()


@pytest.mark.parametrize("field", sorted(MAPPING_FIELDS))
def test_mapping_fields_are_echoed_bounded(run, tmp_path, field):
    r = rng(f"messages:{field}")
    _files(tmp_path)
    path = tmp_path / "in.yaml"
    path.write_text(HEAD + "trial_balance: tb.csv\nmapping: map.yaml\n")
    template = MAPPING_FIELDS[field]
    for i in range(CASES):
        src, echoed, kind = _value(r, key="@K@" in template)
        (tmp_path / "map.yaml").write_text(template.replace("@V@", src).replace("@K@", src))
        status, _, err = run("build", path, "--out", tmp_path / "o", "--format", "json")
        _bounded(status, err, echoed, seeded(f"{field} #{i} ({kind})"))


def _csv_cell(value: str) -> str:
    return '"' + value.replace('"', '""') + '"'


@pytest.mark.parametrize("field", sorted(CSV_FIELDS))
def test_table_cells_are_echoed_bounded(run, tmp_path, field):
    r = rng(f"messages:{field}")
    name, template = CSV_FIELDS[field]
    _files(tmp_path)
    path = tmp_path / "in.yaml"
    path.write_text(HEAD + ("ledger: b.csv\n" if name == "b.csv" else "trial_balance: tb.csv\nmapping: map.yaml\n"
                            "fx: {EUR: '1.1', as_of: 2020-11-30}\n"))
    for i in range(CASES):
        value = text(r, QUOTE + 1, 200_000) if i else text(r, 1_000_000, 3_000_000, control=False)
        value = value.replace("\x00", "")           # a NUL makes the file not text (refused, nothing echoed)
        (tmp_path / name).write_text(template.replace("@C@", _csv_cell(value)))
        status, _, err = run("build", path, "--out", tmp_path / "o", "--format", "json")
        _bounded(status, err, value, seeded(f"{field} #{i}"))


@pytest.mark.parametrize("option", ["--as-of", "--percent", "explain line", "--format", "--dollars"])
def test_options_are_echoed_bounded(capsys, tmp_path, option, monkeypatch):
    from focusgen.cli import main
    monkeypatch.chdir(tmp_path)
    r = rng(f"messages:{option}")
    yaml_in = str(INPUTS / "2020-11.yaml")
    for i in range(CASES):
        value = text(r, QUOTE + 1, 100_000).lstrip("-") or "x"
        argv = {"--as-of": ["disclose", str(tmp_path), "--out", str(tmp_path / "p"), "--as-of", value],
                "--percent": ["diff", yaml_in, yaml_in, "--percent", value],
                "explain line": ["explain", yaml_in, value],
                "--format": ["build", yaml_in, "--format", value],
                "--dollars": ["diff", yaml_in, yaml_in, "--dollars", value]}[option]
        try:
            status = main(argv)
        except SystemExit as exc:              # argparse refuses a malformed option itself: usage, exit 2
            status = exc.code
        err = capsys.readouterr().err
        _bounded(status, err, value, seeded(f"{option} #{i}"))
        assert list(tmp_path.iterdir()) == []


JSON_FIELDS = ("report", "as_of", "form", "firm.name", "filing_status", "lines key", "lines value", "top key")


@pytest.mark.parametrize("field", JSON_FIELDS)
def test_a_prior_json_is_echoed_bounded(run, tmp_path, field):
    out = tmp_path / "built"
    assert run("build", INPUTS / "2020-11.yaml", "--out", out, "--format", "json")[0] == 0
    good = json.loads((out / "2020-11.json").read_text())
    r = rng(f"messages:json:{field}")
    for i in range(CASES):
        value = text(r, QUOTE + 1, 2_000_000 if i == 0 else 50_000)
        doc = json.loads(json.dumps(good))
        if field == "firm.name":
            doc["firm"]["name"] = value
        elif field == "lines key":
            doc["lines"][value] = 1
        elif field == "lines value":
            doc["lines"]["7010"] = value
        elif field == "top key":
            doc[value] = {"x": [value]}
            doc["report"] = [value]
        else:
            doc[field] = value
        (tmp_path / "prior.json").write_text(json.dumps(doc))
        status, _, err = run("check", INPUTS / "2020-11.yaml", "--against", tmp_path / "prior.json")
        # a line code no form has is passed over (a later focusgen may add lines): nothing to echo
        _bounded(status, err, value, seeded(f"json {field} #{i}"), may_pass=field == "lines key")


# --- the helpers themselves, and the reported example -------------------------------------------

def test_the_alias_bomb_that_printed_four_megabytes(run, tmp_path):
    # the example, 327 bytes: a firm name that expands to 531,441 strings through aliases
    bomb = "".join(f"{c}: &{c} [" + ", ".join([f"*{p}"] * 9 if p else ['"lol"'] * 9) + "]\n"
                   for p, c in zip(["", "a", "b", "c", "d", "e"], "abcdef"))
    path = tmp_path / "bomb.yaml"
    path.write_text(bomb + "report: focus-ii\nas_of: 2020-11-30\nfirm: {name: *f}\nlines: {7010: 1}\n")
    assert len(path.read_bytes()) < 400
    status, _, err = run("build", path, "--out", tmp_path / "o", "--format", "json")
    assert status == 2 and "error[bad-field]" in err and "firm.name" in err
    assert len(err.encode()) < 10_000, len(err.encode())          # was 5.8 MB
    assert "(list of more than 100,000 values)" in err


def test_quote_by_hand():
    assert quote("abc") == "'abc'"
    assert quote("x" * 81) == repr("x" * 80) + "… (81 characters)"
    assert quote(["a"] * 3) == "['a', 'a', 'a']"
    assert quote(list(range(20))) == "[0, 1, 2, 3, ...] (list of 21 values)"       # the list and its 20 items
    assert quote(10**50) == "1" + "0" * 19 + "…" + "0" * 10 + " (51 digits)"
    assert quote(-(10**5000)).startswith("an integer of about 5,000 digits")
    assert quote({"k": "v"}) == "{'k': 'v'}"
    assert quote(None) == "None" and quote(True) == "True"
    assert clip("y" * 1001) == "y" * 1000 + "… (cut: 1,001 characters in all)"
    assert clip("short") == "short"


def test_every_finding_field_is_held_to_its_bound():
    r = rng("messages:finding")
    for _ in range(50):
        parts = [text(r, 0, 5000) for _ in range(4)]
        p = Problem("x", parts[0], parts[1], parts[2], parts[3])
        for got, given in zip((p.file, p.message, p.where, p.expected), parts):
            assert got == given if len(given) <= MAX_FIELD else (
                got.startswith(given[:MAX_FIELD]) and got.endswith(f"(cut: {len(given):,} characters in all)"))


def test_at_a_terminal(tmp_path):
    from ptyrun import run as pty_run
    r = rng("messages:pty")
    src, _ = alias_bomb(r)
    (tmp_path / "bomb.yaml").write_text(HEAD.replace("{name: ACME FUTURES LLC}", "{name: " + src + "}") + BODY)
    (tmp_path / "long.yaml").write_text(HEAD + "lines: {7010: 1, " + yaml_str(text(r, 100_000, 200_000)) + ": 1}\n")
    for name in ("bomb.yaml", "long.yaml"):
        for mode in ({"cols": 80}, {"cols": 80, "pipe_stdout": True}, {"cols": 200, "env": {"NO_COLOR": "1"}}):
            ran = pty_run(["build", name, "--out", "o", "--format", "json"], cwd=tmp_path, timeout=120, **mode)
            assert ran.status == 2 and "Traceback" not in ran.text and ran.cursor_restored
            assert len(ran.screen) < 20_000, (name, len(ran.screen))
            assert not (tmp_path / "o").exists()
