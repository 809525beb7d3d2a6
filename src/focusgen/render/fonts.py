"""The bundled fonts as focusgen reads, measures and embeds them itself: no WeasyPrint, no fontTools.

A PDF written from a plan (pdfwrite.py) draws every glyph with a font object focusgen makes here from
the bundled TrueType file: the glyphs the document uses (glyph ids kept, as WeasyPrint keeps them),
without hinting (as WeasyPrint embeds them), with a ToUnicode map from the font's own cmap. So what a
placed value prints and what it extracts as both come from the bundled font, never from a cache file.

- Face: the tables of one bundled file (cmap, hmtx, loca, glyf), read once per process.
- width1000(): a glyph's advance in thousandths of an em as WeasyPrint writes it for a size (Pango's
  advance through HarfBuzz's rounding, then rounded); measure() a text's width for line fitting.
- subset(): a TrueType file holding the given glyphs (and the components of composite glyphs).

Imports nothing of focusgen but the resources; add a face by adding it to FACES and to fonts.conf.
"""

from __future__ import annotations

import hashlib
import struct
from functools import lru_cache

from ..resources import FONTS

# The faces a plan may name, and their files. The stylesheet uses Liberation Sans, regular and bold.
FACES = {"regular": "LiberationSans-Regular.ttf", "bold": "LiberationSans-Bold.ttf"}
FAMILY = "Liberation Sans"


class FontError(ValueError):
    """A bundled font file that is not a TrueType font focusgen can read."""


def _checksum(data: bytes) -> int:
    data += b"\0" * (-len(data) % 4)
    return sum(struct.unpack(f">{len(data) // 4}L", data)) & 0xFFFFFFFF


class Face:
    """One bundled TrueType file, its tables read on demand."""

    def __init__(self, name: str, data: bytes) -> None:
        self.name = name
        self.data = data
        try:
            version, count = struct.unpack_from(">LH", data, 0)
            if version not in (0x00010000, 0x74727565):
                raise FontError(f"{name}: not a TrueType font")
            self.tables: dict[str, tuple[int, int]] = {}
            for i in range(count):
                tag, _, offset, length = struct.unpack_from(">4sLLL", data, 12 + 16 * i)
                if offset + length > len(data):
                    raise FontError(f"{name}: table {tag!r} runs past the end of the file")
                self.tables[tag.decode("latin-1")] = (offset, length)
            for tag in ("head", "hhea", "maxp", "hmtx", "loca", "glyf", "cmap", "OS/2"):
                if tag not in self.tables:
                    raise FontError(f"{name}: no {tag} table")
            head = self.table("head")
            self.upem = struct.unpack_from(">H", head, 18)[0]
            self.bbox = struct.unpack_from(">hhhh", head, 36)
            self.long_loca = struct.unpack_from(">h", head, 50)[0] == 1
            self.num_glyphs = struct.unpack_from(">H", self.table("maxp"), 4)[0]
            hhea = self.table("hhea")
            self.ascent, self.descent = struct.unpack_from(">hh", hhea, 4)
            self.n_metrics = n_metrics = struct.unpack_from(">H", hhea, 34)[0]
            hmtx = self.table("hmtx")
            pairs = struct.unpack_from(">" + "Hh" * n_metrics, hmtx, 0)     # (advance, bearing) per metric
            rest = struct.unpack_from(f">{self.num_glyphs - n_metrics}h", hmtx, 4 * n_metrics)
            self.advances = list(pairs[0::2]) + [pairs[-2]] * len(rest)
            self.bearings = list(pairs[1::2]) + list(rest)
            os2 = self.table("OS/2")
            self.cap_height = struct.unpack_from(">h", os2, 88)[0] if len(os2) >= 90 else self.ascent
            loca = self.table("loca")
            if self.long_loca:
                self.loca = struct.unpack_from(f">{self.num_glyphs + 1}L", loca, 0)
            else:
                self.loca = tuple(2 * v for v in struct.unpack_from(f">{self.num_glyphs + 1}H", loca, 0))
            self.cmap = self._read_cmap()
        except struct.error as exc:
            raise FontError(f"{name}: truncated table ({exc})") from None

    def table(self, tag: str) -> bytes:
        offset, length = self.tables[tag]
        return self.data[offset:offset + length]

    def _read_cmap(self) -> dict[int, int]:
        """Unicode -> glyph id, from the Windows Unicode subtable (format 4, or 12 when present)."""
        cmap = self.table("cmap")
        count = struct.unpack_from(">H", cmap, 2)[0]
        found = {}
        for i in range(count):
            platform, encoding, offset = struct.unpack_from(">HHL", cmap, 4 + 8 * i)
            fmt = struct.unpack_from(">H", cmap, offset)[0]
            if (platform, encoding) in ((3, 1), (0, 3)) and fmt == 4:
                found.setdefault(4, offset)
            elif (platform, encoding) in ((3, 10), (0, 4)) and fmt == 12:
                found.setdefault(12, offset)
        mapping: dict[int, int] = {}
        if 12 in found:
            offset = found[12]
            groups = struct.unpack_from(">L", cmap, offset + 12)[0]
            for g in range(groups):
                start, end, gid = struct.unpack_from(">LLL", cmap, offset + 16 + 12 * g)
                for c in range(start, end + 1):
                    mapping[c] = gid + c - start
            return mapping
        if 4 not in found:
            raise FontError(f"{self.name}: no Unicode cmap")
        offset = found[4]
        segments = struct.unpack_from(">H", cmap, offset + 6)[0] // 2
        ends = struct.unpack_from(f">{segments}H", cmap, offset + 14)
        starts = struct.unpack_from(f">{segments}H", cmap, offset + 16 + 2 * segments)
        deltas = struct.unpack_from(f">{segments}h", cmap, offset + 16 + 4 * segments)
        range_at = offset + 16 + 6 * segments
        ranges = struct.unpack_from(f">{segments}H", cmap, range_at)
        for s in range(segments):
            start, end, delta, ro = starts[s], ends[s], deltas[s], ranges[s]
            if start == 0xFFFF:
                continue
            for c in range(start, end + 1):
                if ro == 0:
                    gid = (c + delta) & 0xFFFF
                else:
                    gid = struct.unpack_from(">H", cmap, range_at + 2 * s + ro + 2 * (c - start))[0]
                    if gid:
                        gid = (gid + delta) & 0xFFFF
                if gid and gid < self.num_glyphs:
                    mapping[c] = gid
        return mapping

    # --- metrics -----------------------------------------------------------------------------------

    def units1000(self, gid: int) -> float:
        return self.advances[gid] * 1000 / self.upem

    def width1000(self, gid: int, size: float) -> int:
        """The width WeasyPrint writes for a glyph it first draws at `size` (CSS px): Pango's advance in
        Pango units (HarfBuzz scales font units, rounding half up), over the size, rounded."""
        scale = int(size * 1024)
        advance = (self.advances[gid] * scale + self.upem // 2) // self.upem
        return round(advance * 1000 / scale)

    # --- glyph data ---------------------------------------------------------------------------------

    def _glyph(self, gid: int) -> bytes:
        start, end = self.loca[gid], self.loca[gid + 1]
        offset, length = self.tables["glyf"]
        if not start <= end <= length:
            raise FontError(f"{self.name}: glyph {gid} lies outside the glyf table")
        return self.data[offset + start:offset + end]

    def components(self, gid: int) -> list[int]:
        data = self._glyph(gid)
        if len(data) < 10 or struct.unpack_from(">h", data, 0)[0] >= 0:
            return []
        found, at = [], 10
        while True:
            flags, component = struct.unpack_from(">HH", data, at)
            found.append(component)
            at += 4 + (4 if flags & 0x0001 else 2)
            at += 8 if flags & 0x0080 else 4 if flags & 0x0040 else 2 if flags & 0x0008 else 0
            if not flags & 0x0020:
                return found

    def unhinted(self, gid: int) -> bytes:
        """The glyph's outline without its instructions (as WeasyPrint embeds fonts: no hinting)."""
        data = self._glyph(gid)
        if len(data) < 10:
            return b""
        contours = struct.unpack_from(">h", data, 0)[0]
        if contours >= 0:
            at = 10 + 2 * contours
            n = struct.unpack_from(">H", data, at)[0]
            return data[:at] + b"\0\0" + data[at + 2 + n:]
        out, at = bytearray(data[:10]), 10
        while True:
            flags, component = struct.unpack_from(">HH", data, at)
            size = 4 + (4 if flags & 0x0001 else 2)
            size += 8 if flags & 0x0080 else 4 if flags & 0x0040 else 2 if flags & 0x0008 else 0
            out += struct.pack(">HH", flags & ~0x0100, component) + data[at + 4:at + size]
            at += size
            if not flags & 0x0020:
                return bytes(out)

    def closure(self, gids) -> list[int]:
        """The glyphs and every component they are built from, with .notdef, sorted."""
        seen = {0}
        todo = list(gids)
        while todo:
            g = todo.pop()
            if g in seen or not 0 <= g < self.num_glyphs:
                continue
            seen.add(g)
            todo += self.components(g)
        return sorted(seen)

    def subset(self, gids, chars: dict[int, int]) -> bytes:
        """A TrueType file of these glyphs, their ids kept (others empty), no hinting; `chars` (code
        point -> glyph id) becomes its cmap. The same glyphs give the same bytes."""
        keep = self.closure(gids)
        kept = set(keep)
        glyf = bytearray()
        loca = []
        for gid in range(max(keep) + 1):
            loca.append(len(glyf))
            if gid in kept:
                glyf += self.unhinted(gid)
                glyf += b"\0" * (-len(glyf) % 4)
        loca.append(len(glyf))
        count = len(loca) - 1
        head = bytearray(self.table("head"))
        struct.pack_into(">L", head, 8, 0)            # checkSumAdjustment, set below
        struct.pack_into(">h", head, 50, 1)           # long offsets
        hhea = bytearray(self.table("hhea"))
        struct.pack_into(">H", hhea, 34, count)
        maxp = bytearray(self.table("maxp"))
        struct.pack_into(">H", maxp, 4, count)
        if self.n_metrics >= count:                   # every glyph's metrics as they are
            hmtx = self.table("hmtx")[:4 * count]
        else:
            hmtx = b"".join(struct.pack(">Hh", self.advances[g], self.bearings[g]) for g in range(count))
        post = bytearray(self.table("post")[:32]) if "post" in self.tables else bytearray(32)
        struct.pack_into(">L", post, 0, 0x00030000)   # format 3: no glyph names
        tables = {"OS/2": self.table("OS/2"), "cmap": _cmap4({c: g for c, g in chars.items() if g in kept}),
                  "glyf": bytes(glyf), "head": bytes(head), "hhea": bytes(hhea), "hmtx": hmtx,
                  "loca": struct.pack(f">{len(loca)}L", *loca), "maxp": bytes(maxp), "post": bytes(post)}
        return _sfnt(tables)


def _cmap4(chars: dict[int, int]) -> bytes:
    """A (3,1) format 4 cmap of these BMP characters, one segment per character (and the final one)."""
    codes = sorted(c for c in chars if c < 0xFFFF)
    segments = [(c, c, (chars[c] - c) & 0xFFFF) for c in codes] + [(0xFFFF, 0xFFFF, 1)]
    n = len(segments)
    search = 2 * (1 << (n.bit_length() - 1))
    body = struct.pack(">HHHH", 2 * n, search, (search // 2).bit_length() - 1, 2 * n - search)
    body += struct.pack(f">{n}H", *(e for _, e, _ in segments)) + b"\0\0"
    body += struct.pack(f">{n}H", *(s for s, _, _ in segments))
    body += struct.pack(f">{n}H", *(d for _, _, d in segments))
    body += struct.pack(f">{n}H", *([0] * n))
    sub = struct.pack(">HHH", 4, 6 + len(body), 0) + body
    return struct.pack(">HHHHL", 0, 1, 3, 1, 12) + sub


def _sfnt(tables: dict[str, bytes]) -> bytes:
    tags = sorted(tables)
    n = len(tags)
    search = 16 * (1 << (n.bit_length() - 1))
    head = struct.pack(">LHHHH", 0x00010000, n, search, (search // 16).bit_length() - 1, 16 * n - search)
    offset = 12 + 16 * n
    records, bodies = b"", b""
    for tag in tags:
        data = tables[tag]
        records += struct.pack(">4sLLL", tag.encode("latin-1"), _checksum(data), offset, len(data))
        padded = data + b"\0" * (-len(data) % 4)
        bodies += padded
        offset += len(padded)
    font = bytearray(head + records + bodies)
    at = 12 + 16 * n + sum(len(tables[t]) + (-len(tables[t]) % 4) for t in tags[:tags.index("head")])
    struct.pack_into(">L", font, at + 8, (0xB1B0AFBA - _checksum(bytes(font))) & 0xFFFFFFFF)
    return bytes(font)


@lru_cache(maxsize=None)
def face(name: str) -> Face:
    """A bundled face by its plan name (FACES), read once per process."""
    if name not in FACES:
        raise FontError(f"no bundled face {name!r}")
    return Face(FACES[name], (FONTS / FACES[name]).read_bytes())


def subset_tag(face_name: str, gids) -> str:
    """Six capital letters naming a subset (PDF 9.6.4), the same for the same glyphs."""
    digest = hashlib.sha256(f"{face_name}:{sorted(gids)}".encode()).digest()
    return "".join(chr(65 + b % 26) for b in digest[:6])
