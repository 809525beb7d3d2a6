"""The filing as a form-faithful PDF: laid out by WeasyPrint once per form revision and variant, its
values placed.

- One layout per variant: the template (templates/filing.html.j2) is rendered from context(), which
  holds only what a variant of the form shows (the report and its form revision's wording and rows,
  the registrant's form name, the filing status, the pages present, the text boxes' geometry, the
  public copy or not) and prints every per-filing text through slot(): the amounts, the dates, the
  firm's name, numbers, address and contact, the names and describe texts, the check marks, the
  input's hash. values() gives each slot's value, fitted into its box (fit.py). The layout is kept
  as a plan keyed by the context (layout_cache.py), so a new period, a new date or a new firm is
  placed into the plan its variant already has (pdfwrite.py), without WeasyPrint or even Jinja.
- Laid out with its values instead, through WeasyPrint's public API, when placing is not exact: a
  text in a right-to-left script or one the font's substitutions change (fit.exact), or a layout
  that cannot be placed (an internal of WeasyPrint not as tested, see layout.py). Such a document
  is laid out with its values in every cache state.
- Locked down: autoescaping is on (a firm named `AT&T <Clearing>` prints literally), and the URL
  fetcher serves only the bundled files under templates/assets (engine.py).
- Reproducible: bundled fonts, dates from the as-of date; the same input gives the same bytes in any
  process and any cache state.

To add a text the pages show: a slot in the template (`slot(name, kind)`, or `fitbox(name, box)` for
text that may be long), its box in context() when it has one, and its value in values().
"""

from __future__ import annotations

from datetime import datetime, timezone
from functools import lru_cache

from .. import __version__
from . import view
from .fit import Box, fit, nfc
from .slots import KINDS, Value
from ..money import fmt_amount
from ..report.model import Filing
from ..resources import TEMPLATES, made_copy

CONTENT = 532.8        # pt: the width between the page margins of filing.css (Letter, 0.55in each side)
TEMPLATE = "filing.html.j2"


def __getattr__(name: str):
    # the locked-down WeasyPrint pipeline, imported only when used
    if name in ("AssetFetcher", "RefusedURL"):
        from . import engine
        return getattr(engine, name)
    raise AttributeError(name)


@lru_cache(maxsize=1)
def _environment():
    import jinja2
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=False)
    from .slots import slot
    env.globals["slot"] = slot
    env.globals["fitbox"] = fitbox
    return env


# The template as Jinja compiles it, shipped beside it (tests/templatemake.py makes it; test_pdf_template.py
# checks it is current): a build that lays a form out (the first build ever, a new variant) need not
# compile the template, about 3% of such a build. Used only when its first line names the template's
# bytes, this Jinja, the environment's options and the code below it as they are; else compiled here.
COMPILED = TEMPLATES / f"{TEMPLATE}.compiled"


def _compiled_head(env, source: bytes, code: str) -> str:
    import hashlib
    import jinja2
    options = repr([env.autoescape, env.trim_blocks, env.lstrip_blocks, env.keep_trailing_newline,
                    env.newline_sequence, env.optimized, sorted(env.extensions), env.block_start_string,
                    env.block_end_string, env.variable_start_string, env.variable_end_string,
                    env.comment_start_string, env.comment_end_string, env.line_statement_prefix,
                    env.line_comment_prefix])
    digest = [hashlib.sha256(data).hexdigest() for data in (source, options.encode(), code.encode())]
    return f"# {TEMPLATE} {digest[0]} Jinja2 {jinja2.__version__} options {digest[1]} code {digest[2]}\n"


def compiled_source() -> str:
    """The filing template compiled by Jinja to Python, under a first line naming what it was made from."""
    env = _environment()
    source = (TEMPLATES / TEMPLATE).read_bytes()
    code = env.compile(source.decode("utf-8"), TEMPLATE, raw=True)
    return _compiled_head(env, source, code) + code


@lru_cache(maxsize=1)
def _template():
    env = _environment()
    try:
        source = (TEMPLATES / TEMPLATE).read_bytes()
    except OSError:
        return env.get_template(TEMPLATE)
    code = made_copy(COMPILED, lambda code: _compiled_head(env, source, code))
    if code is None:
        return env.get_template(TEMPLATE)
    return env.template_class.from_code(env, compile(code, str(COMPILED), "exec"), env.make_globals(None))


def warm() -> None:
    """What a batch worker loads once, before its first filing: the fonts and their tables."""
    from . import fit as fitting
    for face in ("regular", "bold"):
        fitting._substituted(face)


# --- text boxes ---------------------------------------------------------------------------------------

def fitbox(name: str, box: dict, inline: bool = False):
    """A text box of the template: its lines, each a slot `name#i`, in a box of fixed size (its class,
    from the stylesheet prepare() writes: inline styles cost WeasyPrint a parse per element)."""
    from markupsafe import Markup
    from .slots import slot
    lines = "".join(slot(f"{name}#{i}", "line") for i in range(box["lines"]))
    return Markup(f'<span class="fit {box["class"]}{" in" if inline else ""}">{lines}</span>')


def _stylesheet(boxes: dict, fields: list, lifts: set) -> str:
    """The rules of the text boxes, the cover's field widths and the lifted amounts: a class each."""
    rules, classes = [], {}
    for name in sorted(boxes):
        b = boxes[name]
        geometry = (b["width"], round(b["rows"] * b["leading"], 2), b["size"], b["leading"], b["face"], b["anchor"])
        if geometry not in classes:
            c = classes[geometry] = f"fb{len(classes)}"
            # as tall as its row (the cover's boxes side by side: floats of exactly one height)
            rules.append(f".{c} {{ width: {b['width']}pt; height: {geometry[1]}pt; font-size: {b['size']}pt; "
                         f"line-height: {b['leading']}pt; font-weight: {'bold' if b['face'] == 'bold' else 'normal'}; "
                         f"text-align: {b['anchor']} }} .{c} .ln {{ height: {b['leading']}pt }}")
        b["class"] = classes[geometry]
    for width in sorted({f["width"] for f in fields}):
        rules.append(f".cw{str(width).replace('.', '_')} {{ width: {width}pt }}")
    for lift in sorted(lifts):
        # the amounts (.c, one row high) pulled up by the row's height, to its first line
        rules.append(f".c.up{lift} {{ margin-top: -{round(lift * 9.6 + 1.6, 2)}pt; "
                     f"padding-bottom: {round((lift - 1) * 9.6 + 1.6, 2)}pt }}")
    return "\n".join(rules)


def _box(width: float, lines: int, size: float, face: str = "regular", leading: float = 11.0, align: str = "top",
         anchor: str = "left", most: int | None = None) -> dict:
    return {"width": round(width, 2), "lines": lines, "most": most or lines, "size": size, "face": face,
            "leading": leading, "align": align, "anchor": anchor, "rows": lines}


def box_of(spec: dict) -> Box:
    return Box(width=spec["width"], lines=spec["lines"], size=spec["size"], face=spec["face"],
               leading=spec["leading"], align=spec["align"], anchor=spec["anchor"], most=spec["most"])


_ROW = 7.6          # pt: a statement row's text (filing.css .r), on 9.6pt lines
_COVER = 9          # pt: a cover value, bold, on 11pt lines


class Prepared:
    """A filing made ready for its PDF: the variant's context (what keys the layout), each slot's value
    and kind, whether every value can be placed glyph for glyph, and the texts too long for their boxes."""

    def __init__(self, ctx: dict, values: dict[str, Value], kinds: dict[str, str], exact: bool,
                 unfit: list[tuple[str, str]]) -> None:
        self.ctx, self.values, self.kinds, self.exact, self.unfit = ctx, values, kinds, exact, unfit


_LAST: list = []        # the last filing prepared (a build prepares it for the check, the PDF, the public copy)


def prepare(filing: Filing, public: bool = False) -> Prepared:
    """The context of the filing's variant and its slots' values. A text box takes the lines its text
    needs (fit.py): a text longer than its box at the box's size makes a variant of its own (laid out
    once too), a text that does not fit even its most lines at the smallest print is listed in unfit."""
    for f, pub, prepared in _LAST:
        if f is filing and pub == public:
            return prepared
    prepared = _prepare(filing, public)
    _LAST[:] = [(f, pub, p) for f, pub, p in _LAST[-1:]] + [(filing, public, prepared)]
    return prepared


class _Slots:
    """What a filing's preparation gathers: the text boxes (their geometry), the text each box shows
    (with the input field it comes from), and each slot's value and kind."""

    def __init__(self) -> None:
        self.boxes: dict[str, dict] = {}
        self.texts: dict[str, tuple[str, str]] = {}      # box -> (its text, the input field it shows)
        self.found: dict[str, Value] = {}
        self.kinds: dict[str, str] = {}

    def put(self, name: str, kind: str, text: str) -> None:
        self.found[name] = Value(text)
        self.kinds[name] = kind

    def box(self, name: str, spec: dict, text: str | None, field: str) -> None:
        self.boxes[name] = spec
        self.texts[name] = (text, field)


def _prepare(filing: Filing, public: bool) -> Prepared:
    h = filing.header
    daily = filing.report.kind == "daily-seg"
    cover = filing.report.cover
    s = _Slots()
    # the cover's wording, of the form revision in force on the as-of date (form/revisions)
    wording = ("sec_title", "title", "subtitle", "instructions", "omb", "pursuant_label")
    ctx: dict = {"winjammer": daily, "public": public, "version": __version__, "form_name": filing.form_name,
                 "amended": bool(h.amended), "cover": {k: cover[k] for k in wording if k in cover}}
    # the public copy leaves out the boxes that name a person (the cover's `private`: the contact)
    private = set(cover.get("private", ())) if public else set()
    if daily:
        _daily_cover(filing, s, ctx, private)
    else:
        _focus_cover(filing, s, ctx, private)
    if not public:
        s.put("asof.long", "date8", view.mmddyyyy(h.as_of))
        s.put("hash", "hex", filing.input.digest[:12])
    pages = _pages(filing, s, "minus" if daily else "parens")
    exact, unfit = _fit(s)
    lifts = _lift(pages, s.boxes)
    if not daily:
        _cover_rows(ctx["cover_fields"], s.boxes)
    ctx["pages"] = pages
    ctx["boxes"] = s.boxes
    ctx["stylesheet"] = _stylesheet(s.boxes, ctx.get("cover_fields", []), lifts)
    for f in ctx.get("cover_fields", []):
        f["class"] = f"cw{str(f['width']).replace('.', '_')}"
    return Prepared(ctx, s.found, s.kinds, exact, unfit)


def _daily_cover(filing: Filing, s: _Slots, ctx: dict, private: set) -> None:
    """WinJammer's banner and filing page, and the Daily Seg cover: the contact and the targets."""
    h = filing.header
    banner = view.banner(filing)
    s.put("banner.end", "text", banner[0][1])
    s.put("banner.last", "text", banner[3][1])
    s.box("banner.firm", _box(CONTENT - 62, 1, 8, most=3), h.firm.name, "firm.name")
    s.box("wj.status", _box(CONTENT, 1, 11, "bold", leading=16, most=3), h.filing_status, "filing_status")
    ctx["banner_last"] = "Submit Date" if h.submit_date else "As of"
    ctx["contact"] = []
    c = h.firm.contact
    for i, (label, text, field) in enumerate((("Name of Company", h.firm.name, "firm.name"),
                                              ("Contact Name", c.name, "firm.contact.name"),
                                              ("Contact Phone Number", c.phone, "firm.contact.phone"),
                                              ("Contact Email Address", c.email, "firm.contact.email"))):
        if field in private:
            continue
        s.box(f"contact.{i}", _box(CONTENT - 16, 2 if i == 0 else 1, _COVER, "bold", most=4), text, field)
        ctx["contact"].append([label, f"contact.{i}"])
    ctx["targets"] = []
    for choice in view.residual_interest_targets(filing):
        options = []
        for j, (wording, value) in enumerate(choice.options):
            name = f"target.{choice.line}.{j}"
            s.box(name, _box(180, 1, _ROW, leading=9.6, anchor="right"), value, f"lines.{choice.line}")
            options.append([wording, name])
        ctx["targets"].append({"title": choice.title, "line": choice.line, "options": options})


def _focus_cover(filing: Filing, s: _Slots, ctx: dict, private: set) -> None:
    """The FOCUS II page head and cover: its boxes, the consolidated names, the check boxes (a mark slot
    each, named by its box, or by its place where the form gives no box)."""
    h = filing.header
    cover = filing.report.cover
    s.put("asof.short", "date6", view.mmddyy(h.as_of))
    s.box("head.firm", _box(410, 2, _COVER, "bold", most=4), h.firm.name, "firm.name")
    ctx["cover"].update(part=list(cover["part"]), amended=cover["amended"] if h.amended else "")
    pursuant = view.pursuant(filing)
    ctx["pursuant"] = [[label, box, f"mark.{box or f'pursuant.{i}'}"] for i, (label, box, _) in enumerate(pursuant)]
    filed_by = view.filed_by(filing)
    ctx["filed_by"] = [[label, box, f"mark.{box or f'filed_by.{i}'}"] for i, (label, box, _) in enumerate(filed_by)]
    if filed_by:
        ctx["cover"]["filed_by"] = {"label": cover["filed_by"]["label"],
                                    "also": list(cover["filed_by"].get("also", ()))}
    values_of = {f.box: f.value for f in view.cover_fields(filing)}
    fields = []
    for label, box, field, *layout in cover.get("fields", ()):
        if field in private:
            continue
        width = layout[0] if layout else 100
        place = layout[1] if len(layout) > 1 else ""
        name = f"cover.{box}"
        outer = round(width * 0.999 * CONTENT / 100, 2)
        # one line, as the form prints them (the amended cover must fit its page too); a longer name or
        # street takes up to 4 (a variant of its own)
        two = field in ("firm.name", "firm.address.street")
        where = "firm.address" if field.startswith("firm.address") and isinstance(h.firm.address, str) else field
        s.box(name, _box(outer - 8 - 43.2, 1, _COVER, "bold", most=4 if two else 3), values_of[box], where)
        fields.append({"label": label, "box": box, "slot": name, "width": outer, "place": place, "pct": width})
    ctx["cover_fields"] = fields
    c = cover["consolidated"]
    focus = view.focus_cover(filing)
    rows = []
    for i, ((name_box, official_box), (text, _, _)) in enumerate(zip(c["boxes"], focus.consolidated)):
        s.box(f"consolidated.{i}", _box(CONTENT - 150, 1, _COVER, "bold", most=4), text, f"consolidated[{i}].name")
        rows.append([f"consolidated.{i}", name_box, official_box])
    yes, no = cover["carries"]["yes"], cover["carries"]["no"]
    ctx["focus"] = {
        "consolidated_label": c["label"], "official_use": c["official_use"], "consolidated": rows,
        "carries_label": cover["carries"]["label"],
        "carries": [[yes[0], yes[1], f"mark.{yes[1]}"], [no[0], no[1], f"mark.{no[1]}"]],
        "audited": [cover["audited"]["label"], cover["audited"]["box"], f"mark.{cover['audited']['box']}"],
        "execution": cover["execution"]}
    chosen = {name: checked for (_, _, name), (_, _, checked) in zip(ctx["pursuant"], pursuant)}
    chosen.update({name: checked for (_, _, name), (_, _, checked) in zip(ctx["filed_by"], filed_by)})
    for _, box, checked in focus.carries:
        chosen[f"mark.{box}"] = checked
    chosen[f"mark.{focus.audited[1]}"] = focus.audited[2]
    for name, checked in chosen.items():
        s.put(name, "mark", "X" if checked else "")


def _pages(filing: Filing, s: _Slots, convention: str) -> list:
    """The statement pages: rows with their amounts (a slot each), name fields and describe texts."""
    given = {str(k): v for k, v in filing.header.describe.items()}
    names = filing.names
    pages = []
    for page in view.pages(filing):
        sections = []
        for section in page.sections:
            rows = []
            for rv in section.rows:
                r = rv.row
                entry = {"kind": rv.kind, "heading": r.heading, "note": r.note, "num": r.num, "label": r.label,
                         "indent": r.indent, "cells": [], "name": None, "describe": None, "lift": None}
                for col, cell in (("i", rv.inner), ("o", rv.outer)):
                    if cell:
                        slot_name = f"L{cell.line.code}"
                        entry["cells"].append({"col": col, "code": cell.line.code, "coded": cell.line.coded,
                                               "dollar": cell.line.dollar, "slot": slot_name})
                        s.put(slot_name, "amount", fmt_amount(cell.value, convention))
                if rv.text:
                    code = rv.text[0].code
                    s.box(f"name.{code}", _box(165.6, 2, _ROW, leading=9.6, most=8), names[code], f"names.{code}")
                    entry["name"] = {"code": code, "slot": f"name.{code}"}
                if "(describe:)" in r.label and r.lines:
                    code = r.lines[0].code
                    s.box(f"describe.{code}", _box(230.4, 2, _ROW, leading=9.6, most=6), given.get(code, ""),
                          f"describe.{code}")
                    entry["describe"] = f"describe.{code}"
                rows.append(entry)
            sections.append({"title": section.title, "subtitle": section.subtitle, "rows": rows})
        pages.append(sections)
    return pages


def _fit(s: _Slots) -> tuple[bool, list[tuple[str, str]]]:
    """Each text into its box (fit.py), a slot per line; whether every line can be placed glyph for
    glyph, and the texts too long for their boxes."""
    from .fit import TooLong, exact as exact_text
    exact, unfit = True, []
    for name, (text, field) in s.texts.items():
        spec = s.boxes[name]
        try:
            fitted = fit(box_of(spec), nfc(text or ""))
        except TooLong:
            unfit.append((field, name))
            fitted = None
        lines = fitted.lines if fitted else ("",) * spec["lines"]
        spec["lines"] = spec["rows"] = len(lines)
        for i, line in enumerate(lines):
            s.found[f"{name}#{i}"] = Value(line, fitted.size if fitted and fitted.shrunk else None)
            s.kinds[f"{name}#{i}"] = "line"
            if line and not exact_text(line, spec["face"]):
                exact = False
    return exact, unfit


def _lift(pages: list, boxes: dict) -> set:
    """A row's amounts on its first line, below any text box: the lifts the rows need."""
    lifts = set()
    for sections in pages:
        for section in sections:
            for entry in section["rows"]:
                lift = 1
                if entry["name"]:
                    lift = boxes[entry["name"]["slot"]]["lines"]
                if entry["describe"]:
                    lift = 1 + boxes[entry["describe"]]["lines"]
                if lift > 1:
                    entry["lift"] = f"up{lift}"
                    lifts.add(lift)
    return lifts


def _cover_rows(fields: list, boxes: dict) -> None:
    """The cover's boxes side by side: one height per row (the tallest of its boxes)."""
    row: list[str] = []
    used = 0.0

    def flush() -> None:
        tallest = max((boxes[n]["lines"] for n in row), default=1)
        for n in row:
            boxes[n]["rows"] = tallest
        row.clear()
    for f in fields:
        if f["place"] or used + f["pct"] > 100.001:
            flush()
            used = 0.0
        row.append(f["slot"])
        used += f["pct"]
        if f["place"]:
            flush()
            used = 0.0
    flush()


def context(filing: Filing, public: bool = False) -> dict:
    """Everything the template shows that is not a slot: the variant of the form. Plain data only;
    its canonical JSON keys the layout (layout_cache.py)."""
    return prepare(filing, public).ctx


def values(filing: Filing, ctx: dict) -> tuple[dict[str, Value], dict[str, str], bool]:
    """Each slot's value, its kind, and whether every value can be placed glyph for glyph."""
    p = prepare(filing, ctx["public"])
    return p.values, p.kinds, p.exact


def unfit(filing: Filing) -> list[tuple[str, str]]:
    """(input field, its box) of each text that does not fit its box even at the smallest print. A
    report with a template of its own (the SIDR's, laid out with its values at each build) has no
    boxes of fixed size."""
    if filing.report.template != TEMPLATE:
        return []
    return prepare(filing).unfit


def info(filing: Filing) -> dict[str, str]:
    """The document information: what WeasyPrint takes from the HTML head when it writes the PDF."""
    h = filing.header
    stamp = f"D:{h.as_of.year:04d}{h.as_of.month:02d}{h.as_of.day:02d}000000Z"
    return {"Title": f"{h.firm.name} - {filing.form_name} as of {view.mmddyyyy(h.as_of)}", "Author": h.firm.name,
            "Creator": f"focusgen {__version__}", "CreationDate": stamp, "ModDate": stamp}


# --- rendering ----------------------------------------------------------------------------------------------

def render_html(filing: Filing, public: bool = False) -> str:
    """The filing's HTML with its values (what is laid out when they cannot be placed)."""
    p = prepare(filing, public)
    return _html(p.ctx, p.kinds, p.values, _meta(filing))


def layout_html(ctx: dict, kinds: dict[str, str]) -> str:
    """The HTML laid out once per variant: from the context and the slots' kinds only, nothing else of
    a filing (so the context is all that keys its layout)."""
    return _html(ctx, kinds, None, {"title": "", "author": "", "stamp": "1970-01-01T00:00:00Z"})


def _meta(filing: Filing) -> dict[str, str]:
    h = filing.header
    stamp = datetime(h.as_of.year, h.as_of.month, h.as_of.day, tzinfo=timezone.utc)
    return {"title": f"{h.firm.name} - {filing.form_name} as of {view.mmddyyyy(h.as_of)}", "author": h.firm.name,
            "stamp": stamp.strftime("%Y-%m-%dT%H:%M:%SZ")}


def _html(ctx: dict, kinds: dict[str, str], filled: dict | None, meta: dict) -> str:
    from .slots import recording
    with recording("slots" if filled is None else "direct", filled) as rec:
        html = _template().render(meta=meta, **ctx)
    if rec.kinds != kinds:
        # a programming error: the template and values() must name the same slots
        raise RuntimeError(f"the template's slots and values() differ: {sorted(set(rec.kinds) ^ set(kinds))[:5]}")
    return html


def html_to_pdf(html: str, epoch: int = 0, form_stylesheet: bool = True) -> bytes:
    """Any HTML through the locked-down WeasyPrint pipeline, laid out now (engine.py)."""
    from .engine import html_to_pdf as lay_out_and_write
    return lay_out_and_write(html, epoch, form_stylesheet)


def _epoch(filing: Filing) -> int:
    as_of = filing.header.as_of
    return int(datetime(as_of.year, as_of.month, as_of.day, tzinfo=timezone.utc).timestamp())


def render_pdf(filing: Filing, public: bool = False, layout_cache: bool = True) -> bytes:
    """public: the copy posted under Regulation 1.55(o), without the audit footer and the contact.
    layout_cache: keep and reuse layouts in the cache folder (settings.Settings; the same bytes either way)."""
    from . import layout_cache as cache, pdfwrite
    p = prepare(filing, public)
    if p.unfit:         # build.py refuses such a filing first (text-too-long)
        raise ValueError(f"texts too long for their boxes: {p.unfit}")
    if p.exact:
        for _ in range(2):
            plan, source = cache.plan_for(p.ctx, p.kinds, lay_out_variant, use_folder=layout_cache)
            if plan is None:
                break
            data = pdfwrite.assemble(plan, p.values, info(filing))
            try:
                pdfwrite.check_syntax(data, content=False)
                return data
            except pdfwrite.BadPDF:
                if source == "laid out":
                    raise           # the writer's own error, never a cache file's
                cache.forget(p.ctx, p.kinds, layout_cache)     # a kept plan that writes a bad PDF: laid out again
    return _laid_out(filing, p)


def render_pdf_laid_out(filing: Filing, public: bool = False) -> bytes:
    """The filing laid out with its values (a document that cannot be placed; and the tests' reference
    for placing)."""
    return _laid_out(filing, prepare(filing, public))


def _laid_out(filing: Filing, p: Prepared) -> bytes:
    return html_to_pdf(_html(p.ctx, p.kinds, p.values, _meta(filing)), _epoch(filing))


def placeholders(kinds: dict[str, str]) -> dict[str, str]:
    return {name: KINDS[kind][0] for name, kind in kinds.items()}


def lay_out_variant(ctx: dict, kinds: dict[str, str]) -> dict:
    """A variant laid out once (the plan layout_cache keeps): its HTML with placeholders through WeasyPrint."""
    from .layout import lay_out            # WeasyPrint: only when there is something to lay out
    return lay_out(layout_html(ctx, kinds), placeholders(kinds), 0, check=False)
