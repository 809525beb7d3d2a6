"""The filing JSON has one schema (report/jsonio.FilingDoc). Its writer puts the document in the schema's
field order without building the schema's validators (a build would pay for them at every start-up): it
must write exactly the bytes the schema's own round trip writes (FilingDoc validated from the document,
then dumped), and the schema must read them back. Checked over every example input (every report kind,
and the optional sections: a prior, an amendment, several currencies, a trial balance, a workbook,
holdings reconciled to a Daily Seg) and over drawn filings (names, addresses, contacts, file numbers,
describe texts, amounts, as-of dates across the form revisions, drawn by hypothesis)."""

import json
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from focusgen.build import build
from focusgen.compare.amend import with_amendment
from focusgen.compare.sources import load
from focusgen.compare.variance import with_variance
from focusgen.inputs.load import load_input
from focusgen.report import jsonio
from focusgen.report.compute import compute

ROOT = Path(__file__).resolve().parents[1]
INPUTS = ROOT / "inputs"


def schema_round_trip(filing) -> bytes:
    """What the schema itself writes: the document validated into FilingDoc and dumped (the writer before
    it stopped building the validators)."""
    doc = jsonio.FilingDoc.model_validate(jsonio.document(filing))
    return (json.dumps(doc.model_dump(mode="json", exclude_unset=True), indent=2, ensure_ascii=False)
            + "\n").encode("utf-8")


def agree(filing) -> None:
    written = jsonio.write(filing)
    assert written == schema_round_trip(filing)
    doc = jsonio.parse(written, "drawn.json")
    assert json.loads(written) == doc.model_dump(mode="json", exclude_unset=True)


EXAMPLES = {
    "2020-11": {}, "2020-10": {}, "2020-11-gl": {"prior": "2020-10"}, "2020-11-fx": {},
    "2020-11-workbook": {}, "daily-seg-2017-12-26": {}, "daily-seg-1-fr": {},
    "daily-seg-2017-12-26-amended": {}, "sidr-2017-12-26": {}, "sidr-2025-04-15": {},
}


@pytest.mark.parametrize("stem", sorted(EXAMPLES))
def test_every_example_writes_what_the_schema_writes(stem, tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    prior = None
    if EXAMPLES[stem].get("prior"):
        first = build(INPUTS / f"{EXAMPLES[stem]['prior']}.yaml", tmp_path / "prior", ("json",))
        prior = first.written[0].parent / f"{EXAMPLES[stem]['prior']}.json"
    built = build(INPUTS / f"{stem}.yaml", tmp_path / "out", ("json",), prior_path=prior)
    agree(built.filing)
    assert (tmp_path / "out" / f"{stem}.json").read_bytes() == schema_round_trip(built.filing)
    if prior is not None:
        assert built.filing.variance is not None and built.filing.variance.lines
    if stem.endswith("amended"):
        assert built.filing.amendment is not None and built.filing.amendment.changes


_text = st.text(st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs")), min_size=1, max_size=60) \
    .filter(lambda s: s.strip() and s.isprintable())
_as_of = st.dates(min_value=date(2019, 1, 1), max_value=date(2024, 12, 31))


@st.composite
def _inputs(draw):
    """The example FOCUS II input with its cover texts, amounts and as-of date drawn (the cover in force
    after 10/06/2021 is the form's other revision)."""
    doc = yaml.safe_load((INPUTS / "2020-11.yaml").read_text())
    as_of = draw(_as_of)
    doc["as_of"] = as_of.isoformat()
    doc["period_begin"] = as_of.replace(day=1).isoformat()
    firm = {"name": draw(_text)}
    for key in ("sec_file_no", "firm_id"):
        if draw(st.booleans()):
            firm[key] = draw(_text)
    firm["address"] = draw(st.one_of(st.none(), _text, st.fixed_dictionaries(
        {}, optional={k: _text for k in ("street", "city", "state")})))
    firm["contact"] = draw(st.fixed_dictionaries({}, optional={k: _text for k in ("name", "phone", "email")}))
    doc["firm"] = firm
    doc["names"] = {int(code): draw(st.one_of(st.none(), _text)) for code in (7510, 7550)}
    if draw(st.booleans()):
        doc["describe"] = {7150: draw(_text)}
    for code in PLAIN:      # lines no rule of the form bounds (a deduction's sign, a minimum, an offset)
        if draw(st.booleans()):
            doc["lines"][code] = draw(st.integers(0, 10**12))
    return doc


PLAIN = (7010, 7020, 7030, 7070, 7100, 7120, 7315, 7325, 7500, 7700)


@settings(max_examples=40, deadline=None)
@given(doc=_inputs(), prior=st.booleans())
def test_drawn_filings_write_what_the_schema_writes(tmp_path_factory, doc, prior):
    folder = tmp_path_factory.mktemp("drawn")
    path = folder / "drawn.yaml"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True))
    filing = compute(load_input(path))
    if prior:   # a variance section against the example's October
        record = load(INPUTS / "2020-10.yaml")
        filing = with_variance(with_amendment(compute(load_input(path), record)), record)
    agree(filing)


def test_a_key_the_schema_lacks_is_refused():
    with pytest.raises(ValueError, match="no field"):
        jsonio.dump({"report": "focus-ii", "not_a_field": 1})


def test_a_build_builds_no_validator_of_the_json_schema(tmp_path):
    """The JSON is written without the schema's validators; a JSON read builds them."""
    code = ("import sys; from pathlib import Path; from focusgen.build import build; "
            f"build(Path({str(INPUTS / '2020-11.yaml')!r}), Path({str(tmp_path / 'out')!r}), ('txt', 'json')); "
            "from focusgen.report import jsonio; "
            "print(jsonio.FilingDoc.__pydantic_complete__); "
            f"jsonio.read(Path({str(tmp_path / 'out' / '2020-11.json')!r})); "
            "print(jsonio.FilingDoc.__pydantic_complete__)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"XDG_CACHE_HOME": str(tmp_path / "cache"), "PATH": "/usr/bin:/bin",
                              "PYTHONPATH": ":".join(sys.path)}).stdout.split()
    assert out == ["False", "True"]
