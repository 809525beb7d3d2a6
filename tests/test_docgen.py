"""The generator of drawn documents (tests/docgen) is itself test material that must be right: its
arithmetic agrees with the form (and with figures worked out by hand), its filings keep the form's
rules, its prints show exactly what their truth says (read back from the PDF's own text layer, never
from focusgen's extraction), nothing it draws overlaps, scans hide what they say they hide, and
the checker judges claims as its docstring says."""

from __future__ import annotations

import random
import re
from dataclasses import dataclass, field

import pytest

from docgen import arith
from docgen.arith import BLANK, CONFLICT
from docgen.checker import wrong_claims
from docgen.corpus import Spec, _kind, make
from docgen.filing import draw_filing
from docgen.layout import NumberStyle, draw_layout, money
from docgen.ocrtext import ocr_text
from docgen.printer import print_doc
from docgen.scanner import DAMAGES, scan
from docgen.sec import sec_rows, sec_values


# --- the arithmetic ------------------------------------------------------------------------------

def test_the_arithmetic_is_the_forms():
    """Every total of the transcribed arithmetic is the form definition's, with the same operands
    (the two were written apart: a difference is a mistake in one of them)."""
    from focusgen.form import formdef
    ops = {"sum": "sum", "sub": "sub", "max": "max", "pct8": "pct", "warn": "early_warning"}
    for kind in ("focus-ii", "daily-seg"):
        rep = formdef.report(kind)
        mine = {t: (op, args) for t, op, args in arith.FORMULAS[kind]}
        theirs = {c: ln.formula for c, ln in rep.lines.items() if ln.formula is not None}
        assert set(mine) == set(theirs), kind
        for code, (op, args) in mine.items():
            f = theirs[code]
            assert ops[op] == f.op, code
            if op == "pct8":
                assert f.rate == 8 and f.args == args
            elif op == "warn":
                assert [c for c, _, _ in f.cases] == list(args[1:]) and f.args[0] == "7490"
            else:
                assert tuple(f.args) == tuple(args), code
        inputs = [c for c, ln in rep.lines.items() if ln.kind == "input"]
        assert set(arith.INPUTS[kind]) == set(inputs), kind
        for c in arith.NONNEGATIVE & set(inputs):
            assert rep.lines[c].sign == "nonnegative", c
        for c in arith.NONPOSITIVE & set(inputs):
            assert rep.lines[c].sign == "nonpositive", c


def test_the_arithmetic_by_hand():
    """The capital page worked out by hand: 8% of 5,888,216,338 is 471,057,307.04 -> 471,057,307;
    8% of 12,345,678 is 987,654.24 -> 987,654; A = 472,044,961 governs D; the early warning level
    is 110% of it, 519,249,457.1 -> 519,249,457. 8% of 6,250,006.25 does not arise (whole dollars):
    8% of 18,750 is exactly 1,500. Segregation: 4 = 100 + 20 - 5 + 7 - 2 = 120; 5 = 9 - 4 = 5;
    6 = 125; 13 = 130 with 7133 blank; 14 = 5; 16 = 5 - 3 = 2."""
    inputs = {"7415": 5_888_216_338, "7435": 12_345_678, "7465": 1_000_000, "7475": None,
              "7010": 100, "7020": 20, "7030": -5, "7032": 7, "7033": -2, "7045": 9, "7047": -4,
              "7070": 30, "7100": 100, "7194": 3}
    v = arith.compute("focus-ii", inputs)
    assert (v["7425"], v["7445"], v["7455"], v["7490"], v["7495"]) == (
        471_057_307, 987_654, 472_044_961, 472_044_961, 519_249_457)
    assert (v["7040"], v["7050"], v["7060"], v["7180"], v["7190"], v["7198"]) == (120, 5, 125, 130, 5, 2)
    assert v["7230"] is None and v["7240"] is None         # blank parts, blank totals
    assert arith.pct(18_750, 8) == 1_500 and arith.pct(-13, 50) == -7 and arith.pct(13, 50) == 7
    # line B governs: 150% of $1,000,000; a retail forex firm's $20,000,000: 110%
    assert arith.warning_level(1_000_000, 5, 1_000_000, None, False) == 1_500_000
    assert arith.warning_level(20_000_000, 5, 20_000_000, None, True) == 22_000_000


def test_derive_gives_what_the_arithmetic_of_the_page_gives():
    shown = {c: BLANK for c in arith.all_codes("daily-seg")}
    shown.update({"7010": 100, "7020": 20, "7030": BLANK, "7032": BLANK, "7033": BLANK, "7040": 120,
                  "7045": BLANK, "7047": BLANK, "7050": BLANK, "7060": 120})
    for c in ("7180", "7190", "7198"):                  # not on this page
        del shown[c]
    del shown["7020"]                                   # one unknown part: solved
    assert arith.derive("daily-seg", shown)["7020"] == {20}
    del shown["7040"]                                   # 7020 and 7040 unknown: 7060 = 7040 + 7050 settles 7040
    d = arith.derive("daily-seg", shown)
    assert d["7040"] == {120} and d["7020"] == {20}
    shown["7050"] = 7          # 7050 does not foot with its blank parts: what rests on it is no answer
    d = arith.derive("daily-seg", shown)
    assert CONFLICT in d["7040"] and CONFLICT in d["7020"]
    shown["7050"] = BLANK
    shown["7020"] = 21         # two equations give 7040 differently (121 and 120)
    d = arith.derive("daily-seg", shown)
    assert d["7040"] == {120, 121, CONFLICT}
    # the greatest of: a total above the other parts is the unknown part
    shown = {"7305": 5, "7360": 9}
    assert arith.derive("daily-seg", shown).get("7355") == {9}
    shown = {"7305": 9, "7360": 9}
    assert "7355" not in arith.derive("daily-seg", shown)
    # all parts blank: the total is blank
    shown = {c: BLANK for c in ("7500", "7520")}
    assert arith.derive("daily-seg", shown)["7530"] == {BLANK}


# --- filings --------------------------------------------------------------------------------------

@pytest.mark.parametrize("kind", ["focus-ii", "daily-seg"])
def test_drawn_filings_keep_the_forms_rules(kind):
    for seed in range(150):
        f = draw_filing(kind, seed)
        v = f.values
        assert set(v) == set(arith.all_codes(kind))
        for c in arith.NONNEGATIVE & set(v):
            assert v[c] is None or v[c] >= 0, (seed, c)
        for c in arith.NONPOSITIVE & set(v):
            assert v[c] is None or v[c] <= 0, (seed, c)
        for off, deficit in arith.OFFSETS:
            if off in v:
                assert abs(v[off] or 0) <= (v[deficit] or 0), (seed, off)
        assert v == arith.compute(kind, {c: v[c] for c in arith.INPUTS[kind]}, f.retail_forex)
        diff = {c for c in v if v[c] != f.printed[c]}
        assert bool(diff) == bool(f.not_footing), seed           # a print departs only as its notes say
        for c in diff:
            assert any(c in n for n in f.not_footing), (seed, c)


def test_filings_cover_the_class():
    """Across seeds: zeros, blanks, negatives, deficits offset, deficiencies, inactive statements,
    retail forex minimums, and prints that do not foot in each way."""
    seen = set()
    for seed in range(300):
        f = draw_filing("focus-ii", seed)
        v = f.values
        seen |= {"zero"} if 0 in v.values() else set()
        seen |= {"blank"} if None in v.values() else set()
        seen |= {"negative-input"} if any((v[c] or 0) < 0 for c in ("7030", "7130", "7325", "8520")) else set()
        seen |= {"offset"} if (v["7047"] or 0) < 0 else set()
        seen |= {"deficiency"} if (v["7190"] or 0) < 0 else set()
        seen |= {"retail-forex"} if f.retail_forex else set()
        seen |= {"inactive-swaps"} if v["8590"] in (None, 0) else set()
        for n in f.not_footing:
            seen.add("capital-blank" if n.startswith("7455") else "parts-blank" if "blank" in n else "total-off")
    assert seen >= {"zero", "blank", "negative-input", "offset", "deficiency", "retail-forex", "inactive-swaps",
                    "capital-blank", "parts-blank", "total-off"}, seen


# --- prints -----------------------------------------------------------------------------------------

def test_money_styles():
    st = NumberStyle
    assert money(-52837332, st(neg="paren"), False) == ("(52,837,332)", "")
    assert money(-52837332, st(neg="trailing", sep=""), False) == ("52837332-", "")
    assert money(-5, st(neg="cr", cents=True), False) == ("5.00 CR", "")
    assert money(7, st(neg="drcr"), False) == ("7 DR", "")
    assert money(1443907046, st(dollar="form", dollar_at="spaced"), True) == ("$ 1,443,907,046", "")
    assert money(1443907046, st(dollar="form", dollar_at="column"), True) == ("1,443,907,046", "$")
    assert money(1443907046, st(dollar="form"), False) == ("1,443,907,046", "")
    assert money(0, st(nil="-"), False) == ("-", "")
    assert money(0, st(nil=""), True) == ("", "")
    assert money(None, st(), True) == ("", "")


def _parse(text: str) -> int:
    """An amount as printed, read back by hand rules (not focusgen's): separators and $ away,
    parentheses, a leading or trailing minus or CR make it negative, DR positive, - is nil."""
    t = text.replace("$", "").replace(",", "").strip()
    if t == "-":
        return 0
    neg = t.startswith("(") or t.startswith("-") or t.endswith("-") or t.endswith("CR")
    digits = re.sub(r"\.00$", "", re.sub(r"[()\-A-Z ]", "", t))
    return -int(digits) if neg else int(digits)


def _overlaps(pr) -> list:
    bad = []
    by: dict = {}
    for d in pr.drawn:
        by.setdefault(d.page, []).append(d)
    W, H = pr.size
    for p, ds in by.items():
        ds.sort(key=lambda d: d.x0)
        for i, a in enumerate(ds):
            if a.x0 < 0 or a.x1 > W or not 0 < a.y < H:
                bad.append(("off the page", p, a.text))
            for b in ds[i + 1:]:
                if b.x0 >= a.x1 - 0.3:
                    break
                if abs(a.y - b.y) < 0.7 * min(a.size, b.size):
                    bad.append((p, a.text, b.text))
    return bad


@pytest.mark.parametrize("start", [0, 40])
def test_prints_show_what_their_truth_says(start):
    """For drawn layouts of drawn filings (some whole FOCUS II with SEC pages): each cell's box in
    the PDF's text layer holds exactly its amount as the style writes it (nothing for a blank
    cell), read back by hand rules; no two strings overlap; every line of the form has a cell."""
    import pypdfium2 as pdfium
    for seed in range(start, start + 40):
        kind = _kind(seed)
        f = draw_filing(kind, seed)
        lay = draw_layout(seed, kind)
        whole = kind == "focus-ii" and seed % 5 == 0
        pr = print_doc(f, lay, ("cover", "sec", "cftc") if whole else ("cftc",),
                       sec_values(seed, 1e9) if whole else None)
        assert _overlaps(pr) == [], (seed, lay.describe())
        assert set(pr.cells) == set(arith.all_codes(kind))
        # every cell the form codes has its code on its page (unless the print lost it, or prints none),
        # and a printed row holds one cell per code it shows
        codes_on = {(d.page, d.code) for d in pr.drawn if d.role == "code"}
        for code, c in pr.cells.items():
            coded = code == "8715" or not code.startswith("8715")          # 12 A/B/C have no code
            if lay.code_pos != "absent" and code not in pr.lost and coded:
                # on its page, or on the page before when a break fell inside its wrapped label
                assert (c.page, code) in codes_on or (c.page - 1, code) in codes_on, (seed, code, lay.describe())
        rows: dict = {}
        for d in pr.drawn:
            if d.role == "amount" and d.code in pr.cells:
                rows.setdefault((d.page, round(d.y, 1)), []).append(d)
        for (p, y), amounts in rows.items():
            shown = [d for d in pr.drawn if d.role == "code" and d.page == p and abs(d.y - y) < 0.5 and
                     d.code in pr.cells]
            if lay.code_pos in ("after", "boxed", "label") and not any(a.code in pr.lost for a in amounts):
                assert len(amounts) <= max(1, len(shown)), (seed, [a.code for a in amounts], lay.describe())
        pdf = pdfium.PdfDocument(pr.pdf)
        pages: dict = {}
        try:
            for code, c in pr.cells.items():
                if c.page not in pages:
                    pages[c.page] = pdf[c.page].get_textpage()
                tp = pages[c.page]
                x0, y0, x1, y1 = c.box
                got = tp.get_text_bounded(x0 - 0.5, y0, x1 + 0.5, y1).strip()
                if c.shown == BLANK:
                    assert not re.search(r"\d", got), (seed, code, got)
                    assert f.printed[code] in (None, 0), (seed, code)
                else:
                    assert _parse(got) == c.shown == f.printed[code], (seed, code, got, c.shown)
        finally:
            pdf.close()


def test_layouts_cover_the_class():
    seen = set()
    for seed in range(400):
        lay = draw_layout(seed)
        n = lay.numbers
        seen |= {f"family:{lay.family}", f"code:{lay.code_pos}", f"leader:{lay.leader}", f"listings:{lay.listings}",
                 f"amounts:{lay.amount_cols}", f"row:{lay.amount_row}", f"page:{lay.page}", f"neg:{n.neg}",
                 f"nil:{n.nil!r}", f"dollar:{n.dollar}/{n.dollar_at}", f"sep:{n.sep!r}", f"cents:{n.cents}",
                 f"split:{lay.split_labels}", f"brackets:{lay.brackets}"}
    for want in ("family:times", "family:helvetica", "family:courier", "family:liberation-sans",
                 "code:before", "code:after", "code:boxed", "code:label", "code:absent", "leader:dots",
                 "leader:spaced", "leader:dashes", "leader:none", "listings:2", "amounts:one", "amounts:two",
                 "row:first", "row:last", "page:a4", "page:letter", "neg:paren", "neg:minus", "neg:trailing",
                 "neg:cr", "neg:drcr", "nil:'-'", "nil:''", "nil:'0'", "dollar:all/column", "sep:''",
                 "cents:True", "split:True", "brackets:()"):
        assert want in seen, want


def test_sec_pages_carry_their_own_codes():
    codes = [c.code for r in sec_rows() for c in r.cells]
    assert len(codes) == len(set(codes)) and "1791" in codes and "3760" in codes
    cftc = set(arith.all_codes("focus-ii"))
    assert not cftc & set(codes)
    assert set(sec_values(3, 1e9)) == set(codes)


# --- scans and OCR text -------------------------------------------------------------------------------

def test_scan_damage_hides_what_it_says():
    f = draw_filing("daily-seg", 4)
    lay = draw_layout(4, "daily-seg")
    pr = print_doc(f, lay)
    cut = scan(pr, 100, "cut", 1)
    assert cut.hidden and set(cut.hidden.values()) == {"lost"}
    # the lost cells are those below the cut on its page, and every cell of any later page
    lost_pages = {pr.cells[c].page for c in cut.hidden}
    for c, at in pr.cells.items():
        if at.page > min(lost_pages):
            assert cut.hidden.get(c) == "lost", c
    stamped = [scan(pr, 100, "stamp", s).hidden for s in range(6)]
    assert any(stamped) and all(set(h.values()) <= {"obscured"} for h in stamped)
    for dmg in DAMAGES:
        s = scan(pr, 100, dmg, 2)
        assert s.pdf.startswith(b"%PDF") and (s.pages == pr.pages or dmg == "cut")


def test_ocr_text_damage():
    """Across seeds the .txt shows every kind of damage the module promises, and a cell whose
    digits were changed is marked misread."""
    seen = set()
    for seed in range(40):
        f = draw_filing("focus-ii", seed)
        pr = print_doc(f, draw_layout(seed))
        text, hidden = ocr_text(pr, seed)
        if re.search(r"\d,?\t,?\d", text) or re.search(r"\d, \d", text) or re.search(r"\d \d{3}\b", text):
            seen.add("split")
        if "\t" in text:
            seen.add("tabs")
        if re.search(r"[a-z]\d{1,3},\d{3}", text) or re.search(r"\d{4}[A-Z][a-z]", text):
            seen.add("run-in")
        if re.search(r"\(\s*[\d,]+\s+\S+\s*\)", text) or re.search(r"\(\t", text):
            seen.add("paren")
        if re.search(r"\d[Ol]\d|[Ol],\d{3}", text):
            seen.add("letters")
        if "misread" in hidden.values():
            seen.add("misread")
        if "lost" in hidden.values():
            seen.add("lost")
    assert seen >= {"split", "tabs", "run-in", "paren", "letters", "misread", "lost"}, seen


def test_documents_are_deterministic(tmp_path):
    for spec in (Spec("text", "focus-ii", 3), Spec("ocrtext", "daily-seg", 4), Spec("whole", "focus-ii", 5),
                 Spec("scan", "daily-seg", 6, 120, "photo"), Spec("scan", "focus-ii", 7, 100, "fax")):
        a, b = make(spec, tmp_path / "a"), make(spec, tmp_path / "b")
        assert a.path.read_bytes() == b.path.read_bytes(), spec
        assert a.truth == b.truth


# --- the checker -------------------------------------------------------------------------------------------

@dataclass
class _E:
    report: str
    lines: dict
    how: dict = field(default_factory=dict)


def _truth(shown, hidden=None, kind="daily-seg"):
    full = {c: BLANK for c in arith.all_codes(kind)}
    full.update(shown)
    return {"spec": {"kind": kind}, "shown": full, "hidden": hidden or {}}


def test_checker_judges_claims():
    t = _truth({"7010": 100, "7020": 20, "7040": 120, "7060": 120, "7050": 0})
    # right, null, blank for an empty cell: nothing wrong
    j = wrong_claims(_E("daily-seg", {"7010": 100, "7020": None, "7030": None}, {"7010": "read", "7020": "unreadable",
                                                                                "7030": "blank"}), t)
    assert j.wrong == [] and j.recovered == 2
    # a wrong read, a blank for a printed number, a reconstructed value where the page prints another
    j = wrong_claims(_E("daily-seg", {"7010": 101, "7020": None, "7040": 121},
                        {"7010": "read", "7020": "blank", "7040": "reconstructed"}), t)
    assert [w[0] for w in j.wrong] == ["7010", "7020", "7040"]
    # 0 for a printed blank, blank for a printed 0: the same amount, listed apart
    j = wrong_claims(_E("daily-seg", {"7030": 0, "7050": None}, {"7030": "reconstructed", "7050": "blank"}), t)
    assert j.wrong == [] and len(j.blank_zero) == 2
    # a hidden line: what the arithmetic of the shown lines gives, or wrong
    t = _truth({"7010": 100, "7020": 20, "7040": 120, "7060": 120, "7050": 0}, {"7020": "lost"})
    assert wrong_claims(_E("daily-seg", {"7020": 20}, {"7020": "reconstructed"}), t).wrong == []
    assert wrong_claims(_E("daily-seg", {"7020": 21}, {"7020": "repaired"}), t).wrong
    # obscured: what is printed under the mark will do too
    t = _truth({"7010": 100, "7020": 20, "7040": 125, "7060": 125}, {"7020": "obscured"})
    assert wrong_claims(_E("daily-seg", {"7020": 20}, {"7020": "read"}), t).wrong == []
    # nothing settles it: right is unfounded, anything else wrong
    t = _truth({"7010": 100}, {c: "lost" for c in ("7010", "7040", "7060", "7190", "7198")})
    j = wrong_claims(_E("daily-seg", {"7010": 100}, {"7010": "reconstructed"}), t)
    assert j.wrong == [] and j.unfounded
    assert wrong_claims(_E("daily-seg", {"7010": 7}, {"7010": "reconstructed"}), t).wrong
    # a page that does not foot settles nothing: 7020 lost, 7060 printed 127 = 120 + 0 + 7
    t = _truth({"7010": 100, "7020": 20, "7040": 120, "7060": 127, "7050": 0}, {"7020": "lost"})
    assert wrong_claims(_E("daily-seg", {"7020": 20}, {"7020": "reconstructed"}), t).unfounded
    assert wrong_claims(_E("daily-seg", {"7020": 27}, {"7020": "reconstructed"}), t).wrong
    # the wrong report kind is wrong on its face
    assert wrong_claims(_E("focus-ii", {}), t).wrong


def test_spec_ids_and_samples_are_stable():
    from docgen.corpus import sample
    s = sample(text=3, ocrtext=2, scans=12, whole=1, whole_scans=1)
    assert [x.id for x in s][:3] == ["text-%s-0" % _kind(0), "text-%s-1" % _kind(1), "text-%s-2" % _kind(2)]
    scans = [x for x in s if x.cls == "scan"]
    assert {x.damage for x in scans} == set(DAMAGES) and len({x.dpi for x in scans}) >= 5
    assert random.Random("kind/0").choice(["focus-ii", "daily-seg"]) == _kind(0)
