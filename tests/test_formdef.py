"""The form definition is checked when loaded, and says what the form says."""

import copy

import pytest
import yaml

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
