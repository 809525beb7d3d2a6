"""Laying a form out once: the HTML with placeholders (slots.py) through WeasyPrint, kept as data.

The result, a *plan*, is what pdfwrite.assemble() needs to write the PDF WeasyPrint would draw, with
no layout: each page's size and content, the content of each slot cut out and described instead (the
drawing state it set, its font and size, its baseline, the edge it keeps: its right edge in
right-aligned or justified text, its left edge in left-aligned text, its centre in centred text), each
font's face and the width and character of every glyph the static content draws, the graphics states,
the outline (bookmarks) and the document's language. Nothing in a plan is code or PDF object bytes:
numbers, strings and base64 page content only (stored as JSON), and pdfwrite.validate() checks it.

Reading a layout this way uses WeasyPrint internals, pinned in pyproject.toml (TESTED below): the
draw_text hook, the boxes of the laid-out pages, generate_pdf and its pydyf objects, its fonts. If any
is missing or not as tested, or the document's slots cannot be placed exactly (a slot that may wrap,
shares its line with content that would move with its width, is kerned, spaced, transformed or drawn
in two fonts), the plan says so (`placeable: false`, with the reason) and the document is laid out
with its values, through WeasyPrint's public API only (pdf.py). Such a plan is never kept.
"""

from __future__ import annotations

import base64
import re

from . import engine  # noqa: F401  (WeasyPrint, with fontconfig pointed at the bundled fonts)
from . import fonts as bundled
from .pdfwrite import FORMAT, BadPlan, _num, validate
from .slots import ATTRIBUTE, FIXED

# The versions whose internals this module reads (keep in step with pyproject.toml).
TESTED = {"weasyprint": ("70.",), "pydyf": ("0.13.",)}

_TM = re.compile(rb"^1 0 0 -1 (\S+) (\S+) Tm$")
_TF = re.compile(rb"^/(\S+) (\S+) Tf$")
_TJ = re.compile(rb"^\[((?:<[0-9a-f]*>|-?[0-9.]+(?:e-?[0-9]+)?)*)\] TJ$")
_TJ_PART = re.compile(rb"<([0-9a-f]*)>|(-?[0-9.]+(?:e-?[0-9]+)?)")
_REF = re.compile(rb"^(\d+) 0 R$")


class Unplaceable(Exception):
    """This document's slots cannot be placed exactly; it is laid out with its values instead."""


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


class _Sentinel:
    """Put in a page's operations before a slot is drawn, so WeasyPrint does not run the slot's
    text into the previous text object (it reopens a text object when the last operation is ET)."""


class _Slot:
    def __init__(self, name: str, ops: list, box) -> None:
        self.name, self.ops, self.box = name, ops, box


def _align(box) -> str:
    style = box.style
    align = style["text_align_last"]
    return style["text_align_all"] if align == "auto" else align


def _anchor(box) -> tuple[str, float]:
    """The edge a placed value keeps, from the alignment of its line."""
    align = _align(box)
    x, width = box.position_x, box.width
    if align in ("right", "end", "justify"):
        return "right", x + width
    if align == "center":
        return "center", x + width / 2
    return "left", x


def _leaves(box, boxes):
    """The boxes that hold a line's content, in order (text, and atomic boxes such as images)."""
    if isinstance(box, (boxes.InlineBox, boxes.LineBox)):
        for child in box.children:
            yield from _leaves(child, boxes)
    else:
        yield box


def _check_lines(doc, boxes) -> None:
    """A placed value may differ in width from its placeholder; that is exact only when nothing else on
    its line moves with its width: a value kept by its right edge starts its line (or ends a justified
    line's last space), one kept by its left edge ends its line, a centred one is alone, one as wide as
    its placeholder (a date in figures) stands anywhere; and it never wraps."""
    def walk(box):
        if isinstance(box, boxes.LineBox):
            yield box
        for child in getattr(box, "children", ()):
            yield from walk(child)

    for page in doc.pages:
        root = getattr(page, "_page_box", None)
        if root is None:
            raise Unplaceable("the laid-out pages cannot be inspected")
        for line in walk(root):
            leaves = list(_leaves(line, boxes))
            for i, leaf in enumerate(leaves):
                element = getattr(leaf, "element", None)
                if not isinstance(leaf, boxes.TextBox) or element is None or element.get(ATTRIBUTE) is None:
                    continue
                k = element.get(ATTRIBUTE)
                if leaf.style["white_space"] not in ("nowrap", "pre"):
                    raise Unplaceable(f"slot {k} may wrap (white-space: {leaf.style['white_space']})")
                if element.get(FIXED) is not None:
                    continue
                anchor, _ = _anchor(leaf)
                after = leaves[i + 1:]
                if anchor == "right" and _align(leaf) == "justify":
                    ok = not any(" " in getattr(b, "text", "") for b in after)
                elif anchor == "right":
                    ok = i == 0
                elif anchor == "left":
                    ok = not after
                else:
                    ok = len(leaves) == 1
                if not ok:
                    raise Unplaceable(f"slot {k} shares its line with content that would move with its width")


def _content(items: list, pydyf) -> bytes:
    """Operations joined as pydyf joins them (through its public Stream, uncompressed), each text
    array written without its zero adjustments (WeasyPrint writes one after every glyph)."""
    data = pydyf.Stream(list(items)).data
    head, sep, rest = data.partition(b"\nstream\n")
    if not (sep and rest.endswith(b"\nendstream")):
        raise Unplaceable("pydyf writes streams otherwise than tested")
    return b"\n".join(_compact(line) if line.endswith(b"] TJ") else line
                      for line in rest[: -len(b"\nendstream")].split(b"\n"))


def _compact(line: bytes) -> bytes:
    """[<0036>0<0037>74<0024>0] TJ -> [<00360037>74<0024>] TJ: the same glyphs at the same places."""
    m = _TJ.match(line)
    if m is None:
        raise Unplaceable(f"an unexpected text operation {line[:40]!r}")
    out, run = [], []
    for hexes, number in _TJ_PART.findall(m.group(1)):
        if number:
            value = float(number)
            if value:
                out.append(b"<" + b"".join(run) + b">" + _num(value))
                run = []
        else:
            run.append(hexes)
    if run or not out:
        out.append(b"<" + b"".join(run) + b">")
    return b"[" + b"".join(out) + b"] TJ"


def _describe_slot(slot: _Slot, pydyf, placeholders: dict[str, str], font_names: dict) -> dict:
    ops = slot.ops
    if not all(isinstance(op, bytes) for op in ops) or ops.count(b"BT") != 1:
        raise Unplaceable(f"slot {slot.name} is not drawn as one text object")
    bt = ops.index(b"BT")
    state, text = ops[:bt], ops[bt:]
    if len(text) != 5 or text[-1] != b"ET":
        raise Unplaceable(f"slot {slot.name} is drawn in {len(text) - 2} operations, not one run of one font")
    tm, tf, tj = _TM.match(text[1]), _TF.match(text[2]), _TJ.match(text[3])
    if not (tm and tf and tj):
        raise Unplaceable(f"slot {slot.name}: unexpected text operations (transformed?)")
    glyphs = 0
    for hexes, number in _TJ_PART.findall(tj.group(1)):
        if number:
            if abs(float(number)) >= 1:
                raise Unplaceable(f"slot {slot.name} is spaced or kerned")
        elif len(hexes) % 4:
            raise Unplaceable(f"slot {slot.name} is in a bitmap font")
        else:
            glyphs += len(hexes) // 4
    placeholder = placeholders[slot.name]
    if slot.box.text != placeholder or glyphs != len(placeholder):
        raise Unplaceable(f"slot {slot.name} is not drawn as its placeholder, glyph for character")
    name = tf.group(1).decode("ascii")
    if name not in font_names:
        raise Unplaceable(f"slot {slot.name}: font {name} is not one of the bundled faces")
    size = int(slot.box.style["font_size"] * 1024) / 1024       # the size Pango draws at
    if abs(size - float(tf.group(2))) > 1e-5:
        raise Unplaceable(f"slot {slot.name}: drawn at another size than its style's")
    anchor, edge = _anchor(slot.box)
    return {"slot": slot.name, "state": b64(_content(state, pydyf)) if state else "", "font": name,
            "size": size, "x": edge, "y": float(tm.group(2)), "anchor": anchor}


def lay_out(html: str, placeholders: dict[str, str], epoch: int, check: bool = True) -> dict:
    """The plan of `html` (slot `name` holding placeholders[name]), checked as the cache checks it
    (check=False: by the caller, as layout_cache does on the plan read back from its JSON); or
    {"placeable": False, "reason": ...}."""
    try:
        plan = _lay_out(html, placeholders, epoch)
        if check:
            validate(plan, placeholders)
        return plan
    except Unplaceable as exc:
        return {"format": FORMAT, "placeable": False, "reason": str(exc)}
    except BadPlan as exc:
        return {"format": FORMAT, "placeable": False, "reason": f"the layout is not one pdfwrite can write: {exc}"}
    except (AttributeError, TypeError, KeyError, IndexError, ValueError, AssertionError, ImportError) as exc:
        # an internal of WeasyPrint or pydyf that is missing or not as tested
        return {"format": FORMAT, "placeable": False,
                "reason": f"WeasyPrint's internals are not as tested ({type(exc).__name__}: {exc})"}


def _faces(doc) -> dict[str, str]:
    """WeasyPrint's font resource names -> the bundled face each draws with."""
    found = {}
    for font in doc.fonts.values():
        if font.family != bundled.FAMILY or font.style != 0 or font.bitmap or font.missing:
            raise Unplaceable(f"a font other than the bundled faces ({font.family})")
        found[font.hash] = "bold" if font.weight >= 600 else "regular"
    return found


def _lay_out(html: str, placeholders: dict[str, str], epoch: int) -> dict:
    import pydyf
    import weasyprint
    import weasyprint.draw
    from weasyprint import DEFAULT_OPTIONS
    from weasyprint.formatting_structure import boxes
    from weasyprint.pdf import generate_pdf

    for module, versions in ((weasyprint, TESTED["weasyprint"]), (pydyf, TESTED["pydyf"])):
        if not str(getattr(module, "__version__", "")).startswith(versions):
            raise Unplaceable(f"{module.__name__} {getattr(module, '__version__', '?')} is not a version "
                              "focusgen's layout reading was tested with")
    real = weasyprint.draw.draw_text

    def draw_text(stream, box, *args, **kwargs):
        element = box.element
        name = element.get(ATTRIBUTE) if element is not None else None
        if name is None:
            return real(stream, box, *args, **kwargs)
        if name not in placeholders:
            raise Unplaceable(f"slot {name} was not recorded")
        style = box.style
        if (style["font_kerning"], style["font_variant_ligatures"], style["letter_spacing"],
                style["font_feature_settings"], style["text_transform"], style["text_decoration_line"]) \
                != ("none", "none", "normal", "normal", "none", "none"):
            # kerning, ligatures or spacing would make a value's glyph positions depend on its text
            raise Unplaceable(f"slot {name} is kerned, ligated, spaced, transformed or decorated (filing.css "
                              "sets .sl {{ font-kerning: none; font-variant-ligatures: none }})")
        stream.stream.append(_Sentinel())
        start = len(stream.stream)
        real(stream, box, *args, **kwargs)
        ops = stream.stream[start:]
        del stream.stream[start - 1:]
        stream.stream.append(_Slot(name, ops, box))

    with engine.source_date(epoch):
        doc = engine.document(html)
        _check_lines(doc, boxes)
        weasyprint.draw.draw_text = draw_text
        try:
            pdf = generate_pdf(doc, None, 1, **DEFAULT_OPTIONS)
        finally:
            weasyprint.draw.draw_text = real
        outlines = doc.make_bookmark_tree(0.75, transform_pages=True)      # public API
    faces = _faces(doc)
    widths = {f.hash: f.widths for f in doc.fonts.values()}
    texts = {f.hash: f.to_unicode for f in doc.fonts.values()}

    glyphs: dict[str, dict[str, list]] = {name: {} for name in faces}
    pages, states = _read_pages(pdf, pydyf, placeholders, faces, glyphs, widths, texts)
    if pdf.catalog.get("Names") or pdf.catalog.get("AcroForm") or pdf.catalog.get("OpenAction"):
        raise Unplaceable("a document with names, forms or actions")

    def tree(items) -> list:
        return [[title, page, x, y, tree(children)] for title, (page, x, y), children, _ in items]

    return {"format": FORMAT, "placeable": True, "producer": f"WeasyPrint {weasyprint.__version__}",
            "lang": doc.metadata.lang or None, "pages": pages, "states": states,
            "fonts": {name: {"face": face, "glyphs": glyphs[name]} for name, face in faces.items()},
            "outlines": tree(outlines)}


def _obj(pdf, ref) -> object:
    m = _REF.match(ref if isinstance(ref, bytes) else str(ref).encode())
    if m is None:
        raise Unplaceable("an unexpected reference")
    return pdf.objects[int(m.group(1))]


def _read_pages(pdf, pydyf, placeholders: dict[str, str], faces: dict, glyphs: dict, widths: dict,
                texts: dict) -> tuple[list, dict]:
    """Each page WeasyPrint wrote: its size and its content as static runs (base64) and slots; the
    graphics states the pages use; the glyphs the static content draws (into `glyphs`)."""
    pages, states = [], {}
    for kid in pdf.page_references:
        page = _obj(pdf, kid)
        if set(page) - {"Type", "Parent", "MediaBox", "Contents", "Resources", "TrimBox", "BleedBox"}:
            raise Unplaceable(f"a page with {sorted(set(page) - {'Type', 'Parent', 'MediaBox'})}")
        left, top, right, bottom = (float(v) for v in page["MediaBox"])
        if (left, top) != (0, 0):
            raise Unplaceable("a page with bleed")
        resources = _obj(pdf, page["Resources"])
        for key, value in resources.items():
            if key == "ExtGState":
                for gs, entries in value.items():
                    states[gs] = {k: v for k, v in entries.items()}
            elif key not in ("ColorSpace", "Font") and value:
                raise Unplaceable(f"pages use {key} resources")
        stream = _obj(pdf, page["Contents"])
        items = stream.stream
        if any(isinstance(i, _Sentinel) for i in items):
            raise Unplaceable("a slot was not drawn")
        parts, run = [], []
        for item in items:
            if isinstance(item, _Slot):
                if run:
                    parts.append(b64(_content(run, pydyf)))
                    run = []
                parts.append(_describe_slot(item, pydyf, placeholders, faces))
            else:
                run.append(item)
        if run:
            parts.append(b64(_content(run, pydyf)))
        for part in parts:
            if isinstance(part, str):
                _static_glyphs(base64.b64decode(part), glyphs, widths, texts)
        pages.append({"size": [right, bottom], "content": parts})
    return pages, states


def _static_glyphs(data: bytes, glyphs: dict, widths: dict, texts: dict) -> None:
    """The width and text WeasyPrint gave each glyph the static content draws, per font."""
    font = None
    for line in data.split(b"\n"):
        m = _TF.match(line)
        if m:
            font = m.group(1).decode("ascii")
            continue
        m = _TJ.match(line)
        if not m:
            continue
        if font not in glyphs:
            raise Unplaceable(f"static text in font {font}, which is not one of the bundled faces")
        table = glyphs[font]
        for hexes, _ in _TJ_PART.findall(m.group(1)):
            for i in range(0, len(hexes), 4):
                gid = int(hexes[i:i + 4], 16)
                if str(gid) not in table:
                    table[str(gid)] = [widths[font][gid], texts[font][gid]]
