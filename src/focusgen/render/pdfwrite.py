"""Writing the filing's PDF from a plan (layout.py) and a build's values: no layout, no WeasyPrint.

A plan is data, and this module makes every object of the PDF from it: the catalog, the page tree,
each page and its content, the shared resources, the outline (bookmarks), the document information
and the fonts. The fonts are made here from the bundled font files (fonts.py): the glyphs the pages
draw, their widths, and a ToUnicode map in which every glyph stands for the character the font's own
cmap gives it. So a plan holds no object bytes, no font program and no glyph of a value.

- Placing: each slot's value is drawn as one run of glyphs of the slot's font, at its size (a fitted
  line may be smaller), on the slot's baseline, keeping the slot's edge (the right edge of a
  right-aligned amount, the left edge of a line of text, the centre of a check mark). A glyph drawn
  only by values takes the width WeasyPrint would give it at the size it is first drawn, so a placed
  value stands where laying it out would put it. A blank value draws nothing.
- validate() is what a plan must be to be used (a plan laid out just now passes it too): known keys
  and types only; page content only of the operators WeasyPrint draws these pages with, balanced,
  text opaque and dark, every glyph in its font's table; every glyph's text the character that the
  bundled face's cmap maps to that glyph, its width the face's; the slots exactly those of the build.
- check_syntax() reads a written PDF strictly (objects, streams and their lengths, the cross-reference
  table, the trailer, every reference resolved, every page's content in the same vocabulary).
- The same plan and values give the same bytes; the trailer's /ID is a digest of the objects.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import math
import re
import struct
import zlib

from . import fonts

FORMAT = 2          # of a plan (layout.py writes plans; this module reads them without WeasyPrint)
_ANCHORS = ("left", "right", "center")
_PLAN_KEYS = {"format", "placeable", "producer", "lang", "pages", "fonts", "states", "outlines"}
_SLOT_KEYS = {"slot", "state", "font", "size", "x", "y", "anchor"}
_MAX = 1e6          # no coordinate or size of a letter page comes near this


class BadPlan(ValueError):
    """A plan that is not one layout.py writes (a corrupt, foreign or forged cache file)."""


# --- PDF syntax ------------------------------------------------------------------------------------

def _num(v: float) -> bytes:
    """A number as text: fixed precision, no exponent, the same bytes for the same float."""
    text = f"{v:.4f}".rstrip("0").rstrip(".")
    return (text if text not in ("-0", "") else "0").encode("ascii")


def _string(text: str) -> bytes:
    """A PDF text string: literal when printable ASCII, else UTF-16BE with its byte order mark."""
    if all(32 <= ord(c) < 127 for c in text):
        return b"(" + text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)").encode("ascii") + b")"
    return b"<feff" + text.encode("utf-16-be").hex().encode("ascii") + b">"


def _b64(s: object) -> bytes:
    if not isinstance(s, str):
        raise BadPlan("expected base64 text")
    try:
        return base64.b64decode(s, validate=True)
    except (binascii.Error, ValueError):
        raise BadPlan("not base64") from None


# --- page content: the operators WeasyPrint draws these pages with ---------------------------------------

_N = rb"-?\d+(?:\.\d+)?"
_NAME = rb"/[A-Za-z0-9_.+-]{1,64}"
# graphics: state, transforms, paths and their painting, outside text objects
_GRAPHIC = (rb"q|Q|(?:%(n)s ){4}re|%(n)s %(n)s [ml]|(?:%(n)s ){6}(?:cm|c)|f\*?|[hnSsW]|W\*|B\*?|%(n)s w|[012] [Jj]"
            rb"|\[(?:%(n)s(?: %(n)s)*)?\] %(n)s d" % {b"n": _N})
_COLOUR = rb"(?:%(n)s ){3}(?:rg|RG)|%(n)s [gG]|%(name)s gs" % {b"n": _N, b"name": _NAME}
_TEXT = rb"\[(?:<(?:[0-9a-f]{4})*>(?:%(n)s)?)*\] TJ|(?:%(n)s ){6}Tm|%(name)s %(n)s Tf" % {b"n": _N, b"name": _NAME}
# a static part: whole operations, one a line, text operations only inside BT ... ET
_PART = re.compile(rb"(?:(?:%s|%s)\n|BT\n(?:(?:%s|%s)\n)*ET\n)*" % (_GRAPHIC, _COLOUR, _TEXT, _COLOUR))
_STATE = re.compile(rb"(?:(?:%s)\n)*" % _COLOUR)
# what end() reads of a page, in one pass: fonts, glyphs, graphics states, colours, q and Q
_SCAN = re.compile(rb"^(?:/([A-Za-z0-9_.+-]+) \S+ Tf|\[(.*)\] TJ|/([A-Za-z0-9_.+-]+) gs|(%s) (%s) (%s) (?:rg|RG)"
                   rb"|(%s) [gG]|([qQ]))$" % (_N, _N, _N, _N), re.M)
_HEX = re.compile(rb"<([0-9a-f]*)>")
_DARK = 0.6         # text and rules are black or grey: a plan cannot draw white over a value


class _Page:
    """One page's content checked in drawing order (static parts and slots): only the operations these
    pages are drawn with, balanced; only known fonts and graphics states; every colour black or grey;
    every glyph drawn in its font's table. Each part's grammar is checked as it comes, the rest at end()."""

    def __init__(self, fonts_: dict, states: set[str]) -> None:
        self.fonts, self.states = fonts_, states
        self.parts: list[bytes] = []
        self.used: dict[str, set[int]] = {}

    def ops(self, data: bytes) -> None:
        if data:
            data += b"\n"
            if _PART.fullmatch(data) is None:
                raise BadPlan("content: an operation these pages are not drawn with, or text outside a text object")
            self.parts.append(data)

    def slot(self, part: dict) -> None:
        state = _b64(part["state"])
        if state:
            state += b"\n"
            if _STATE.fullmatch(state) is None:
                raise BadPlan("a slot's drawing state holds more than colours")
            self.parts.append(state)

    def end(self) -> None:
        data = b"".join(self.parts)
        depth, font = 0, None
        shown: dict[str, list[bytes]] = {}
        states, colours = set(), set()
        for name, glyphs, state, r, g, b, grey, q in _SCAN.findall(data):
            if glyphs:
                shown[font].append(glyphs)
            elif name:
                font = name.decode()
                if font not in self.fonts:
                    raise BadPlan("content: an unknown font")
                shown.setdefault(font, [])
            elif q:
                depth += 1 if q == b"q" else -1
                if depth < 0:
                    raise BadPlan("content: Q without q")
            elif state:
                states.add(state)
            else:
                colours.add((r, g, b, grey))
        if depth:
            raise BadPlan("content: unbalanced q/Q")
        if not {s.decode() for s in states} <= self.states:
            raise BadPlan("content: an unknown graphics state")
        for colour in colours:
            if not all(0 <= float(v) <= _DARK for v in colour if v):
                raise BadPlan("content: a colour other than black or grey")
        for font, runs in shown.items():
            raw = bytes.fromhex(b"".join(_HEX.findall(b"".join(runs))).decode("ascii"))
            gids = set(struct.unpack(f">{len(raw) // 2}H", raw))
            table = self.fonts[font]["glyphs"]
            missing = gids - table.keys() if table is not None else set()
            if missing:
                raise BadPlan(f"content: glyph {min(missing)} is not in font {font}'s table")
            self.used.setdefault(font, set()).update(gids)


# --- what a plan must be ----------------------------------------------------------------------------

def validate(plan: object, kinds: dict[str, str]) -> dict:
    """The plan, checked, if it is a placeable plan this writer can write for slots named as in `kinds`,
    every glyph true to the bundled font (its glyph tables keyed by glyph id); BadPlan otherwise."""
    def need(ok: bool, what: str) -> None:
        if not ok:
            raise BadPlan(what)

    def number(v: object) -> bool:
        return isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v) and abs(v) < _MAX

    need(isinstance(plan, dict) and plan.get("format") == FORMAT, "not a plan of this format")
    need(plan.get("placeable") is True, "not a placeable plan")      # unplaceable plans are never kept
    need(set(plan) == _PLAN_KEYS, "unknown or missing keys")
    need(isinstance(plan["producer"], str) and re.fullmatch(r"WeasyPrint [0-9][0-9a-z.]{0,20}", plan["producer"])
         is not None, "producer")
    need(plan["lang"] is None or isinstance(plan["lang"], str) and re.fullmatch(r"[A-Za-z]{1,8}(-[A-Za-z0-9]{1,8})*",
                                                                               plan["lang"]) is not None, "lang")
    states = plan["states"]
    need(isinstance(states, dict) and all(isinstance(k, str) and re.fullmatch(r"[A-Za-z0-9_.+-]{1,64}", k)
                                          and isinstance(v, dict) and set(v) <= {"ca", "CA"} and v
                                          and all(x == 1 and not isinstance(x, bool) for x in v.values())
                                          for k, v in states.items()), "graphics states: opaque only")
    need(isinstance(plan["fonts"], dict) and plan["fonts"], "fonts")
    fonts_ = {}
    for name, font in plan["fonts"].items():
        need(isinstance(name, str) and re.fullmatch(r"[A-Za-z0-9_.+-]{1,64}", name) is not None
             and isinstance(font, dict) and set(font) == {"face", "glyphs"} and font["face"] in fonts.FACES
             and isinstance(font["glyphs"], dict), "font")
        face = fonts.face(font["face"])
        table = {}
        for gid, entry in font["glyphs"].items():
            need(isinstance(gid, str) and gid.isdigit() and len(gid) < 6 and isinstance(entry, list)
                 and len(entry) == 2, "glyph table")
            g, (width, text) = int(gid), entry
            need(0 < g < face.num_glyphs, "a glyph the face does not have")
            need(isinstance(text, str) and len(text) == 1 and face.cmap.get(ord(text)) == g,
                 f"glyph {g} of {name} does not stand for {text!r} in the face's cmap")
            need(isinstance(width, int) and not isinstance(width, bool)
                 and abs(width - face.units1000(g)) <= 1, f"glyph {g} of {name}: not the face's width")
            table[g] = (width, text)
        fonts_[name] = {"face": font["face"], "glyphs": table}
    pages = plan["pages"]
    need(isinstance(pages, list) and 0 < len(pages) <= 500, "pages")
    seen: dict[str, int] = {}        # a running head's slots are drawn on every page
    for page in pages:
        need(isinstance(page, dict) and set(page) == {"size", "content"} and isinstance(page["size"], list)
             and len(page["size"]) == 2 and all(number(v) and v > 0 for v in page["size"])
             and isinstance(page["content"], list), "page")
        check = _Page(fonts_, set(states))
        for part in page["content"]:
            if isinstance(part, str):
                check.ops(_b64(part))
                continue
            need(isinstance(part, dict) and set(part) == _SLOT_KEYS and isinstance(part["slot"], str)
                 and part["anchor"] in _ANCHORS and part["font"] in fonts_
                 and all(number(part[k]) for k in ("size", "x", "y")) and part["size"] > 0, "slot")
            need(part["slot"] in kinds, f"slot {part['slot']!r}: not one of this build's")
            w, h = page["size"]
            need(0 <= part["x"] <= w / 0.75 and 0 <= part["y"] <= h / 0.75, "a slot off its page")
            seen[part["slot"]] = 1
            check.slot(part)
        check.end()
    need(set(seen) == set(kinds), "slots missing from the plan")

    def outline(items: object, depth: int) -> None:
        need(isinstance(items, list) and depth < 8, "outline")
        for item in items:
            need(isinstance(item, list) and len(item) == 5 and isinstance(item[0], str) and len(item[0]) <= 2000
                 and isinstance(item[1], int) and 0 <= item[1] < len(pages) and number(item[2]) and number(item[3]),
                 "outline item")
            outline(item[4], depth + 1)
    outline(plan["outlines"], 0)
    return {**plan, "fonts": fonts_}


# --- writing -------------------------------------------------------------------------------------------

def _line(values: dict, part: dict) -> tuple[str, float]:
    value = values[part["slot"]]
    return value.text, (value.size if value.size is not None else part["size"])


def _stream(data: bytes, extra: bytes = b"") -> bytes:
    packed = zlib.compress(data, 6)     # zlib's default level: a third of level 9's time, 3% larger
    return b"<<" + extra + b"/Filter /FlateDecode/Length %d>>\nstream\n" % len(packed) + packed + b"\nendstream"


def _slot_ops(part: dict, values: dict, fonts_: dict, widths: dict, texts: dict, used: dict) -> bytes:
    """The content that draws one slot's value (its graphics state, then its text at its anchor), noting
    each glyph it uses, its width and its text; nothing for an empty value without a state."""
    state = base64.b64decode(part["state"])
    text, size = _line(values, part)
    if not text:
        return state
    name = part["font"]
    face = fonts.face(fonts_[name]["face"])
    table, glyph_text = widths[name], texts[name]
    gids, total = [], 0
    for c in text:
        gid = face.cmap[ord(c)]
        if gid not in table:
            table[gid] = face.width1000(gid, size)
        glyph_text.setdefault(gid, c)
        used[name].add(gid)
        gids.append(gid)
        total += table[gid]
    advance = total * size / 1000
    x = part["x"] - (advance if part["anchor"] == "right" else advance / 2 if part["anchor"] == "center" else 0)
    ops = b"\n".join((b"BT", b"1 0 0 -1 " + _num(x) + b" " + _num(part["y"]) + b" Tm",
                      b"/" + name.encode("ascii") + b" " + _num(size) + b" Tf",
                      b"[<" + struct.pack(f">{len(gids)}H", *gids).hex().encode("ascii") + b">] TJ", b"ET"))
    return state + b"\n" + ops if state else ops


def _font(name: str, face_name: str, gids: list[int], widths: dict[int, int], texts: dict[int, str], add) -> bytes:
    """One font's objects (the subset program, descriptor, CID font, ToUnicode, Type0): its resource entry."""
    face = fonts.face(face_name)
    chars = {ord(texts[g]): g for g in gids}
    program = face.subset(gids, chars)
    tag = fonts.subset_tag(face_name, gids)
    base = f"/{tag}+{face.name.rsplit('.', 1)[0]}".encode("ascii")
    file_ref = add(_stream(program, b"/Length1 %d" % len(program)))
    scale = 1000 / face.upem
    bbox = b" ".join(b"%d" % round(v * scale) for v in face.bbox)
    descriptor = add(b"<</Type /FontDescriptor/FontName " + base + b"/FontFamily " + _string(fonts.FAMILY)
                     + b"/Flags 4/FontBBox [" + bbox + b"]/ItalicAngle 0/Ascent %d/Descent %d/CapHeight %d"
                     % (round(face.ascent * scale), round(face.descent * scale), round(face.cap_height * scale))
                     + b"/StemV 80/StemH 80/FontFile2 %d 0 R>>" % file_ref)
    w = b" ".join(b"%d [%d]" % (g, widths[g]) for g in gids)
    cid = add(b"<</Type /Font/Subtype /CIDFontType2/BaseFont " + base
              + b"/CIDSystemInfo <</Registry (Adobe)/Ordering (Identity)/Supplement 0>>/CIDToGIDMap /Identity"
              + b"/FontDescriptor %d 0 R/W [" % descriptor + w + b"]>>")
    cmap = [b"/CIDInit /ProcSet findresource begin", b"12 dict begin", b"begincmap",
            b"/CIDSystemInfo <</Registry (Adobe)/Ordering (UCS)/Supplement 0>> def",
            b"/CMapName /Adobe-Identity-UCS def", b"/CMapType 2 def",
            b"1 begincodespacerange", b"<0000> <ffff>", b"endcodespacerange"]
    for i in range(0, len(gids), 100):
        batch = gids[i:i + 100]
        cmap.append(b"%d beginbfchar" % len(batch))
        cmap += [b"<%04x> <%s>" % (g, texts[g].encode("utf-16-be").hex().encode("ascii")) for g in batch]
        cmap.append(b"endbfchar")
    cmap += [b"endcmap", b"CMapName currentdict /CMap defineresource pop", b"end", b"end"]
    to_unicode = add(_stream(b"\n".join(cmap)))
    return b"/" + name.encode("ascii") + b" %d 0 R" % add(
        b"<</Type /Font/Subtype /Type0/BaseFont " + base + b"/Encoding /Identity-H/DescendantFonts [%d 0 R]" % cid
        + b"/ToUnicode %d 0 R>>" % to_unicode)


def assemble(plan: dict, values: dict, info: dict[str, str]) -> bytes:
    """The PDF of a validated `plan` with each slot showing values[name] (slots.Value); `info` is the
    document information (Title, Author, Creator, CreationDate, ModDate)."""
    fonts_ = plan["fonts"]
    widths: dict[str, dict[int, int]] = {n: {g: e[0] for g, e in f["glyphs"].items()} for n, f in fonts_.items()}
    texts: dict[str, dict[int, str]] = {n: {g: e[1] for g, e in f["glyphs"].items()} for n, f in fonts_.items()}
    used: dict[str, set[int]] = {n: set() for n in fonts_}
    for name, font in fonts_.items():          # what static content draws (validate() saw every glyph)
        used[name] = set(font["glyphs"])

    objects: list[bytes | None] = [None, None, None]      # 1 catalog, 2 page tree, 3 resources

    def add(body: bytes | None = None) -> int:
        objects.append(body)
        return len(objects)

    page_numbers = []
    for page in plan["pages"]:
        chunks = []
        for part in page["content"]:
            if isinstance(part, str):
                chunks.append(base64.b64decode(part))
                continue
            drawn = _slot_ops(part, values, fonts_, widths, texts, used)
            if drawn:
                chunks.append(drawn)
        content = add(_stream(b"\n".join(chunks)))
        w, h = page["size"]
        page_numbers.append(add(b"<</Type /Page/Parent 2 0 R/MediaBox [0 0 " + _num(w) + b" " + _num(h)
                                + b"]/Contents %d 0 R/Resources 3 0 R>>" % content))

    font_refs = [_font(name, fonts_[name]["face"], sorted(used[name]), widths[name], texts[name], add)
                 for name in sorted(fonts_)]

    states = b"".join(b"/" + k.encode("ascii") + b" <<" + b"".join(b"/" + p.encode("ascii") + b" " + _num(v)
                                                                   for p, v in sorted(s.items())) + b">>"
                      for k, s in sorted(plan["states"].items()))
    objects[2] = b"<</ExtGState <<" + states + b">>/Font <<" + b"".join(font_refs) + b">>>>"
    objects[1] = (b"<</Type /Pages/Kids [" + b" ".join(b"%d 0 R" % n for n in page_numbers)
                  + b"]/Count %d>>" % len(page_numbers))

    catalog = b"<</Type /Catalog/Pages 2 0 R"
    if plan["outlines"]:
        catalog += b"/Outlines %d 0 R" % _outlines(plan["outlines"], page_numbers, add, objects)
    if plan["lang"]:
        catalog += b"/Lang " + _string(plan["lang"])
    objects[0] = catalog + b">>"

    info_ref = add(b"<<" + b"".join(b"/" + k.encode("ascii") + b" " + _string(v) for k, v in info.items())
                   + b"/Producer " + _string(f"{info.get('Creator', 'focusgen')} (laid out by {plan['producer']})")
                   + b">>")
    return _write(objects, info_ref)


def _outlines(items: list, pages: list[int], add, objects: list) -> int:
    root = add()

    def level(entries: list, parent: int) -> tuple[list[int], int]:
        numbers = [add() for _ in entries]
        count = len(entries)
        for i, (title, page, x, y, children) in enumerate(entries):
            kids, kid_count = level(children, numbers[i])
            count += kid_count
            body = (b"<</Title " + _string(title) + b"/Dest [%d 0 R /XYZ " % pages[page] + _num(x) + b" " + _num(y)
                    + b" 0]/Parent %d 0 R/Count %d" % (parent, kid_count))
            if i:
                body += b"/Prev %d 0 R" % numbers[i - 1]
            if i + 1 < len(entries):
                body += b"/Next %d 0 R" % numbers[i + 1]
            if kids:
                body += b"/First %d 0 R/Last %d 0 R" % (kids[0], kids[-1])
            objects[numbers[i] - 1] = body + b">>"
        return numbers, count

    top, count = level(items, root)
    objects[root - 1] = b"<</Type /Outlines/First %d 0 R/Last %d 0 R/Count %d>>" % (top[0], top[-1], count)
    return root


def _write(objects: list, info: int) -> bytes:
    digest = hashlib.md5(b"\n".join(objects), usedforsecurity=False).hexdigest().encode("ascii")
    out = [b"%PDF-1.7\n%\xf0\x9f\x96\xa4\n"]
    position = len(out[0])
    offsets = []
    for number, body in enumerate(objects, 1):
        chunk = b"%d 0 obj\n" % number + body + b"\nendobj\n"
        offsets.append(position)
        out.append(chunk)
        position += len(chunk)
    out.append(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out += [b"%010d 00000 n \n" % offset for offset in offsets]
    out.append(b"trailer\n<</Size %d/Root 1 0 R/Info %d 0 R/ID [<%s> <%s>]>>\nstartxref\n%d\n%%%%EOF\n"
               % (len(objects) + 1, info, digest, digest, position))
    return b"".join(out)


# --- a strict reading of what was written ----------------------------------------------------------------

class BadPDF(ValueError):
    """Bytes that are not a well-formed PDF of the kind this module writes."""


_TOKEN = re.compile(rb"[ \n]*(?:(<<|>>|\[|\])|(/[^\s()<>\[\]{}/%]*)|(-?\d+(?:\.\d+)?)(?![\w.])"
                    rb"|(<[0-9A-Fa-f]*>)|(\((?:[^\\()]|\\[\\()nrtbf])*\))|(R|true|false|null)(?!\w))")


def _parse(data: bytes, at: int) -> tuple[object, int]:
    """One PDF object at `at` (no streams): numbers, names, strings, arrays, dictionaries, references."""
    stack: list[list] = [[]]
    match = _TOKEN.match
    while True:
        m = match(data, at)
        if m is None:
            raise BadPDF(f"unreadable at byte {at}")
        at = m.end()
        delim, name, num, hexes, string, word = m.groups()
        top = stack[-1]
        if num is not None:
            top.append(float(num))
        elif name is not None:
            top.append(("name", name))
        elif delim is not None:
            if delim in (b"<<", b"["):
                stack.append([delim])
                continue
            if len(stack) < 2 or stack[-1][0] != (b"<<" if delim == b">>" else b"["):
                raise BadPDF("unbalanced dictionary or array")
            items = stack.pop()[1:]
            if delim == b">>":
                if len(items) % 2 or not all(isinstance(k, tuple) and k[0] == "name" for k in items[::2]):
                    raise BadPDF("a dictionary key that is not a name")
                stack[-1].append(dict(zip((k[1] for k in items[::2]), items[1::2])))
            else:
                stack[-1].append(items)
        elif hexes is not None or string is not None:
            top.append(("str", hexes or string))
        elif word == b"R":
            if len(top) < 2 or not all(isinstance(v, float) and v == int(v) for v in top[-2:]):
                raise BadPDF("a reference without numbers")
            gen = top.pop()
            top.append(("ref", int(top.pop()), int(gen)))
        else:
            top.append(word)
        if len(stack) == 1 and stack[0]:
            return stack[0][0], at


def check_syntax(data: bytes, content: bool = True) -> None:
    """Reads `data` strictly as the PDF this module writes: BadPDF if anything is not as it must be.
    content=False leaves out the pages' content (a build's written PDF: its static content passed
    validate() and its slots are drawn here)."""
    offsets, xref_at, at = _xref(data)
    trailer = re.compile(rb"trailer\n").match(data, at)
    if trailer is None:
        raise BadPDF("trailer")
    tdict, end = _parse(data, trailer.end())
    if data[end:] != b"\nstartxref\n%d\n%%%%EOF\n" % xref_at:
        raise BadPDF("after the trailer")
    objects, refs = _objects(data, offsets, content)
    if not isinstance(tdict, dict) or tdict.get(b"/Size") != float(len(offsets) + 1) \
            or not isinstance(tdict.get(b"/ID"), list):
        raise BadPDF("trailer entries")
    for key in (b"/Root", b"/Info"):
        if not (isinstance(tdict.get(key), tuple) and tdict[key][0] == "ref"):
            raise BadPDF(f"trailer {key.decode()}")
        refs.append(tdict[key])
    for _, n, gen in refs:
        if gen != 0 or n not in objects:
            raise BadPDF(f"a reference to object {n}, which does not exist")
    if content:
        _check_pages(objects, tdict)


def _xref(data: bytes) -> tuple[list[int], int, int]:
    """The header, the end and the cross-reference table: each object's offset, where the table is, and
    where it ends."""
    if not data.startswith(b"%PDF-1.7\n") or not data.endswith(b"%%EOF\n"):
        raise BadPDF("header or end of file")
    m = re.search(rb"startxref\n(\d+)\n%%EOF\n$", data)
    if m is None:
        raise BadPDF("no startxref")
    xref_at = int(m.group(1))
    head = re.compile(rb"xref\n0 (\d+)\n0000000000 65535 f \n").match(data, xref_at)
    if head is None:
        raise BadPDF("cross-reference table")
    count = int(head.group(1))
    at = head.end()
    offsets = []
    for n in range(1, count):
        entry = re.compile(rb"(\d{10}) 00000 n \n").match(data, at)
        if entry is None:
            raise BadPDF(f"cross-reference entry {n}")
        offsets.append(int(entry.group(1)))
        at = entry.end()
    return offsets, xref_at, at


def _objects(data: bytes, offsets: list[int], content: bool) -> tuple[dict[int, object], list[tuple]]:
    """Every object where the table says, parsed (streams of a direct length, inflated when `content`),
    and every reference they hold."""
    refs: list[tuple] = []
    objects: dict[int, object] = {}

    def walk(v):
        if isinstance(v, dict):
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            for x in v:
                walk(x)
        elif isinstance(v, tuple) and v[0] == "ref":
            refs.append(v)
    for n, offset in enumerate(offsets, 1):
        start = re.compile(rb"%d 0 obj\n" % n).match(data, offset)
        if start is None:
            raise BadPDF(f"object {n} is not where the table says")
        value, at = _parse(data, start.end())
        if data.startswith(b"\nstream\n", at):
            if not isinstance(value, dict) or not isinstance(value.get(b"/Length"), float):
                raise BadPDF(f"object {n}: a stream without a direct length")
            length = int(value[b"/Length"])
            body = data[at + 8:at + 8 + length]
            if not data.startswith(b"\nendstream\nendobj\n", at + 8 + length):
                raise BadPDF(f"object {n}: the stream is not as long as its /Length")
            if content and value.get(b"/Filter") == ("name", b"/FlateDecode"):
                try:
                    decoded = zlib.decompress(body)
                except zlib.error:
                    raise BadPDF(f"object {n}: a stream that does not inflate") from None
                value = {**value, "_data": decoded}
            at += 8 + length + 10
        elif not data.startswith(b"\nendobj\n", at):
            raise BadPDF(f"object {n} does not end")
        objects[n] = value
        walk(value)
    return objects, refs


def _check_pages(objects: dict[int, object], tdict: dict) -> None:
    """Every page's content is of the vocabulary (fonts and states from the page's resources)."""
    root = objects[tdict[b"/Root"][1]]
    pages = objects[root[b"/Pages"][1]] if isinstance(root, dict) and isinstance(root.get(b"/Pages"), tuple) else None
    if not isinstance(pages, dict) or pages.get(b"/Type") != ("name", b"/Pages"):
        raise BadPDF("page tree")
    for kid in pages.get(b"/Kids", []):
        page = objects[kid[1]]
        resources = objects[page[b"/Resources"][1]]
        font_names = {k.decode()[1:]: None for k in objects_dict(resources.get(b"/Font"))}
        state_names = {k.decode()[1:] for k in objects_dict(resources.get(b"/ExtGState"))}
        content = objects[page[b"/Contents"][1]]
        check = _Page({name: {"glyphs": None} for name in font_names}, state_names)
        try:
            check.ops(content["_data"])
            check.end()
        except BadPlan as exc:
            raise BadPDF(f"page content: {exc}") from None


def objects_dict(v: object) -> dict:
    return v if isinstance(v, dict) else {}

