"""Text of any length in the PDF (issues 21.2 and 19.8): a firm name, an address, a bank name, a describe
text is broken into the lines of its box by focusgen (render/fit.py), set smaller when it needs more lines,
and placed exactly where laying it out puts it; nothing it prints overlaps other text or leaves the page,
and its text layer is the text. A grapheme cluster the bundled fonts cannot draw as itself is refused by
name (unprintable-character), a letter with stacked marks included.

Names are drawn (hypothesis, fixed in CI) over lengths up to the input limit of 200 characters, the scripts
the fonts have (Latin with accents, Greek, Cyrillic, Hebrew), with spaces or none, and combining sequences
that compose; checked by pypdfium2's character boxes, pdfium's text layer and qpdf."""

import dataclasses
import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from conftest import INPUTS
from focusgen.report.compute import compute
from focusgen.inputs.load import load_input
from focusgen.render import fit, fonts, glyphs, layout_cache, pdf
from pdfutil import assert_placed_as_laid_out, strict

EPS = 0.05        # pt: boxes that share less than this do not overlap


# --- the fitting itself -------------------------------------------------------------------------------

def _all_boxes():
    found = {}
    for stem in ("2020-11", "daily-seg-2017-12-26"):
        ctx = pdf.context(compute(load_input(INPUTS / f"{stem}.yaml")))
        for name, spec in ctx["boxes"].items():
            found[f"{stem}:{name}"] = pdf.box_of(spec)
    return found


BOXES = _all_boxes()
LETTERS = ("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789&.,-()'/"
           "ÉÈÀÇÑÖÜßéèàçñöüøåæœŁłŠšŽž" "ΑΒΓΔΕΖΗΘΛΞΠΣΦΨΩαβγδεζηθλξπσφψω" "АБВГДЕЖЗИКЛМНОПРСТУФХЦЧШЩЭЮЯабвгджзиклмнпрстуфхцчшщэюя"
           "ѠѾǄǱŴ")                                           # the widest glyphs the fonts have
texts = st.text(alphabet=st.sampled_from(LETTERS + " " * 12), min_size=0, max_size=200)


def _width_pt(line: str, box: fit.Box, size: float) -> float:
    return fit.advance(line, box.face, size) * 0.75


@settings(max_examples=60, deadline=None)
@given(texts, st.sampled_from(sorted(BOXES)))
def test_a_fitted_text_takes_its_boxs_lines_and_width_and_loses_nothing(text, which):
    box = BOXES[which]
    width = box.width / 0.75 - 0.01
    most = max(box.lines, box.most)
    try:
        fitted = fit.fit(box, text)
    except fit.TooLong:         # not even on its most lines at the smallest print
        assert len(fit._break(text, box.face, fit.SMALLEST / 0.75, width)) > most
        return
    n = len(fitted.lines)
    assert box.lines <= n <= most
    assert fit.SMALLEST / 0.75 <= fitted.size <= box.px
    for line in fitted.lines:
        assert _width_pt(line, box, fitted.size) <= box.width, (line, fitted.size)
    # every character is kept, in order; only the spaces lines are broken at are not drawn
    assert "".join("".join(fitted.lines).split()) == "".join(text.split())
    # the box's size if it fits; set smaller only as much as it must; a line more only when 80% will not do
    if not fitted.shrunk:
        assert fitted.size == box.px
    elif fitted.size + 1 / fit.STEP <= box.px:
        assert len(fit._break(text, box.face, fitted.size + 1 / fit.STEP, width)) > n
    if n > box.lines:
        assert fit._largest(text, box.face, width, n - 1, box.px * fit.SHRINK, box.px) is None


def test_words_are_broken_only_when_they_are_wider_than_a_line():
    box = fit.Box(width=100, lines=3, size=9, face="bold")
    fitted = fit.fit(box, "ALPHA BETA GAMMA DELTA")
    assert all(w in " ".join(fitted.lines).split() for w in "ALPHA BETA GAMMA DELTA".split())
    one = fit.fit(box, "X" * 30)
    assert "".join(one.lines) == "X" * 30 and not one.shrunk
    assert fit.fit(box, "").lines == ("", "", "")


def test_a_shorter_text_takes_the_first_or_last_lines_as_its_box_says():
    assert fit.fit(fit.Box(width=200, lines=2, size=9), "ACME").lines == ("ACME", "")
    assert fit.fit(fit.Box(width=200, lines=2, size=9, align="bottom"), "ACME").lines == ("", "ACME")


NAMES = ("head.firm", "banner.firm", "contact.0", "cover.13", "cover.20", "consolidated.0", "name.7510", "describe.7150",
         "wj.status")


def test_any_name_of_the_input_limit_fits_the_boxes_of_names():
    """200 characters (the input limit) of capitals, or of the widest letter the fonts have, fit every box
    that shows a name, an address or a describe text: at worst on its most lines at the smallest print."""
    for text in (("THE EXTRAORDINARILY LONG NAMED INTERNATIONAL FUTURES CLEARING AND SECURITIES COMPANY " * 3)[:200],
                 "W" * 200, "Ѡ" * 200):
        for which, box in BOXES.items():
            if which.split(":")[1] in NAMES:
                fitted = fit.fit(box, text)
                assert all(_width_pt(line, box, fitted.size) <= box.width for line in fitted.lines), which


def test_a_text_its_box_cannot_hold_is_refused_by_name(run, tmp_path):
    path = tmp_path / "state.yaml"
    path.write_text((INPUTS / "2020-11.yaml").read_text().replace("state: NY", f"state: {'NEW YORK ' * 20}"))
    status, _, err = run("build", path, "--out", tmp_path / "o", "--format", "pdf")
    assert status == 2 and "error[text-too-long]" in err and "firm.address.state" in err, err
    assert not (tmp_path / "o").exists()
    status, _, err = run("build", path, "--out", tmp_path / "t", "--format", "txt,json")
    assert status == 0, err                                   # text and JSON print any length


def test_widths_are_the_ones_weasyprint_draws():
    """fonts.Face.width1000 is WeasyPrint's width of a glyph first drawn at a size (Pango's advance in 1/1024
    units, HarfBuzz's rounding); checked against WeasyPrint for every letter above at several sizes."""
    from focusgen.render import engine
    from weasyprint import DEFAULT_OPTIONS
    from weasyprint.pdf import generate_pdf
    for face, weight in (("regular", 400), ("bold", 700)):
        f = fonts.face(face)
        for size in (12, 10.1328125, 7.625, 3.25):
            html = (f'<html><body style="font-family: Liberation Sans; font-weight: {weight}; font-size: {size}px; '
                    f'font-kerning: none"><p>{" ".join(LETTERS)}</p></body></html>')
            doc = engine.document(html, form_stylesheet=False)
            generate_pdf(doc, None, 1, **DEFAULT_OPTIONS)
            for font in doc.fonts.values():
                for gid, width in font.widths.items():
                    assert f.width1000(gid, size) == width, (face, size, gid)


def test_exact_placing_is_left_to_right_single_glyphs_the_font_does_not_substitute():
    assert fit.exact("HSBC SECURITIES (USA) INC.", "bold") and fit.exact("SOCIÉTÉ GÉNÉRALE Ω ТРЕЙД", "regular")
    assert not fit.exact("שלום", "regular")                  # right to left: laid out with its values
    assert not fit.exact("a\u02e5\u02e9", "regular")          # tone letters the font's ccmp joins
    assert not fit.exact("e\u0301", "regular")                # a mark left after NFC


# --- which clusters the fonts draw --------------------------------------------------------------------------

@pytest.mark.parametrize("text,refused", [
    ("SOCIÉTÉ", []),
    ("SOCIE\u0301TE\u0301", []),                              # typed with combining acutes: the font's É
    ("Ω ТРЕЙД שלום", []),
    ("e\u0308\u0301", ["e\u0308\u0301"]),                     # two stacked marks: no single glyph
    ("q\u0323\u0302 LLC", ["q\u0323\u0302"]),
    ("\u0301ACME", ["\u0301"]),                               # a mark on nothing
    ("中文", ["中", "文"]),
    ("FIRM 🚀", ["🚀"]),
    ("👍🏽", ["👍", "🏽"]),
])
def test_drawability_is_decided_per_grapheme_cluster(text, refused):
    assert glyphs.undrawable(text) == refused


def _with_name(tmp_path, name):
    text = (INPUTS / "2020-11.yaml").read_text()
    path = tmp_path / "named.yaml"
    path.write_text(text.replace("name: HSBC SECURITIES (USA) INC.", f"name: {json.dumps(name)}", 1))
    return path


@pytest.mark.parametrize("name,cluster", [("ACME e\u0308\u0301 LLC", "U+0065 U+0308 U+0301"),
                                          ("q\u0323\u0302 FUTURES", "U+0071 U+0323 U+0302")])
def test_stacked_marks_are_refused_by_name(run, tmp_path, name, cluster):
    status, _, err = run("build", _with_name(tmp_path, name), "--out", tmp_path / "o", "--format", "pdf")
    assert status == 2 and "error[unprintable-character]" in err and cluster in err and "firm.name" in err
    assert not (tmp_path / "o").exists()


def test_a_composable_sequence_prints_as_its_letter(run, tmp_path):
    status, _, err = run("build", _with_name(tmp_path, "SOCIE\u0301TE\u0301 GE\u0301NE\u0301RALE"), "--out",
                         tmp_path / "o", "--format", "pdf")
    assert status == 0, err
    from pdfutil import pdf_text
    assert "SOCIÉTÉ GÉNÉRALE" in pdf_text((tmp_path / "o" / "named.pdf").read_bytes())


# --- drawn texts, placed and laid out ---------------------------------------------------------------------

def _chars(data: bytes) -> list[list[tuple[str, tuple]]]:
    import pypdfium2 as pdfium
    doc = pdfium.PdfDocument(data)
    pages = []
    for i in range(len(doc)):
        tp = doc[i].get_textpage()
        pages.append([(tp.get_text_range(c, 1), tuple(tp.get_charbox(c))) for c in range(tp.count_chars())
                      if tp.get_text_range(c, 1).strip()])
    doc.close()
    return pages


def _with(f, **fields):
    """The filing with some of its texts replaced (nothing else: the same amounts, the same input hash)."""
    h = f.input.header
    firm = h.firm
    if "name" in fields:
        firm = firm.model_copy(update={"name": fields["name"]})
    if "street" in fields:
        firm = firm.model_copy(update={"address": firm.address.model_copy(update={"street": fields["street"]})})
    header = h.model_copy(update={"firm": firm, **({"names": {**h.names, "7510": fields["bank"]}} if "bank" in fields
                                                    else {}),
                                  **({"describe": {"7150": fields["describe"]}} if "describe" in fields else {})})
    return dataclasses.replace(f, input=dataclasses.replace(f.input, header=header))


# the boxes each text is shown in: its first box is the one its whole text is read back from
BOXES_OF = {"focus-ii": {"name": ("cover.13", "head.firm"), "bank": ("name.7510",), "describe": ("describe.7150",),
                         "street": ("cover.20",)},
            "daily-seg": {"name": ("contact.0", "banner.firm")}}


def check_placed_text(f, texts: dict) -> None:
    """Builds `f` with `texts` in place: placed as laid out (or laid out, if not exact), every character of
    the texts on the page and over no other text, every line of theirs in the text layer, and their
    lines, in order, the text itself."""
    drawn = _with(f, **texts)
    data = pdf.render_pdf(drawn)
    strict(data)
    p = pdf.prepare(drawn)
    if p.exact:
        assert_placed_as_laid_out(drawn)
    else:
        assert data == pdf.render_pdf_laid_out(drawn)     # not exact: laid out with its values, in every cache state
    boxes = BOXES_OF[f.report.kind]

    def lines_of(box: str) -> list[str]:
        n = len([k for k in p.values if k.startswith(box + "#")])
        return ["".join(p.values[f"{box}#{i}"].text.split()) for i in range(n)]
    for key, text in texts.items():
        assert "".join(lines_of(boxes[key][0])) == "".join(fit.nfc(text).split()), key
    lines = [line for key in texts for box in boxes[key] for line in lines_of(box) if line]
    found = {line: 0 for line in lines}
    for page in _chars(data):
        for ch, (left, bottom, right, top) in page:
            assert -EPS <= left and right <= 612 + EPS and -EPS <= bottom and top <= 792 + EPS, ("off the page", ch)
        string = "".join(ch for ch, _ in page)
        mine: set[int] = set()
        for line in lines:
            at = string.find(line)
            while at >= 0:
                found[line] += 1
                mine.update(range(at, at + len(line)))
                at = string.find(line, at + len(line))
        for i in mine:
            _, (l1, b1, r1, t1) = page[i]
            for j, (och, (l2, b2, r2, t2)) in enumerate(page):
                if j not in mine:
                    overlap = min(r1, r2) - max(l1, l2) > EPS and min(t1, t2) - max(b1, b2) > EPS
                    assert not overlap, ("overprints", page[i][0], och, (l1, b1, r1, t1), (l2, b2, r2, t2))
    missing = [line for line, n in found.items() if not n]
    assert not missing, ("not in the text layer", missing)


SCRIPTS = {
    "latin": "ABCDEFGHIJKLMNOPQRSTUVWXYZ&.,-'ÉÈÀÇÑÖÜØÅÆŒŁŠŽ",
    "greek": "ΑΒΓΔΕΖΗΘΙΚΛΜΝΞΟΠΡΣΤΥΦΧΨΩ",
    "cyrillic": "АБВГДЕЖЗИЙКЛМНОПРСТУФХЦЧШЩЪЫЬЭЮЯ",
    "hebrew": "אבגדהוזחטיכלמנסעפצקרשת",
    "wide": "WMѠѾǄ",
}


@st.composite
def names(draw):
    script = draw(st.sampled_from(sorted(SCRIPTS)))
    letters = SCRIPTS[script]
    length = draw(st.sampled_from([1, 12, 40, 75, 120, 160, 200]))
    spaced = draw(st.booleans())
    chars = [draw(st.sampled_from(letters)) for _ in range(length)]
    if spaced:
        for i in range(draw(st.integers(1, max(1, length // 6))), length - 1, draw(st.integers(3, 12))):
            chars[i] = " "
    if draw(st.booleans()) and script == "latin":        # letters typed with combining marks that compose
        chars = [c + "\u0301" if c in "AEIOUY" else c for c in chars]
    text = "".join(chars)[:200].strip()
    return text or letters[0]


@settings(max_examples=5, deadline=None)
@given(names(), st.sampled_from(["name", "bank", "describe", "street"]))
def test_drawn_texts_are_placed_as_laid_out_over_nothing_and_read_back(text, where):
    assert not glyphs.undrawable(text)
    check_placed_text(compute(load_input(INPUTS / "2020-11.yaml")), {where: text})


@settings(max_examples=3, deadline=None)
@given(names())
def test_drawn_firm_names_on_the_daily_seg(text):
    check_placed_text(compute(load_input(INPUTS / "daily-seg-2017-12-26.yaml")), {"name": text})


@pytest.mark.parametrize("text", [
    "W" * 200,                                               # unbreakable, the widest capital
    "THE EXTRAORDINARILY LONG NAMED INTERNATIONAL FUTURES CLEARING AND SECURITIES COMPANY OF NEW YORK LLC " * 2,
    "ГЛОБАЛЬНАЯ ФЬЮЧЕРСНАЯ КЛИРИНГОВАЯ КОМПАНИЯ",
    "חברת ניירות ערך בינלאומית בעמ",                          # right to left: laid out with its values
    "ΕΛΛΗΝΙΚΗ ΧΡΗΜΑΤΙΣΤΗΡΙΑΚΗ Α.Ε.",
])
def test_chosen_long_scripts_and_names_that_only_fit_smaller(text):
    text = text.strip()[:200]
    f = compute(load_input(INPUTS / "2020-11.yaml"))
    check_placed_text(f, {"name": text})
    if text.startswith("W"):
        box = pdf.box_of(pdf.context(f)["boxes"]["head.firm"])
        assert fit.fit(box, text).shrunk                      # only fits set smaller


def test_a_right_to_left_name_is_laid_out_with_its_values_in_every_cache_state(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    layout_cache._MEMORY.clear()
    f = _with(compute(load_input(INPUTS / "2020-11.yaml")), name="חברת ניירות ערך")
    cold = pdf.render_pdf(f)
    warm = pdf.render_pdf(f)
    monkeypatch.setenv("FOCUSGEN_NO_CACHE", "1")
    off = pdf.render_pdf(f)
    assert cold == warm == off == pdf.render_pdf_laid_out(f)
    layout_cache._MEMORY.clear()
