"""Drawn documents: a spec (class, report kind, seed, and for scans the resolution and damage) makes
one document, the same bytes every time, with its truth beside it.

    Spec(cls, kind, seed, dpi=None, damage=None); make(spec, folder) -> Doc; sample(...) -> [Spec]

Classes:
  text         a text-layer PDF in a drawn layout
  ocrtext      the .txt another program's OCR made of such a print
  scan         a scan of such a print (dpi 100-300, one damage of scanner.DAMAGES)
  whole        a whole FOCUS II as a text-layer PDF: cover, SEC pages, then the CFTC pages
  whole-scan   the same, scanned
  whole-ocrtext  the same, as another program's OCR text
Truth (Doc.truth, and <id>.truth.json): `shown` what the print shows for every CFTC amount line (an
amount, or "blank"), `hidden` the lines the document does not show legibly (obscured, lost,
misread), `values` the filing's own values, `not_footing` how the print departs from the
arithmetic.
"""

from __future__ import annotations

import json
import random
from dataclasses import asdict, dataclass, field
from pathlib import Path

from . import arith
from .filing import draw_filing
from .layout import draw_layout
from .ocrtext import ocr_text
from .printer import print_doc
from .scanner import DAMAGES, scan
from .sec import sec_values

VERSION = 5          # bump when a generator changes what a spec makes: a corpus folder is rebuilt
CLASSES = ("text", "ocrtext", "scan", "whole", "whole-scan", "whole-ocrtext")
DPIS = (100, 120, 150, 175, 200, 240, 300)


@dataclass(frozen=True)
class Spec:
    cls: str
    kind: str
    seed: int
    dpi: int | None = None
    damage: str | None = None

    @property
    def id(self) -> str:
        tail = f"-{self.dpi}dpi-{self.damage}" if self.dpi else ""
        return f"{self.cls}-{self.kind}-{self.seed}{tail}"

    @property
    def suffix(self) -> str:
        return ".txt" if self.cls.endswith("ocrtext") else ".pdf"


@dataclass
class Doc:
    spec: Spec
    path: Path
    truth: dict = field(default_factory=dict)

    @property
    def id(self) -> str:
        return self.spec.id


def _kind(seed: int) -> str:
    return random.Random(f"kind/{seed}").choice(["focus-ii", "daily-seg"])


def render(spec: Spec) -> tuple[bytes, dict]:
    """The document's bytes and its truth."""
    f = draw_filing(spec.kind, spec.seed)
    lay = draw_layout(spec.seed, spec.kind)
    whole = spec.cls.startswith("whole")
    rnd = random.Random(f"parts/{spec.seed}")
    parts = ("cover", "sec", "cftc") if whole else (("cover", "cftc") if rnd.random() < 0.15 else ("cftc",))
    sec = sec_amounts(spec)
    pr = print_doc(f, lay, parts, sec)
    hidden: dict[str, str] = {}
    if spec.cls in ("scan", "whole-scan"):
        when = f.as_of.strftime("%b %d %Y").upper()
        s = scan(pr, spec.dpi, spec.damage, spec.seed, when)
        data, hidden = s.pdf, s.hidden
    elif spec.cls.endswith("ocrtext"):
        text, hidden = ocr_text(pr, spec.seed)
        data = text.encode()
    else:
        data = pr.pdf
    shown = {c: pr.cells[c].shown for c in arith.all_codes(spec.kind)}
    truth = {
        "version": VERSION, "id": spec.id, "spec": asdict(spec), "layout": lay.describe(),
        "parts": list(parts), "pages": pr.pages, "shown": shown, "hidden": hidden,
        "values": f.values, "not_footing": f.not_footing, "retail_forex": f.retail_forex,
        "code_lost": sorted(pr.lost), "firm": f.firm, "as_of": f.as_of.isoformat(),
    }
    return data, truth


def sec_amounts(spec: Spec) -> dict | None:
    """The amounts a whole filing's SEC pages print (None for a document without them)."""
    if not spec.cls.startswith("whole"):
        return None
    rnd = random.Random(f"parts/{spec.seed}")
    rnd.random()
    return sec_values(spec.seed, 10 ** rnd.uniform(6, 10))


def make(spec: Spec, folder: Path) -> Doc:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{spec.id}{spec.suffix}"
    tpath = folder / f"{spec.id}.truth.json"
    if path.exists() and tpath.exists():
        try:
            truth = json.loads(tpath.read_text())
            if truth.get("version") == VERSION:
                return Doc(spec, path, truth)
        except ValueError:
            pass
    data, truth = render(spec)
    path.write_bytes(data)
    tpath.write_text(json.dumps(truth, indent=1, sort_keys=True))
    return Doc(spec, path, truth)


def sample(text: int = 0, ocrtext: int = 0, scans: int = 0, whole: int = 0, whole_scans: int = 0,
           whole_ocrtext: int = 0, base: int = 0) -> list[Spec]:
    """Specs with fixed seeds from `base`: each class's own run of seeds; scans spread over the
    resolutions and damages (every damage at several resolutions), whole filings always FOCUS II."""
    out: list[Spec] = []
    for i in range(text):
        s = base + i
        out.append(Spec("text", _kind(s), s))
    for i in range(ocrtext):
        s = base + 10_000 + i
        out.append(Spec("ocrtext", _kind(s), s))
    for i in range(scans):
        s = base + 20_000 + i
        out.append(Spec("scan", _kind(s), s, DPIS[(i // len(DAMAGES) + i) % len(DPIS)], DAMAGES[i % len(DAMAGES)]))
    for i in range(whole):
        out.append(Spec("whole", "focus-ii", base + 30_000 + i))
    for i in range(whole_scans):
        s = base + 40_000 + i
        out.append(Spec("whole-scan", "focus-ii", s, DPIS[(i * 3 + 2) % len(DPIS)], DAMAGES[(i * 7) % len(DAMAGES)]))
    for i in range(whole_ocrtext):
        out.append(Spec("whole-ocrtext", "focus-ii", base + 50_000 + i))
    return out


def dpi_band(dpi: int | None) -> str:
    if dpi is None:
        return "-"
    return "100-149" if dpi < 150 else "150-199" if dpi < 200 else "200-300"
