"""Hostile inputs, class by class (issue 9): amounts are read as the digits the user wrote or refused by
name, never silently read as another number; arithmetic is exact at any size."""

import json
import os
from decimal import Decimal

import pytest

from focusgen.money import AmountError, parse_amount, to_dollars

HEAD = "report: focus-ii\nas_of: 2020-11-30\nfirm: {name: ACME FUTURES LLC}\n"


def build(run, tmp_path, text, name="in.yaml"):
    path = tmp_path / name
    path.write_text(text)
    out = tmp_path / "out"
    status, stdout, err = run("build", path, "--out", out, "--format", "json")
    data = json.loads((out / f"{path.stem}.json").read_text()) if status == 0 else None
    return status, err, data, out


# --- YAML 1.1 number forms: the digits as written, or refused by name -------------------------------

@pytest.mark.parametrize("written,dollars", [
    ("0001500", 1500),          # YAML 1.1 reads it as octal 832
    ("017", 17),                # octal 15
    ("0000", 0),
    ("-0042", -42),
    ("+25", 25),
    ("00012.50", 13),           # half up
    ("'0001500'", 1500),
])
def test_leading_zeros_are_decimal(run, tmp_path, written, dollars):
    line = "7020" if not written.lstrip("'").startswith("-") else "7033"
    status, err, data, _ = build(run, tmp_path, HEAD + f"lines:\n  7010: 1\n  {line}: {written}\n")
    assert status == 0, err
    assert data["lines"][line] == dollars


@pytest.mark.parametrize("written", [
    "1:30",          # sexagesimal 90
    "1:30.5",
    "0x10",          # hex 16
    "0o17",
    "0b11",          # binary 3
    "1_000",         # underscores
    "1_000.50",
    ".inf", "-.inf", "+.inf", ".nan", ".NaN",
    "1e3", "1.5e3", "1.5e+3",
    "true", "false", "yes", "no", "on", "off",
    "'1.2.3'", "'--5'", "'(5'", "'$-'",
])
def test_other_number_forms_are_refused_by_name(run, tmp_path, written):
    status, err, data, out = build(run, tmp_path, HEAD + f"lines:\n  7010: 1\n  7020: {written}\n")
    assert status == 2, err
    assert "error[bad-amount]" in err and "line 7020" in err
    assert "Traceback" not in err and not out.exists()


@pytest.mark.parametrize("written,fragment", [
    ("10000000000000000000000000000", "or more"),              # 10^28
    ("1000000000000000", "or more"),                           # 10^15: the limit itself
    ("-1000000000000000", "or more"),
    ("1" * 5000, "too long"),                                  # over Python's 4,300-digit int limit
    ("'" + "9" * 5000 + "'", "too long"),
    ("0." + "1" * 61, "digits after the decimal point"),
])
def test_absurd_magnitudes_are_named_errors(run, tmp_path, written, fragment):
    status, err, data, out = build(run, tmp_path, HEAD + f"lines:\n  7010: 1\n  7020: {written}\n")
    assert status == 2 and "error[bad-amount]" in err and fragment in err, err
    assert "Traceback" not in err


def test_largest_amount_below_the_limit_is_exact(run, tmp_path):
    status, err, data, _ = build(run, tmp_path, HEAD + "lines:\n  7010: 999999999999999\n  7020: 1\n")
    assert status == 0, err
    assert data["lines"]["7040"] == 1000000000000000        # 7010 + 7020 = 999,999,999,999,999 + 1, by hand


# --- exact decimal arithmetic beyond 28 digits ---------------------------------------------------

NEAR_HALF = "0." + "4" + "9" * 28        # 29 significant digits, just under a half


@pytest.mark.parametrize("text,dollars", [
    (NEAR_HALF, 0),
    ("(" + NEAR_HALF + ")", 0),            # the 28-digit default context made this -0.5 and then -1
    ("-" + NEAR_HALF, 0),
    ("0." + "5" + "0" * 40, 1),
    ("(0." + "5" + "0" * 40 + ")", -1),
    ("12345678901234." + "4" + "9" * 40, 12345678901234),
])
def test_rounding_is_exact_at_any_length(text, dollars):
    assert to_dollars(parse_amount(text)) == dollars


def test_trial_balance_sums_of_long_amounts_are_exact(run, tmp_path):
    # three balances with 34 significant digits each; their exact sum, by hand:
    #   123456789012345.0000000000000000001
    # + 123456789012345.0000000000000000001
    # + 123456789012345.4999999999999999997  (flipped: a credit)
    # 123456789012345 * 3 = 370370367037035; fractions .0...01 + .0...01 - .4999...97 -> as a debit total
    # 370370367037035.4999999999999999999 -> rounds half up to 370,370,367,037,035.
    # Under a 28-digit context the last addend alone rounds to ...345.5000000000000 and the total to ...036.
    tb = ("account,amount\n"
          "1001,123456789012345.0000000000000000001\n"
          "1002,123456789012345.0000000000000000001\n"
          "1003,123456789012345.4999999999999999997\n")
    mapping = "accounts:\n  - {range: [\"1001\", \"1003\"], line: 7010}\n"
    (tmp_path / "tb.csv").write_text(tb)
    (tmp_path / "map.yaml").write_text(mapping)
    status, err, data, _ = build(run, tmp_path, HEAD + "trial_balance: tb.csv\nmapping: map.yaml\n")
    assert status == 0, err
    assert data["lines"]["7010"] == 370370367037035


# --- account numbers are text ------------------------------------------------------------------

def test_unquoted_mapping_range_keeps_leading_zeros(run, tmp_path):
    # [0100, 0199] once became 64-199 and swept in account 0080
    (tmp_path / "tb.csv").write_text("account,amount\n0080,500\n0150,700\n")
    (tmp_path / "map.yaml").write_text("accounts:\n  - {range: [0100, 0199], line: 7010}\n")
    status, err, data, out = build(run, tmp_path, HEAD + "trial_balance: tb.csv\nmapping: map.yaml\n")
    assert status == 2 and "error[unmapped-account]" in err and "0080" in err, err


def test_unquoted_account_keeps_leading_zeros(run, tmp_path):
    (tmp_path / "tb.csv").write_text("account,amount\n0080,500\n80,7\n")
    (tmp_path / "map.yaml").write_text("accounts:\n  - {account: 0080, line: 7010}\n  - {account: 80, line: 7070}\n")
    status, err, data, _ = build(run, tmp_path, HEAD + "trial_balance: tb.csv\nmapping: map.yaml\n")
    assert status == 0, err
    assert data["lines"]["7010"] == 500 and data["lines"]["7070"] == 7


@pytest.mark.parametrize("entry", ["line:", "line: ~", "line: null", "line: ''", "line: '  '"])
def test_an_empty_mapping_line_is_an_error_not_a_drop(run, tmp_path, entry):
    (tmp_path / "tb.csv").write_text("account,amount\n1001,500\n")
    (tmp_path / "map.yaml").write_text("accounts:\n  - account: '1001'\n    " + entry + "\n")
    status, err, data, out = build(run, tmp_path, HEAD + "trial_balance: tb.csv\nmapping: map.yaml\n")
    assert status == 2 and "error[bad-mapping]" in err and "left empty" in err, err


def test_explicit_none_leaves_a_balance_off(run, tmp_path):
    (tmp_path / "tb.csv").write_text("account,amount\n1001,500\n1002,9\n")
    (tmp_path / "map.yaml").write_text("accounts:\n  - {account: '1001', line: none}\n"
                                       "  - {account: '1002', line: 7010}\n")
    status, err, data, _ = build(run, tmp_path, HEAD + "trial_balance: tb.csv\nmapping: map.yaml\n")
    assert status == 0, err
    assert data["lines"]["7010"] == 9


def test_text_fields_keep_what_was_written(run, tmp_path):
    status, err, data, _ = build(run, tmp_path, "report: focus-ii\nas_of: 2020-11-30\n"
                                 "firm: {name: NO, firm_id: 0019585, sec_file_no: 8-041562}\nlines: {7010: 1}\n")
    assert status == 0, err
    assert data["firm"]["name"] == "NO" and data["firm"]["firm_id"] == "0019585"


@pytest.mark.parametrize("value", [True, 1.5, [1], {"a": 1}, Decimal("NaN"), Decimal("Infinity")])
def test_parse_amount_refuses_non_amounts(value):
    with pytest.raises(AmountError):
        parse_amount(value)


# --- the general-ledger mapping scales near-linearly and finds exactly what Rule.matches finds -----

from hypothesis import given, settings, strategies as st  # noqa: E402

from focusgen.inputs.ledger import Matcher, Rule  # noqa: E402

_acct = st.text(alphabet="0123456789AB-", min_size=1, max_size=4)


@st.composite
def _rules(draw):
    rules = []
    for n in range(1, draw(st.integers(0, 12)) + 1):
        kind = draw(st.sampled_from(["account", "range", "pattern"]))
        if kind == "account":
            rules.append(Rule(n, "7010", False, account=draw(_acct)))
        elif kind == "pattern":
            rules.append(Rule(n, "7010", False, pattern=draw(st.text(alphabet="0123456789A*?", min_size=1,
                                                                       max_size=4))))
        else:
            a, b = sorted([draw(_acct), draw(_acct)])
            rules.append(Rule(n, "7010", False, low=a, high=b))
    return rules


@settings(max_examples=300, deadline=None)
@given(_rules(), st.lists(_acct, max_size=30, unique=True))
def test_matcher_finds_what_each_rule_matches(rules, accounts):
    # the reference is Rule.matches, one rule at a time: accounts x rules
    expected = {a: [r.number for r in rules if r.matches(a)] for a in accounts}
    found = Matcher(rules).match(accounts)
    for a in accounts:
        got = [r.number for r in found.get(a, [])]
        if len(expected[a]) <= 1:
            assert got == expected[a], a
        else:
            assert len(got) >= 2 and set(got) <= set(expected[a]), a


def test_a_hundred_thousand_accounts_each_with_its_own_entry(tmp_path):
    import subprocess
    import sys
    n = 100_000
    (tmp_path / "tb.csv").write_text("account,amount\n" + "".join(f"{100000 + i},1\n" for i in range(n)))
    (tmp_path / "map.yaml").write_text("accounts:\n" + "".join(
        f"  - {{account: '{100000 + i}', line: 7010}}\n" if i % 2 else
        f"  - {{range: ['{100000 + i}', '{100000 + i}'], line: 7020}}\n" for i in range(n)))
    (tmp_path / "in.yaml").write_text(HEAD + "trial_balance: tb.csv\nmapping: map.yaml\n")
    # a bound against the accounts x entries behaviour (minutes), not a speed target: see benchmarks/
    proc = subprocess.run([sys.executable, "-m", "focusgen.cli", "build", str(tmp_path / "in.yaml"), "--out",
                           str(tmp_path / "out"), "--format", "json", "--quiet"],
                          capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    data = json.loads((tmp_path / "out" / "in.json").read_text())
    assert data["lines"]["7010"] == n // 2 and data["lines"]["7020"] == n // 2


# --- malformed focusgen-like JSON given to extract, check, diff and --history ----------------------

GOOD_JSON = None


def _good_json(run, tmp_path):
    out = tmp_path / "built"
    assert run("build", INPUTS_DIR / "2020-11.yaml", "--out", out, "--format", "json")[0] == 0
    return json.loads((out / "2020-11.json").read_text())


from conftest import INPUTS as INPUTS_DIR  # noqa: E402

MALFORMED = {
    "syntax": lambda d: "{",
    "deep nesting": lambda d: "[" * 100000 + "]" * 100000,
    "5,000-digit integer": lambda d: json.dumps(d).replace('"7010": 1443907046', '"7010": ' + "9" * 5000),
    "huge integer": lambda d: json.dumps(d).replace('"7010": 1443907046', '"7010": ' + "9" * 40),
    "float amount": lambda d: json.dumps(d).replace('"7010": 1443907046', '"7010": 1.5'),
    "NaN": lambda d: json.dumps(d).replace('"7010": 1443907046', '"7010": NaN'),
    "lines a list": lambda d: json.dumps({**d, "lines": [1, 2]}),
    "uncoded a list": lambda d: json.dumps({**d, "uncoded": [1]}),
    "names a list": lambda d: json.dumps({**d, "names": [1]}),
    "as_of a number": lambda d: json.dumps({**d, "as_of": 20201130}),
    "firm name a list": lambda d: json.dumps({**d, "firm": {"name": ["x"]}}),
    "report unknown": lambda d: json.dumps({**d, "report": "focus-iii"}),
    "top level a list": lambda d: "[]",
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
@pytest.mark.parametrize("command", ["extract", "check", "diff", "history"])
def test_malformed_json_is_a_named_error(run, tmp_path, case, command):
    doc = _good_json(run, tmp_path)
    bad = tmp_path / "bad.json"
    bad.write_text(MALFORMED[case](doc))
    if command == "extract":
        status, _, err = run("extract", bad)
    elif command == "check":
        status, _, err = run("check", INPUTS_DIR / "2020-11.yaml", "--against", bad)
    elif command == "diff":
        status, _, err = run("diff", INPUTS_DIR / "2020-11.yaml", bad)
    else:
        hist = tmp_path / "hist"
        hist.mkdir()
        (hist / "bad.json").write_text(MALFORMED[case](doc))
        os.mkfifo(hist / "fifo.json")
        status, _, err = run("build", INPUTS_DIR / "2020-11.yaml", "--out", tmp_path / "o", "--format",
                             "json,review", "--history", hist)
        assert status == 0, err          # history only draws charts: what is not a built JSON is passed over
        return
    assert status == 2, err
    assert "error[" in err and "Traceback" not in err


# --- paths stay inside the input's folder ----------------------------------------------------

@pytest.mark.parametrize("field", ["ledger", "trial_balance", "mapping"])
@pytest.mark.parametrize("kind", ["dotdot", "absolute", "symlink"])
def test_paths_outside_the_input_folder_are_refused(run, tmp_path, field, kind):
    inside = tmp_path / "in"
    inside.mkdir()
    secret = tmp_path / "secret.csv"
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n")
    if kind == "dotdot":
        given = "../secret.csv"
    elif kind == "absolute":
        given = str(secret)
    else:
        (inside / "link.csv").symlink_to(secret)
        given = "link.csv"
    other = {"ledger": "", "trial_balance": "mapping: map.yaml\n", "mapping": "trial_balance: tb.csv\n"}[field]
    (inside / "map.yaml").write_text("accounts: []\n")
    (inside / "tb.csv").write_text("account,amount\n")
    (inside / "x.yaml").write_text(HEAD + f"{field}: {given}\n" + other)
    status, _, err = run("build", inside / "x.yaml", "--out", tmp_path / "o", "--format", "json")
    assert status == 2 and "error[path-outside]" in err and field in err
    assert "root:x" not in err                                  # never echoes a file that is not an input
    status, _, err = run("build", inside / "x.yaml", "--out", tmp_path / "o", "--format", "json",
                         "--allow-outside-paths")
    assert "error[path-outside]" not in err and "root:x" not in err


def test_a_ledger_in_a_subfolder_is_fine(run, tmp_path):
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.csv").write_text("line,amount\n7010,5\n")
    status, err, data, _ = build(run, tmp_path, HEAD + "ledger: sub/b.csv\n")
    assert status == 0, err and data["lines"]["7010"] == 5


# --- accepted nonsense, refused by name ---------------------------------------------------------

@pytest.mark.parametrize("text,code,fragment", [
    ("report: focus-ii\nas_of: 2020-11-30\nfirm: {name: ''}\nlines: {7010: 1}\n", "bad-field", "empty"),
    ("report: focus-ii\nas_of: 2020-11-30\nfirm: {name: '   '}\nlines: {7010: 1}\n", "bad-field", "empty"),
    ("report: focus-ii\nas_of: 2020-11-30\nfirm: {name: \"A\\nEnd Date:1/1/2000\"}\nlines: {7010: 1}\n", "bad-field",
     "control character"),
    ("report: focus-ii\nas_of: 2020-11-30\nfirm: {name: \"A\\tB\"}\nlines: {7010: 1}\n", "bad-field", "control"),
    ("report: focus-ii\nas_of: 2020-11-30\nfirm: {name: \"A\\u001b[31mB\"}\nlines: {7010: 1}\n", "bad-field", "control"),
    ("report: focus-ii\nas_of: 2020-11-30\nfirm: {name: X, contact: {name: \"a\\rb\"}}\nlines: {7010: 1}\n",
     "bad-field", "control"),
    ("report: focus-ii\nas_of: 2020-11-30\nfirm: {name: '" + "N" * 201 + "'}\nlines: {7010: 1}\n", "bad-field",
     "at most 200"),
    ("report: focus-ii\nas_of: 0001-01-01\nfirm: {name: X}\nlines: {7010: 1}\n", "unsupported-revision", "2014"),
    ("report: focus-ii\nas_of: 2020-11-30\nsubmit_date: 2020-11-29\nfirm: {name: X}\nlines: {7010: 1}\n",
     "bad-date", "before as_of"),
    ("report: focus-ii\nas_of: 2020-11-30\nfirm: {name: X}\nvariance: {percent: -5}\nlines: {7010: 1}\n",
     "bad-field", "variance.percent"),
    ("report: focus-ii\nas_of: 2020-11-30\nfirm: {name: X}\nvariance: {dollars: -1}\nlines: {7010: 1}\n",
     "bad-field", "variance.dollars"),
    ("report: focus-ii\nas_of: 2020-11-30\nfirm: {name: X}\nvariance: {percent: .nan}\nlines: {7010: 1}\n",
     "bad-field", "variance.percent"),
])
def test_nonsense_is_refused_by_name(run, tmp_path, text, code, fragment):
    path = tmp_path / "x.yaml"
    path.write_text(text)
    status, _, err = run("build", path, "--out", tmp_path / "o", "--format", "json")
    assert status == 2 and f"error[{code}]" in err and fragment in err, err
    assert not (tmp_path / "o").exists() and "\x1b" not in err


def test_a_csv_header_naming_a_column_twice(run, tmp_path):
    (tmp_path / "b.csv").write_text("line,amount,amount\n7010,5,6\n")
    status, err, _, _ = build(run, tmp_path, HEAD + "ledger: b.csv\n")
    assert status == 2 and "error[csv-header]" in err and "named twice" in err


@pytest.mark.parametrize("argv,fragment", [
    (["build", "IN", "--out", ""], "--out"),
    (["build", "IN", "--out", "  "], "--out"),
    (["build", "IN", "--out="], "--out"),
    (["build", "IN", "--jobs", "0"], "--jobs"),
    (["diff", "IN", "IN", "--percent", "nan"], "--percent"),
    (["diff", "IN", "IN", "--percent", "inf"], "--percent"),
    (["diff", "IN", "IN", "--percent", "-1"], "--percent"),
    (["diff", "IN", "IN", "--percent", "ten"], "--percent"),
    (["diff", "IN", "IN", "--dollars", "-5"], "--dollars"),
])
def test_bad_options_are_named(run, tmp_path, argv, fragment, monkeypatch):
    from conftest import INPUTS
    monkeypatch.chdir(tmp_path)
    argv = [str(INPUTS / "2020-11.yaml") if a == "IN" else a for a in argv]
    status, _, err = run(*argv)
    assert status == 2 and "error[bad-option]" in err and fragment in err
    assert list(tmp_path.iterdir()) == []                       # nothing written, not even into "."


# --- resource exhaustion: every input bounded, a named error in seconds, bounded memory -------------

import resource  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402

BOMB = "".join(f"{chr(97 + i)}: &{chr(97 + i)} [" + ",".join([f"*{chr(96 + i)}"] * 9 if i else ['"lol"'] * 9) + "]\n"
               for i in range(10))


def _limited():
    resource.setrlimit(resource.RLIMIT_AS, (1024 * 2**20, 1024 * 2**20))     # 1 GiB


def _build_bounded(path, *extra, cwd=None):
    return subprocess.run([sys.executable, "-m", "focusgen.cli", "build", str(path), "--out",
                           str(path.parent / "o"), "--format", "json", *map(str, extra)],
                          capture_output=True, text=True, timeout=60, preexec_fn=_limited, cwd=cwd)


@pytest.mark.parametrize("where", ["input", "mapping", "meta"])
@pytest.mark.parametrize("doc,code", [(BOMB, "yaml-too-large"),
                                      ("lines: " + "[" * 50000 + "]" * 50000 + "\n", "yaml-too-large"),
                                      ("lines:\n" + "".join(" " * i + "- \n" for i in range(0, 3000)), "yaml-too-large"),
                                      ("a: " + "{a: " * 30000 + "1" + "}" * 30000 + "\n", "yaml-too-large")])
def test_yaml_bombs_and_deep_nesting(tmp_path, where, doc, code):
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text(doc)
    if where == "input":
        path, extra = bomb, ()
    elif where == "mapping":
        (tmp_path / "tb.csv").write_text("account,amount\n1,1\n")
        path = tmp_path / "x.yaml"
        path.write_text(HEAD + "trial_balance: tb.csv\nmapping: bomb.yaml\n")
        extra = ()
    else:
        path = tmp_path / "b.csv"
        path.write_text("line,amount\n7010,1\n")
        extra = ("--meta", bomb)
    proc = _build_bounded(path, *extra)
    assert proc.returncode == 2, proc.stderr[-500:]
    assert f"error[{code}]" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize("field", ["ledger", "trial_balance", "mapping", "meta", "csv"])
@pytest.mark.parametrize("special", ["/dev/zero", "/dev/urandom", "fifo"])
def test_devices_and_fifos_as_any_input_file(tmp_path, field, special):
    target = special
    if special == "fifo":
        target = tmp_path / "pipe"
        os.mkfifo(target)
    (tmp_path / "tb.csv").write_text("account,amount\n1,1\n")
    (tmp_path / "map.yaml").write_text("accounts: []\n")
    if field == "meta":
        path = tmp_path / "b.csv"
        path.write_text("line,amount\n7010,1\n")
        proc = _build_bounded(path, "--meta", target)
    elif field == "csv":
        (tmp_path / "meta.yaml").write_text(HEAD)
        link = tmp_path / "dev.csv"
        link.symlink_to(target)
        proc = _build_bounded(link, "--meta", tmp_path / "meta.yaml")
    else:
        link = tmp_path / ("dev.csv" if field != "mapping" else "dev.yaml")
        link.symlink_to(target)
        other = {"ledger": "", "trial_balance": "mapping: map.yaml\n", "mapping": "trial_balance: tb.csv\n"}[field]
        path = tmp_path / "x.yaml"
        path.write_text(HEAD + f"{field}: {link.name}\n" + other)
        proc = _build_bounded(path, "--allow-outside-paths")
    assert proc.returncode == 2, proc.stderr[-500:]
    assert "error[not-a-regular-file]" in proc.stderr and "Traceback" not in proc.stderr


def test_an_oversized_table_is_refused_before_reading(tmp_path):
    big = tmp_path / "big.csv"
    with open(big, "wb") as fh:                 # sparse: 65 MiB without writing them
        fh.write(b"line,amount\n")
        fh.truncate(65 * 2**20)
    path = tmp_path / "x.yaml"
    path.write_text(HEAD + "ledger: big.csv\n")
    proc = _build_bounded(path)
    assert proc.returncode == 2 and "error[file-too-large]" in proc.stderr


def test_a_million_bad_rows_list_two_hundred_problems_and_count_the_rest(tmp_path):
    rows = 200_000
    (tmp_path / "b.csv").write_text("line,amount\n" + "7010,oops\n" * rows)
    path = tmp_path / "x.yaml"
    path.write_text(HEAD + "ledger: b.csv\n")
    proc = _build_bounded(path)
    assert proc.returncode == 2
    assert proc.stderr.count("error[") == 200
    assert f"and {rows - 200} more problem(s)" in proc.stderr and f"{rows} problem(s)" in proc.stderr
