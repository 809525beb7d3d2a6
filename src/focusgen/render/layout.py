"""Laying a form out once: the HTML with placeholders (slots.py) through WeasyPrint, kept as data.

The result, a *plan*, is the PDF WeasyPrint would write, object by object, except that each slot's
text is cut out of its page and described instead: the drawing state it set, its font and size, its
baseline, the edge it keeps (its right edge in right-aligned or justified text, its left edge in
left-aligned text, its centre in centred text) and, per font, each placeholder character's glyph and
width. pdfwrite.assemble() then writes a build's values into those places; that needs no layout.

Nothing in a plan is code: numbers, strings and base64 bytes only (it is stored as JSON), built
from WeasyPrint's public drawing output. What cannot be placed exactly (a slot broken over two
lines, drawn in two fonts, letter-spaced or transformed) makes the plan unplaceable, and such a
document is laid out with its values every time, which gives the same bytes in any cache state.
"""

from __future__ import annotations

import base64
import re

from . import engine  # noqa: F401  (WeasyPrint, with fontconfig pointed at the bundled fonts)
from .pdfwrite import FORMAT
from .slots import ATTRIBUTE

import pydyf  # noqa: E402
import weasyprint.draw  # noqa: E402
from weasyprint.formatting_structure import boxes  # noqa: E402
from weasyprint import DEFAULT_OPTIONS  # noqa: E402
from weasyprint.pdf import generate_pdf  # noqa: E402

_TM = re.compile(rb"^(\S+) (\S+) (\S+) (\S+) (\S+) (\S+) Tm$")
_TF = re.compile(rb"^/(\S+) (\S+) Tf$")
_TJ = re.compile(rb"^\[((?:<[0-9a-f]*>|-?[0-9.]+)*)\] TJ$")
_TJ_PART = re.compile(rb"<([0-9a-f]*)>|(-?[0-9.]+)")


class Unplaceable(Exception):
    """This document's slots cannot be placed exactly; it is laid out with its values instead."""


def b64(data: bytes) -> str:
    return base64.b64encode(data).decode("ascii")


class _Sentinel:
    """Put in a page's operations before a slot is drawn, so WeasyPrint does not run the slot's
    text into the previous text object (it reopens a text object when the last operation is ET)."""


class _Slot:
    def __init__(self, index: int, ops: list, box) -> None:
        self.index, self.ops, self.box = index, ops, box


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


def _leaves(box):
    """The boxes that hold a line's content, in order (text, and atomic boxes such as images)."""
    if isinstance(box, boxes.InlineBox) or isinstance(box, boxes.LineBox):
        for child in box.children:
            yield from _leaves(child)
    else:
        yield box


def _check_lines(doc) -> None:
    """A placed value may differ in width from its placeholder; that is exact only when nothing else on
    its line moves with its width: a value kept by its right edge starts its line (or ends a justified
    line's last space), one kept by its left edge ends its line, a centred one is alone; and it never
    wraps."""
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
            leaves = list(_leaves(line))
            for i, leaf in enumerate(leaves):
                element = getattr(leaf, "element", None)
                if not isinstance(leaf, boxes.TextBox) or element is None or element.get(ATTRIBUTE) is None:
                    continue
                k = element.get(ATTRIBUTE)
                if leaf.style["white_space"] not in ("nowrap", "pre"):
                    raise Unplaceable(f"slot {k} may wrap (white-space: {leaf.style['white_space']})")
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


def _content(items: list) -> bytes:
    """Operations joined as pydyf joins them (through its public Stream, uncompressed)."""
    data = pydyf.Stream(list(items)).data
    head, sep, rest = data.partition(b"\nstream\n")
    assert sep and rest.endswith(b"\nendstream"), "pydyf stream layout"
    return rest[: -len(b"\nendstream")]


def _describe_slot(slot: _Slot, alphabets: list[str], fonts: dict) -> dict:
    ops = slot.ops
    if not all(isinstance(op, bytes) for op in ops) or ops.count(b"BT") != 1:
        raise Unplaceable(f"slot {slot.index} is not drawn as one text object")
    bt = ops.index(b"BT")
    state, text = ops[:bt], ops[bt:]
    if len(text) != 5 or text[-1] != b"ET":
        raise Unplaceable(f"slot {slot.index} is drawn in {len(text) - 2} operations, not one run of one font")
    tm, tf, tj = _TM.match(text[1]), _TF.match(text[2]), _TJ.match(text[3])
    if not (tm and tf and tj):
        raise Unplaceable(f"slot {slot.index}: unexpected text operations")
    a, b, c, d, _, f = (float(v) for v in tm.groups())
    if (a, b, c, d) != (1, 0, 0, -1):
        raise Unplaceable(f"slot {slot.index} is transformed")
    glyphs = []
    for hexes, number in _TJ_PART.findall(tj.group(1)):
        if number:
            if float(number) != 0:
                raise Unplaceable(f"slot {slot.index} is spaced or kerned")
        elif len(hexes) % 4:
            raise Unplaceable(f"slot {slot.index} is in a bitmap font")
        else:
            glyphs += [int(hexes[i:i + 4], 16) for i in range(0, len(hexes), 4)]
    placeholder = alphabets[slot.index]
    if slot.box.text != placeholder or len(glyphs) != len(placeholder):
        raise Unplaceable(f"slot {slot.index} is not drawn as its placeholder, glyph for character")
    name = tf.group(1).decode("ascii")
    font = fonts.get(name)
    if font is None:
        raise Unplaceable(f"slot {slot.index}: font {name} not in the document")
    table = font.setdefault("glyphs", {})
    for ch, gid in zip(placeholder, glyphs):
        width = font["widths"][gid]
        if width != int(width):
            raise Unplaceable(f"slot {slot.index}: {ch!r} has a fractional width")
        entry = [gid, int(width)]
        if table.setdefault(ch, entry) != entry:
            raise Unplaceable(f"slot {slot.index}: {ch!r} drawn as two glyphs")
    anchor, edge = _anchor(slot.box)
    return {"slot": slot.index, "state": b64(_content(state)) if state else "", "font": name,
            "size": float(tf.group(2)), "baseline": f, "anchor": anchor, "edge": edge}


def lay_out(html: str, alphabets: list[str], epoch: int) -> dict:
    """The plan of `html` (slot k holding the placeholder alphabets[k])."""
    try:
        return _lay_out(html, alphabets, epoch)
    except Unplaceable as exc:
        return {"format": FORMAT, "placeable": False, "reason": str(exc)}


def _lay_out(html: str, alphabets: list[str], epoch: int) -> dict:
    real = weasyprint.draw.draw_text

    def draw_text(stream, box, *args, **kwargs):
        element = box.element
        index = element.get(ATTRIBUTE) if element is not None else None
        if index is None:
            return real(stream, box, *args, **kwargs)
        k = int(index)
        if not 0 <= k < len(alphabets):
            raise Unplaceable(f"slot {index} was not recorded")
        style = box.style
        if (style["font_kerning"], style["font_variant_ligatures"], style["letter_spacing"],
                style["font_feature_settings"], style["text_transform"]) != ("none", "none", "normal", "normal", "none"):
            # kerning, ligatures or spacing would make a value's glyph positions depend on its digits
            raise Unplaceable(f"slot {k} is kerned, ligated, spaced or transformed (filing.css sets "
                              "[data-fg-slot] {{ font-kerning: none; font-variant-ligatures: none }})")
        stream.stream.append(_Sentinel())
        start = len(stream.stream)
        real(stream, box, *args, **kwargs)
        ops = stream.stream[start:]
        del stream.stream[start - 1:]
        stream.stream.append(_Slot(k, ops, box))

    with engine.source_date(epoch):
        doc = engine.document(html)
        _check_lines(doc)
        weasyprint.draw.draw_text = draw_text
        try:
            pdf = generate_pdf(doc, None, 1, **DEFAULT_OPTIONS)
        finally:
            weasyprint.draw.draw_text = real
    fonts = {f.hash: {"widths": dict(f.widths)} for f in doc.fonts.values()}
    objects = []
    for obj in pdf.objects[1:]:
        items = getattr(obj, "stream", None) if isinstance(obj, pydyf.Stream) else None
        if not items or not any(isinstance(i, _Slot) for i in items):
            objects.append(b64(obj.data))
            continue
        if any(isinstance(i, _Sentinel) for i in items) or not obj.compress:
            raise Unplaceable("a slot's stream is not a compressed page stream")
        parts, run = [], []
        for item in items:
            if isinstance(item, _Slot):
                if run:
                    parts.append(b64(_content(run)))
                    run = []
                parts.append(_describe_slot(item, alphabets, fonts))
            else:
                run.append(item)
        if run:
            parts.append(b64(_content(run)))
        extra = pydyf.Dictionary(dict(obj.extra)).data[2:-2]     # its entries, without << >>
        objects.append({"extra": b64(extra), "parts": parts})
    info = None
    if pdf.info:
        pdf.add_object(pdf.info)
        objects.append(b64(pdf.info.data))
        info = pdf.info.number
    glyphs = {name: {ch: g for ch, g in font.get("glyphs", {}).items()} for name, font in fonts.items()
              if font.get("glyphs")}
    return {"format": FORMAT, "placeable": True, "version": "1.7", "objects": objects,
            "root": pdf.catalog.number, "info": info, "fonts": glyphs, "slots": len(alphabets)}
