"""The filing template ships compiled (templates/filing.html.j2.compiled, made by tests/templatemake.py):
the shipped file is what Jinja makes of the template now; the HTML rendered from it is the HTML of the
template compiled at run time, for every example and the public copy; and a compiled file that is not
the template's (stale, edited, of another Jinja or other options, missing) is never used."""

from pathlib import Path

import pytest

from focusgen.inputs.load import load_input
from focusgen.render import pdf
from focusgen.report.compute import compute

ROOT = Path(__file__).resolve().parents[1]
INPUTS = ROOT / "inputs"
EXAMPLES = ["2020-11", "2020-10", "2020-11-gl", "daily-seg-2017-12-26", "daily-seg-1-fr",
            "daily-seg-2017-12-26-amended"]


def test_the_shipped_file_is_what_jinja_makes_of_the_template():
    assert pdf.COMPILED.read_text(encoding="utf-8") == pdf.compiled_source(), \
        "the template changed: run python tests/templatemake.py"


def test_the_shipped_file_is_used():
    pdf._template.cache_clear()
    try:
        assert pdf._template().filename == str(pdf.COMPILED)
    finally:
        pdf._template.cache_clear()


@pytest.mark.parametrize("stem", EXAMPLES)
@pytest.mark.parametrize("public", [False, True])
def test_the_html_is_the_templates_compiled_at_run_time(stem, public, monkeypatch):
    filing = compute(load_input(INPUTS / f"{stem}.yaml"))
    p = pdf.prepare(filing, public)
    pdf._template.cache_clear()
    try:
        assert pdf._template().filename == str(pdf.COMPILED)
        shipped = (pdf.layout_html(p.ctx, p.kinds), pdf.render_html(filing, public))
        at_run_time = pdf._environment().get_template(pdf.TEMPLATE)
        assert at_run_time.filename != str(pdf.COMPILED)
        monkeypatch.setattr(pdf, "_template", lambda: at_run_time)
        assert (pdf.layout_html(p.ctx, p.kinds), pdf.render_html(filing, public)) == shipped
    finally:
        monkeypatch.undo()
        pdf._template.cache_clear()


def _changed(good: bytes, case: str) -> bytes | None:
    head, _, body = good.partition(b"\n")
    fields = head.split(b" ")        # # NAME SOURCE Jinja2 VERSION options OPTIONS code CODE
    def with_field(i: int, value: bytes) -> bytes:
        return b" ".join(fields[:i] + [value] + fields[i + 1:]) + b"\n" + body
    return {
        "stale": with_field(2, b"0" * 64),
        "edited": head + b"\n" + body.replace(b"resolve(", b"resolve (", 1),
        "appended": good + b"raise SystemExit(3)\n",
        "other jinja": with_field(4, b"2.0.0"),
        "other options": with_field(6, b"0" * 64),
        "no first line": body,
        "missing": None, "empty": b"", "not utf-8": b"\xff\xfe" + good,
    }[case]


@pytest.mark.parametrize("case", ["stale", "edited", "appended", "other jinja", "other options", "no first line",
                                  "missing", "empty", "not utf-8"])
def test_a_compiled_file_that_is_not_the_templates_is_not_used(case, tmp_path, monkeypatch):
    filing = compute(load_input(INPUTS / "2020-11.yaml"))
    p = pdf.prepare(filing, False)
    pdf._template.cache_clear()
    expected = pdf.layout_html(p.ctx, p.kinds)
    path = tmp_path / "filing.html.j2.compiled"
    changed = _changed(pdf.COMPILED.read_bytes(), case)
    if changed is not None:
        path.write_bytes(changed)
    monkeypatch.setattr(pdf, "COMPILED", path)
    pdf._template.cache_clear()
    try:
        assert pdf._template().filename != str(path)
        assert pdf.layout_html(p.ctx, p.kinds) == expected
    finally:
        monkeypatch.undo()
        pdf._template.cache_clear()
