"""The form definition is checked when loaded, and says what the form says."""

import copy
import json

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from focusgen.form import formdef
from focusgen.form.formdef import FormDefinitionError, load_definition


@pytest.fixture(scope="module")
def raw():
    return yaml.safe_load(formdef.FORM_FILE.read_text())


def test_the_shipped_definition_loads():
    reps = formdef.reports()
    assert set(reps) == {"focus-ii", "daily-seg", "sidr"}
    # each definition file declares its own kinds, in the files' order
    assert formdef.REPORT_KINDS == ("focus-ii", "daily-seg", "sidr")
    assert {p.name for p in formdef.definition_files()} == {"cftc.yaml", "sidr.yaml"}


def test_deduct_lines_are_exactly_those_of_the_form():
    # The list from the form's rules (issue 2 / reference README), not from the definition.
    deduct = {"7033", "7047", "7133", "7337", "7352", "7615", "7675", "7735", "8540", "8570", "8680"}
    for rep in formdef.reports().values():
        found = {c for c, line in rep.lines.items() if line.sign == "nonpositive"}
        assert found == deduct & set(rep.lines)


def test_line_kinds():
    rep = formdef.report("focus-ii")
    assert rep.lines["7010"].kind == "input"
    assert rep.lines["7040"].kind == "computed"
    assert rep.lines["7510"].kind == "text"
    assert rep.lines["7194"].target_of == "7060"
    assert rep.lines["7780"].target_of == "7360"
    assert rep.lines["8760"].target_of == "8590"
    assert rep.lines["7465"].default == 1_000_000
    assert rep.lines["7045"].col == "inner" and rep.lines["7050"].col == "outer"


def test_daily_seg_wording_and_order():
    rep = formdef.report("daily-seg")
    assert [s.key for s in rep.statements] == ["secured_30_7", "funds_30_7", "seg_4d2", "swaps_4df"]
    assert rep.statements[2].title == "Daily Segregation - Segregation Statement"
    assert rep.lines["7047"].label == "Less: amount offset by customer securities"
    assert formdef.report("focus-ii").lines["7047"].label == "Less: amount offset by customer owned securities"
    assert "8715" not in rep.lines and rep.lines["8715A"].coded is False


def _mutate(raw, fn):
    broken = copy.deepcopy(raw)
    fn(broken)
    return broken


def _line(raw, statement, code):
    for row in raw["statements"][statement]["rows"]:
        for line in row.get("lines") or []:
            if line["code"] == code:
                return line
    raise KeyError(code)


def test_unknown_reference_fails(raw):
    broken = _mutate(raw, lambda r: _line(r, "seg_4d2", "7040")["sum"].append("9999"))
    with pytest.raises(FormDefinitionError, match="unknown line 9999"):
        load_definition(broken)


def test_cycle_fails(raw):
    def make_cycle(r):
        _line(r, "seg_4d2", "7060")["sum"] = ["7040", "7190"]   # 7190 = 7180 - 7060
    with pytest.raises(FormDefinitionError, match="cycle"):
        load_definition(_mutate(raw, make_cycle))


def test_duplicate_code_fails(raw):
    broken = _mutate(raw, lambda r: r["statements"]["seg_4d2"]["rows"].append(
        {"label": "again", "lines": [{"code": "7010"}]}))
    with pytest.raises(FormDefinitionError, match="duplicate line code 7010"):
        load_definition(broken)


def test_unknown_key_and_bad_formula_fail(raw):
    with pytest.raises(FormDefinitionError, match="unknown keys"):
        load_definition(_mutate(raw, lambda r: _line(r, "seg_4d2", "7010").update(colour="red")))
    with pytest.raises(FormDefinitionError, match="sub needs exactly two"):
        load_definition(_mutate(raw, lambda r: _line(r, "seg_4d2", "7190").update(sub=["7180"])))
    with pytest.raises(FormDefinitionError, match="more than one formula"):
        load_definition(_mutate(raw, lambda r: _line(r, "seg_4d2", "7190").update(max=["7180", "7060"])))


def test_nonnegative_lines_are_exactly_those_of_the_rules():
    # issue 10's list: gross deficits, long option values, 7200, 7305, dollar management targets; issue 23's:
    # the capital requirement's inputs (risk margin 7415, 7435; the minimum dollar amount 7465; NFA's 7475)
    expected = {"7045", "7351", "8560", "7032", "7132", "7335", "7610", "7670", "7730", "8530", "8670", "7200",
                "7305", "7194", "7780", "8760", "7415", "7435", "7465", "7475"}
    for rep in formdef.reports().values():
        assert {c for c, ln in rep.lines.items() if ln.sign == "nonnegative"} == expected & set(rep.lines)


def test_offset_rules_name_lines_of_the_form(raw):
    bad = copy.deepcopy(raw)
    bad["rules"]["offsets"].append({"offset": "7047", "deficit": "9999", "cite": "x"})
    with pytest.raises(FormDefinitionError, match="unknown"):
        load_definition(bad)


@pytest.mark.parametrize("change,match", [
    ({"lines": {"9999": {"label": "x"}}}, "unknown lines"),
    ({"colour": "red"}, "holds revision, effective, set and lines"),
    ({"lines": {"7040": {"sum": ["7010", "7777"]}}}, "unknown line"),
])
def test_a_revision_overlay_is_checked_when_loaded(raw, change, match):
    overlay = {"revision": "x", "effective": {"from": "2030-01-01"}, **change}
    with pytest.raises(FormDefinitionError, match=match):
        load_definition(formdef._overlay(raw, overlay))


def test_unsupported_revision_names_the_dates():
    import datetime
    with pytest.raises(formdef.UnsupportedRevision, match="2014-01-31"):
        formdef.report("focus-ii", datetime.date(2013, 12, 31))
    assert formdef.report("focus-ii", datetime.date(2014, 1, 31)).kind == "focus-ii"


def test_a_report_is_the_revision_its_date_falls_in_and_only_that_revision_is_built():
    """report(kind, as_of) builds the revision the date falls in, read from the parsed definitions'
    ranges (a build does not build every revision): the same revision a scan of every built revision
    finds, at every edge of every range, for every report kind."""
    from datetime import timedelta
    edges = {d + timedelta(days=k) for rev in formdef.revisions() for rep in rev.values()
             for d in rep.effective if d is not None for k in (-1, 0, 1)}
    edges |= {formdef.date(2017, 12, 26), formdef.date(2020, 11, 30), formdef.date(2030, 1, 1)}
    for kind in formdef.REPORT_KINDS:
        for day in sorted(edges):
            found = [rev[kind] for rev in formdef.revisions(kind)
                     if (rev[kind].effective[0] is None or day >= rev[kind].effective[0])
                     and (rev[kind].effective[1] is None or day <= rev[kind].effective[1])]
            if not found:
                with pytest.raises(formdef.UnsupportedRevision):
                    formdef.report(kind, day)
                continue
            assert formdef.report(kind, day) is found[-1]
            assert formdef.of_revision(kind, found[-1].revision) is found[-1]
    formdef.revisions.cache_clear()
    try:
        formdef.report("focus-ii", formdef.date(2020, 11, 30))
        assert formdef._revision_of.cache_info().currsize == 1
        formdef.report("focus-ii", formdef.date(2022, 11, 30))
        assert formdef._revision_of.cache_info().currsize == 2
    finally:
        formdef.revisions.cache_clear()


# --- the parsed copies of the definition files (tests/formmake.py) ------------------------------------

def _strict(a, b, where="$"):
    """Equal in value and in type, all the way down (1 == 1.0 == True in Python; not here)."""
    assert type(a) is type(b), f"{where}: {type(a).__name__} != {type(b).__name__}"
    if isinstance(a, dict):
        assert [(type(k), k) for k in a] == [(type(k), k) for k in b], where
        for k in a:
            _strict(a[k], b[k], f"{where}.{k}")
    elif isinstance(a, list):
        assert len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            _strict(x, y, f"{where}[{i}]")
    else:
        assert a == b, where


def _pyyaml(path):
    return yaml.load(path.read_bytes().decode("utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))


def test_the_shipped_parsed_copies_are_current_and_are_what_pyyaml_parses():
    import formmake
    for path in formmake.sources():
        copy = path.with_name(path.name + ".json")
        assert copy.read_bytes() == formmake.made(path), f"{path.name} changed: run python tests/formmake.py"
        kept = formdef._parsed_copy(path, path.read_bytes())
        assert kept is not None, path
        _strict(kept, _pyyaml(path))
        _strict(kept, yaml.load(path.read_text(), Loader=yaml.SafeLoader))     # and without libyaml
        _strict(formdef._load_yaml(path), _pyyaml(path))


def _changed(good: bytes, case: str) -> bytes | None:
    head, _, body = good.partition(b"\n")
    fields = head.split(b" ")       # "# definition SOURCE PyYAML VERSION body BODY"
    def with_field(i: int, value: bytes) -> bytes:
        return b" ".join(fields[:i] + [value] + fields[i + 1:]) + b"\n" + body
    return {
        "stale": with_field(2, b"0" * 64),
        "edited": head + b"\n" + body.replace(b"Segregation", b"Segregatio", 1),
        "forged value": head + b"\n" + body.replace(b"1000000", b"2000000", 1),
        "appended": good + b"\n",
        "other pyyaml": with_field(4, b"5.4"),
        "no first line": body,
        "missing": None, "empty": b"", "not utf-8": b"\xff\xfe" + good,
        "not json": head + b"\n" + b"{" * 100_000,
    }[case]


@pytest.mark.parametrize("case", ["stale", "edited", "forged value", "appended", "other pyyaml", "no first line",
                                  "missing", "empty", "not utf-8", "not json"])
def test_a_parsed_copy_that_is_not_its_files_is_not_used(case, tmp_path):
    """A copy of other bytes (a YAML edited since, a copy changed, another PyYAML's, none) is passed over:
    the definition is what PyYAML parses, and a build gives the same outputs."""
    source = formdef.FORM_FILE
    path = tmp_path / source.name
    path.write_bytes(source.read_bytes())
    changed = _changed(source.with_name(source.name + ".json").read_bytes(), case)
    if changed is not None:
        path.with_name(path.name + ".json").write_bytes(changed)
    assert formdef._parsed_copy(path, path.read_bytes()) is None
    _strict(formdef._load_yaml(path), _pyyaml(source))
    # the YAML edited, its copy as shipped: the edit is what is read
    path.write_bytes(source.read_bytes().replace(b"Segregation", b"SEGREGATION", 1))
    path.with_name(path.name + ".json").write_bytes(source.with_name(source.name + ".json").read_bytes())
    assert formdef._parsed_copy(path, path.read_bytes()) is None
    assert "SEGREGATION" in json.dumps(formdef._load_yaml(path), default=str)


def test_a_build_from_the_yaml_alone_gives_the_same_outputs(tmp_path, monkeypatch):
    """The copies taken away: every output of the example builds is byte for byte the same."""
    from focusgen.build import build
    inputs = formdef.FORM_DIR.parents[2] / "inputs"
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    outputs = {}
    for copies in (True, False):
        formdef.revisions.cache_clear()
        if not copies:
            monkeypatch.setattr(formdef, "_parsed_copy", lambda path, data: None)
        for stem in ("2020-11", "daily-seg-2017-12-26", "sidr-2017-12-26"):
            out = tmp_path / f"{copies}-{stem}"
            build(inputs / f"{stem}.yaml", out, ("txt", "json"))
            outputs[copies, stem] = {p.name: p.read_bytes() for p in sorted(out.iterdir()) if p.name != "manifest.json"}
    formdef.revisions.cache_clear()
    for stem in ("2020-11", "daily-seg-2017-12-26", "sidr-2017-12-26"):
        assert outputs[True, stem] == outputs[False, stem]


_keys = st.one_of(st.text(max_size=6), st.integers(-10**6, 10**6), st.dates(), st.booleans(), st.none(),
                  st.just("\u0000pairs"), st.just("\u0000date"))
_leaves = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False, allow_infinity=False),
                    st.text(), st.dates(), st.just("\u0000date"))
_values = st.recursive(_leaves, lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                         st.dictionaries(_keys, inner, max_size=4)), max_leaves=30)


@settings(max_examples=300, deadline=None)
@given(_values)
def test_a_parsed_copy_gives_back_what_it_was_made_of(value):
    """Any value a safe YAML parse gives (mappings with text, integer, date, boolean or null keys, lists,
    dates, numbers, text, the copy's own tags as text) comes back equal in value and type."""
    body = formdef.parsed_copy(value)
    _strict(json.loads(body, object_hook=formdef._decoded), value)
