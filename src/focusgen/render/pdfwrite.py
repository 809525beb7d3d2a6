"""Writing a PDF from a plan (layout.py) and a build's placed values: no layout, no WeasyPrint.

Each slot's value is drawn as one run of the slot's font, its glyphs and widths those the plan
recorded for its placeholder, keeping the slot's edge (so a right-aligned amount keeps its right
edge, as laying it out would); a blank value draws nothing but keeps the slot's drawing state. The
objects are written in order with a classic cross-reference table. The same plan and values give
the same bytes, however the plan was obtained.

check() is what makes a plan read from the cache trustworthy as data: every field of the expected
type, every slot, font and glyph the values need present, and object references in range.
"""

from __future__ import annotations

import base64
import binascii
import zlib

FORMAT = 1          # of a plan (layout.py writes plans; this module reads them without WeasyPrint)
_ANCHORS = ("left", "right", "center")


class BadPlan(ValueError):
    """A plan that is not one layout.py writes (a corrupt or foreign cache file)."""


def _num(v: float) -> bytes:
    """A coordinate as text: fixed precision, no exponent, the same bytes for the same float."""
    text = f"{v:.4f}".rstrip("0").rstrip(".")
    return (text if text not in ("-0", "") else "0").encode("ascii")


def _fill(slot: dict, text: str, fonts: dict) -> bytes:
    state = base64.b64decode(slot["state"])
    if not text:
        return state
    table = fonts[slot["font"]]
    size = slot["size"]
    gids, width = [], 0
    for ch in text:
        gid, w = table[ch]
        gids.append(f"{gid:04x}")
        width += w
    advance = width * size / 1000
    x = slot["edge"] - (advance if slot["anchor"] == "right" else advance / 2 if slot["anchor"] == "center" else 0)
    ops = b"\n".join((b"BT", b"1 0 0 -1 " + _num(x) + b" " + _num(slot["baseline"]) + b" Tm",
                      b"/" + slot["font"].encode("ascii") + b" " + _num(size) + b" Tf",
                      b"[<" + "".join(gids).encode("ascii") + b">] TJ", b"ET"))
    return state + b"\n" + ops if state else ops


def assemble(plan: dict, texts: list[str]) -> bytes:
    """The PDF of `plan` with slot k showing texts[k]."""
    fonts = plan["fonts"]
    bodies = []
    for entry in plan["objects"]:
        if isinstance(entry, str):
            bodies.append(base64.b64decode(entry))
            continue
        content = b"\n".join(base64.b64decode(p) if isinstance(p, str) else _fill(p, texts[p["slot"]], fonts)
                             for p in entry["parts"])
        data = zlib.compress(content, 6)      # zlib's default: a third of level 9's time, 3% larger
        bodies.append(b"<<" + base64.b64decode(entry["extra"]) + b"/Filter /FlateDecode/Length "
                      + str(len(data)).encode() + b">>\nstream\n" + data + b"\nendstream")
    out = [b"%PDF-" + plan["version"].encode("ascii") + b"\n%\xf0\x9f\x96\xa4\n"]
    position = len(out[0])
    offsets = []
    for number, body in enumerate(bodies, 1):
        chunk = b"%d 0 obj\n" % number + body + b"\nendobj\n"
        offsets.append(position)
        out.append(chunk)
        position += len(chunk)
    xref = [b"xref\n0 %d\n0000000000 65535 f \n" % (len(bodies) + 1)]
    xref += [b"%010d 00000 n \n" % offset for offset in offsets]
    trailer = b"trailer\n<</Size %d/Root %d 0 R" % (len(bodies) + 1, plan["root"])
    if plan["info"] is not None:
        trailer += b"/Info %d 0 R" % plan["info"]
    out += xref + [trailer + b">>\nstartxref\n%d\n%%%%EOF\n" % position]
    return b"".join(out)


def check(plan: object, alphabets: list[str]) -> dict:
    """`plan` if it is a well-formed plan for slots of these alphabets; BadPlan otherwise."""
    def need(ok: bool, what: str) -> None:
        if not ok:
            raise BadPlan(what)

    def b64ok(s: object) -> bool:
        if not isinstance(s, str):
            return False
        try:
            base64.b64decode(s, validate=True)
        except (binascii.Error, ValueError):
            return False
        return True

    def number(v: object) -> bool:
        return isinstance(v, (int, float)) and not isinstance(v, bool) and abs(v) < 1e7

    need(isinstance(plan, dict) and plan.get("format") == FORMAT, "not a plan of this format")
    if plan.get("placeable") is False:
        need(isinstance(plan.get("reason"), str), "unplaceable plan without a reason")
        return plan
    need(plan.get("placeable") is True and plan.get("slots") == len(alphabets), "slots")
    need(plan.get("version") in ("1.4", "1.5", "1.6", "1.7", "2.0"), "version")
    objects, fonts = plan.get("objects"), plan.get("fonts")
    need(isinstance(objects, list) and objects and isinstance(fonts, dict), "objects and fonts")
    n = len(objects)
    need(isinstance(plan.get("root"), int) and 1 <= plan["root"] <= n, "root")
    need(plan.get("info") is None or (isinstance(plan["info"], int) and 1 <= plan["info"] <= n), "info")
    for name, table in fonts.items():
        need(isinstance(name, str) and name.isascii() and name.isalnum() and isinstance(table, dict), "font")
        for ch, entry in table.items():
            need(isinstance(ch, str) and len(ch) == 1 and isinstance(entry, list) and len(entry) == 2
                 and all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v < 65536 for v in entry),
                 "glyph table")
    for entry in objects:
        if isinstance(entry, str):
            need(b64ok(entry), "object")
            continue
        need(isinstance(entry, dict) and b64ok(entry.get("extra")) and isinstance(entry.get("parts"), list),
             "stream")
        for part in entry["parts"]:
            if isinstance(part, str):
                need(b64ok(part), "stream part")
                continue
            need(isinstance(part, dict) and isinstance(part.get("slot"), int)
                 and 0 <= part["slot"] < len(alphabets), "slot")
            need(b64ok(part.get("state")) and part.get("anchor") in _ANCHORS
                 and all(number(part.get(k)) for k in ("size", "baseline", "edge")), "slot geometry")
            table = fonts.get(part.get("font"))
            need(isinstance(table, dict) and all(ch in table for ch in alphabets[part["slot"]]),
                 "slot font lacks a glyph of its alphabet")
    return plan
