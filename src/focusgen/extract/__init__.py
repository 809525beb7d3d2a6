"""Extracting line values from a prior filing: focusgen's own JSON, text or PDF, a WinJammer
print, text taken out of a filed PDF, or a scanned PDF (OCR).

    extract(path) -> Extraction

Every value says how it was obtained (`how`, how.How): read, blank, code-lost, sign-fixed, repaired,
reconstructed; a value that cannot be settled is null (unconfirmed with the candidate the page
seems to show, unreadable, missing) with a finding. A wrong value claimed is the outcome the whole
design avoids: when in doubt, null and say why. The rules are repair.py's.

Holds: words.py (words with boxes: a text layer, Tesseract's TSV), ocr.py (a scan made readable and
read) and witness.py (the second, independent reading of every number on a scan), rows.py (rows and
tokens by position), grid.py (columns and codes paired by position), tokens.py (amounts and codes in
messy text), reader.py (text read by the form's labels and order), repair.py (the form's arithmetic and
the claims), how.py (which claims extraction makes, and Found: the codes of its findings, each a
problems.Finding of severity note, `where` the line it is about), and here the entry point and what
tells a filing's kind, date and firm.

May import: form/ (the lines and their arithmetic), report/ (the JSON schema, for focusgen's own JSON;
how.How, the claims), inputs/formats (bounded file reading), money, problems. Never compare/, render/ or anything above.

To add a layout or a kind of document: teach the stage that meets it (words, rows, pairing, the line
reader) and add drawn documents of the class to the tests; a claim (`how`) new to extraction goes in
how.py and repair.py with the rule that earns it, and in the README's list of claims.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..form import formdef
from ..money import MAX_DOLLARS
from ..problems import Finding, InputProblems, Note, Problem
from .reader import Reader
from .how import Found, How
from .repair import OCR, TEXT, TEXT_LAYER, settle


@dataclass
class Extraction:
    source: str
    report: str
    as_of: str | None
    firm: str | None
    lines: dict[str, int | None]
    how: dict[str, str]
    names: dict[str, str | None] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)          # codes: how.Found
    edit_failures: list[Finding] = field(default_factory=list)     # Found.EDIT_CHECK
    method: str = "text"            # json | text | pdf-text | ocr
    extra: dict = field(default_factory=dict)   # focusgen JSON: adjusted_net_capital, summary
    candidates: dict[str, int] = field(default_factory=dict)   # unconfirmed: what the page seems to show

    def as_dict(self) -> dict:
        return {"source": self.source, "report": self.report, "as_of": self.as_of, "firm": self.firm,
                "method": self.method, "lines": self.lines, "how": self.how, "names": self.names,
                "findings": [f.as_found() for f in self.findings],
                "edit_checks": [f.as_found() for f in self.edit_failures],
                "unconfirmed": self.candidates}


def _problem(path: Path, code: str, message: str, expected: str) -> InputProblems:
    return InputProblems([Problem(code, str(path), message, expected=expected)])


# Limits on a prior filing, each refused by name before the work it would cost: a filing has a few
# dozen Letter pages; anything far past that is a mistake or an attack (a 2,000-page file, a page
# 20,000 points wide, an image that decompresses to gigabytes).
MAX_PRIOR_BYTES = 200 * 2**20
MAX_PAGES = 100
MAX_PAGE_POINTS = 2000              # 27.8 inches: past any printed page
MAX_IMAGE_PIXELS = 60_000_000       # an embedded scan image; a Letter page at 600 dpi is 33.7 million
MAX_PAGE_CHARS = 50_000             # a text layer; a dense page of the form holds about 5,000


def extract(path: Path | str, progress=None) -> Extraction:
    """The line values of a prior filing. progress(done, total) is called as each scanned page is
    read by OCR (nothing else takes long)."""
    path = Path(path)
    from ..inputs.formats import read_bytes
    problems: list = []
    if path.suffix.lower() == ".json":     # focusgen's JSON: never read past a filing JSON's bound
        from ..report import jsonio
        data = read_bytes(path, problems, jsonio.MAX_BYTES, expected="filing JSON written by focusgen")
    else:
        data = read_bytes(path, problems, MAX_PRIOR_BYTES, expected="prior filing")
    if data is None:
        raise InputProblems(problems)
    if data.startswith(b"%PDF"):
        texts, boxes, method, notes = _pdf_pages(path, data, progress)
        e = extract_text(texts, str(path), method, boxes)
        e.findings[:0] = notes
        return e
    if b"\x00" in data:
        raise _problem(path, "not-text", "is neither a PDF nor text", "a prior filing: PDF, text or JSON")
    if path.suffix.lower() == ".json":
        return _from_json(path, data)
    if data.lstrip().startswith((b"{", b"\xef\xbb\xbf{")):
        # A .txt that happens to start with a brace is JSON if it parses as JSON; a text file that does not
        # is read as text (and refused as not-a-filing if it is none). JSON is read only within the bounds
        # of a filing's JSON (report/jsonio), so a 200 MB document is never parsed whole.
        from ..inputs import jsonsafe
        from ..report import jsonio
        try:
            jsonsafe.loads(data, str(path), jsonio.MAX_BYTES, "focusgen's JSON output")
        except InputProblems as exc:
            if any(p.code in ("file-too-large", "json-too-large", "duplicate-key") for p in exc.problems):
                raise           # JSON, but not one focusgen reads: never read again as a print
        else:
            return _from_json(path, data)
    text = data.decode("utf-8-sig", errors="replace")
    if not text.strip():
        raise _problem(path, "empty-file", "is empty", "a prior filing")
    return extract_text([text], str(path), "text")


def _from_json(path: Path, text: str | bytes) -> Extraction:
    """focusgen's JSON output, read by its one schema (report/jsonio.py): a hand-edited or hostile file
    gets a named error, never a traceback."""
    from ..report import jsonio
    doc = jsonio.parse(text, str(path))
    r = doc.record(str(path))
    return Extraction(str(path), doc.report, doc.as_of, doc.firm.name, r.lines, r.how, names=dict(doc.names),
                      method="json", extra={"adjusted_net_capital": doc.adjusted_net_capital,
                                            "summary": list(doc.summary)})


def _pdf_pages(path: Path, data: bytes, progress=None):
    """(text of each page, (words with boxes, OCR marks) of each page, method, OCR findings). A
    page with a text layer gives its characters' boxes; a scan (no text layer, or a page that is
    one picture) is read by OCR once every page has passed the limits (_ocr_pages)."""
    import pypdfium2 as pdfium

    from .words import text_layer_words
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise _problem(path, "not-a-pdf", f"cannot be opened as a PDF: {exc}", "a readable PDF") from None
    texts: list[str | None] = []
    words: list[list | None] = []
    scans: list[int] = []
    marks: list[list | None] = []       # OCR pages: boxes of the marks on the cleaned page
    notes: list[Finding] = []
    try:
        if len(pdf) > MAX_PAGES:
            raise _problem(path, "pdf-too-large", f"has {len(pdf):,} pages", f"at most {MAX_PAGES} pages")
        for i in range(len(pdf)):
            page = pdf[i]
            width, height = page.get_size()
            if max(width, height) > MAX_PAGE_POINTS:
                raise _problem(path, "pdf-too-large", f"page {i + 1} is {width:,.0f} x {height:,.0f} points",
                               f"pages of at most {MAX_PAGE_POINTS:,} points a side")
            scanned = False
            for obj in page.get_objects(filter=(pdfium.raw.FPDF_PAGEOBJ_IMAGE,), max_depth=4):
                w, h = obj.get_px_size()
                if w * h > MAX_IMAGE_PIXELS:
                    raise _problem(path, "pdf-too-large", f"page {i + 1} holds an image of {w:,} x {h:,} pixels",
                                   f"images of at most {MAX_IMAGE_PIXELS:,} pixels")
                left, bottom, right, top = obj.get_bounds()
                # a page that is one picture is a scan, even with a text layer laid over it (other
                # software's OCR, whose misreads nobody checked): it is read by our OCR instead
                scanned = scanned or (right - left) * (top - bottom) >= 0.7 * width * height
            textpage = page.get_textpage()
            chars = textpage.count_chars()
            if chars > MAX_PAGE_CHARS:
                raise _problem(path, "pdf-too-large", f"page {i + 1} holds {chars:,} characters",
                               f"pages of at most {MAX_PAGE_CHARS:,} characters")
            text = textpage.get_text_range()
            if scanned or len(re.sub(r"\s", "", text)) < 20:          # a scan
                from .ocr import OCRUnavailable, tesseract
                try:
                    tesseract()
                except OCRUnavailable as exc:
                    raise _problem(path, "ocr-unavailable", str(exc), "tesseract installed") from None
                scans.append(i)
                texts.append(None)
                words.append(None)
            else:
                texts.append(text.replace("\r\n", "\n"))
                words.append(text_layer_words(textpage, height))
            marks.append(None)
        if scans:
            notes = _ocr_pages(path, pdf, scans, texts, words, marks, progress)
    finally:
        pdf.close()
    method = "ocr" if len(scans) == len(texts) else "pdf-text+ocr" if scans else "pdf-text"
    return texts, (words, marks), method, notes


def _ocr_pages(path: Path, pdf, scans: list[int], texts: list, words: list, marks: list,
               progress=None) -> list[Finding]:
    """OCR of the scanned pages, as many at a time as there are workers: pages are rendered one
    batch at a time (pdfium renders in one thread), so memory holds a few page images, not a file's.
    Returns the findings of pages or regions the recognisers could not take (their values unknown)."""
    from .rows import build_rows
    from .ocr import OCRUnavailable, ocr_images, render, workers
    n = workers(len(scans))
    notes: list[Finding] = []
    done = [0]

    def tick():
        done[0] += 1
        if progress is not None:
            progress(done[0], len(scans))

    if progress is not None:
        progress(0, len(scans))
    for start in range(0, len(scans), n):
        batch = scans[start:start + n]
        try:
            read = ocr_images([render(pdf[i]) for i in batch], n, pages=batch, progress=tick)
        except OCRUnavailable as exc:
            raise _problem(path, "ocr-unavailable", str(exc), "tesseract installed and working") from None
        for i, (page_words, page_marks, page_notes) in zip(batch, read):
            words[i] = page_words
            marks[i] = page_marks
            notes += page_notes
            texts[i] = "\n".join(" ".join(w.text for w in r.words) for r in build_rows([page_words]))
    return notes


def _letters(text: str) -> str:
    """Upper-case letters only: titles are matched across line breaks, spacing and punctuation."""
    return re.sub(r"[^A-Z]", "", text.upper())


def _title_key(title: str) -> str:
    return _letters(title)[:36]        # the opening words: what survives wrapping and OCR best


def titles_found(text: str) -> dict[str, list[str]]:
    """For each report kind, the statement titles (as that kind prints them) found in the text."""
    letters = _letters(text)
    found = {}
    titles_of = {}
    for kind in formdef.REPORT_KINDS:
        rep = formdef.report(kind)
        titles_of[kind] = [rep.cover.get("title", "")] + [st.title for st in rep.statements]
        found[kind] = [t for t in titles_of[kind] if t and _title_key(t) in letters]
    if any(found.values()):
        return found
    # none found as printed: OCR damages a title's letters; a line that holds most of them in order will do
    from difflib import SequenceMatcher
    lines = [x for x in map(_letters, text.splitlines()) if len(x) >= 20]
    for kind, titles in titles_of.items():
        for t in titles:
            key = _title_key(t) if t else ""
            if len(key) < 20:
                continue
            for line in lines:
                m = SequenceMatcher(None, line, key, autojunk=False)
                if m.quick_ratio() * (len(line) + len(key)) / 2 < 0.85 * len(key):
                    continue
                if sum(b.size for b in m.get_matching_blocks() if b.size >= 3) >= 0.85 * len(key):
                    found[kind].append(t)
                    break
    return found


def detect_kind(text: str) -> str | None:
    """The report kind from what only the form prints: WinJammer's banner line `Form: Daily Seg ...`
    (or `Form: FOCUS ...`) and the statement titles as each kind prints them (Daily Seg: "Daily
    Segregation - ..."; FOCUS II: "STATEMENT OF SEGREGATION REQUIREMENTS ..."). A title both kinds
    print (the Daily Seg prints the FOCUS II's cleared swaps title under its own) is evidence of
    neither; with no title of one kind only, the line codes only one kind has decide. Never from
    free text: a firm named DAILY SEG CAPITAL LLC does not make a FOCUS II a Daily Seg. None when
    nothing tells (extract refuses: the kind is never guessed)."""
    found = titles_found(text)
    printed = {k: _printed_titles(k) for k in formdef.REPORT_KINDS}
    own = {k: [t for t in found[k] if not any(_title_key(t) in printed[o] for o in printed if o != k)]
           for k in found}
    daily = len(own["daily-seg"]) + 2 * bool(re.search(r"^\s*Form\s*:\s*Daily\s*Seg", text, re.I | re.M))
    focus = len(own["focus-ii"]) + 2 * bool(re.search(r"^\s*Form\s*:\s*FOCUS", text, re.I | re.M))
    if daily == focus:
        present = set(re.findall(r"(?<!\d)(\d{4})(?!\d)", text))
        codes = {k: set(formdef.report(k).lines) for k in formdef.REPORT_KINDS}
        daily = len(present & (codes["daily-seg"] - codes["focus-ii"]))
        focus = len(present & (codes["focus-ii"] - codes["daily-seg"]))
    if daily == focus:
        return None
    return "daily-seg" if daily > focus else "focus-ii"


def _printed_titles(kind: str) -> set[str]:
    """The keys of every title and subtitle the kind prints."""
    rep = formdef.report(kind)
    return {_title_key(t) for st in rep.statements for t in (st.title, st.subtitle) if t} | \
        {_title_key(rep.cover.get("title", ""))}


# A document is a filing of its kind only if the form shows through: at least one statement title
# and a fair number of the form's own line codes. Below this, extract and check refuse it
# (not-a-filing) rather than report a page of nulls, or "nothing differs".
MIN_TITLES, MIN_CODES = 1, 12


def form_found(text: str, kind: str) -> tuple[int, int, int, int]:
    """(titles found, titles, line codes found, coded lines) of the report kind in the text."""
    rep = formdef.report(kind)
    titles = [st.title for st in rep.statements]
    codes = set(rep.coded_amount_codes) | set(rep.text_codes)
    present = set(re.findall(r"(?<!\d)(\d{4})(?!\d)", text)) & codes
    return len(titles_found(text)[kind]), len(titles), len(present), len(codes)


_DATE = re.compile(r"(?<!\d)(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})(?!\d)")


def _as_of(text: str) -> str | None:
    m = re.search(r"End\s*Date\s*:\s*(\d{1,2}/\d{1,2}/\d{2,4})", text, re.I)
    candidates = [m.group(1)] if m else []
    if not candidates:
        for m in re.finditer(r"as\s+of\W{0,12}(\d{1,2}/\d{1,2}/\d{2,4})", text, re.I):
            candidates.append(m.group(1))
        candidates += [m.group(0) for m in _DATE.finditer(text)]
    found: dict[str, int] = {}
    for c in candidates:
        d = _date(c)
        if d:
            found[d] = found.get(d, 0) + 1
    return max(found, key=lambda d: found[d]) if found else None


def _date(text: str) -> str | None:
    m = _DATE.fullmatch(text.strip())
    if not m:
        return None
    month, day, year = (int(g) for g in m.groups())
    year = year + 2000 if year < 100 else year
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _firm(text: str) -> str | None:
    """The firm's name: WinJammer's "Firm Name:", the line under a BROKER OR DEALER head, or a
    page head "<name> as of <date>"."""
    m = re.search(r"Firm\s*Name\s*:\s*(.+)", text)
    if m:
        return m.group(1).strip() or None
    not_a_name = re.compile(r"STATEMENT|COMPUTATION|BROKER OR DEALER|focusgen|^as of|^\W*X?\W*YES\b|\$|\d,\d{3}", re.I)
    for m in re.finditer(r"BROKER OR DEALER[ \t]*\r?\n\s*([^\n]+)", text):
        name = re.split(r"\s{2,}|\t|\bas of\b", m.group(1))[0].strip()
        if name and not not_a_name.search(name):
            return name
    for m in re.finditer(r"^(\S[^\n]*?)\s+as\s+of\s+\d{1,2}/\d{1,2}/\d{2,4}", text, re.M):
        name = m.group(1).strip()
        if name and not not_a_name.search(name):
            return name
    return None


_FOUR_DIGITS = re.compile(r"(?<![\w,.$/:-])\[?(\d{4})[A-C]?\]?(?![\w,./:-])")
FOREIGN_PAGE = 3        # another form's codes on a page, at least, to take it for that form's


def form_pages(texts: list[str], kind: str) -> tuple[list[int], list[int]]:
    """The pages that hold the form's statements: a whole FOCUS II prints the SEC's pages too, with
    four-digit codes in brackets or boxes of their own, and none of their amounts may be taken for a
    line of the CFTC pages. A page is kept when it shows one of the kind's statement titles, or
    when it shows at least as many of the kind's line codes as codes of another form (four-digit
    numbers that are no line of it, years aside); before the first page with a title, a page must
    show some of the kind's codes. Returns (pages kept, pages left out for another form's codes);
    a page with no code at all (a cover) is left out silently."""
    rep = formdef.report(kind)
    keys = [_title_key(st.title) for st in rep.statements if st.title]
    codes = set(rep.lines)
    keep, foreign_pages, seen_title = [], [], False
    for i, text in enumerate(texts):
        letters = _letters(text)
        if any(k and k in letters for k in keys):
            keep.append(i)
            seen_title = True
            continue
        found = [m.group(1) for m in _FOUR_DIGITS.finditer(text)]
        known = sum(1 for c in found if c in codes)
        foreign = sum(1 for c in found if c not in codes and not 1990 <= int(c) <= 2099)
        if (known >= foreign and (known or seen_title)) or (seen_title and foreign < FOREIGN_PAGE):
            keep.append(i)
        elif foreign >= FOREIGN_PAGE:
            foreign_pages.append(i)
    return keep, foreign_pages


def _second_opinion(report, reading, pages: list[str]) -> None:
    """A scan read a second way: its OCR text by the line reader (labels and order). A value the
    positions left unknown (or blank) that the line reader found is a candidate only, settled by the
    arithmetic or left unknown, never `read`."""
    from .reader import Obs
    other = Reader(report).read(pages)
    for code, obs in other.values.items():
        mine = reading.values.get(code)
        if obs.value is None or code in other.conflicts or (mine is not None and mine.value is not None):
            continue
        reading.values[code] = Obs(obs.value, How.CODE_LOST, obs.sign_sure, obs.where, repaired=True)


def extract_text(pages: list[str], source: str, method: str, boxes: tuple | None = None) -> Extraction:
    """Line values of a filing from its text (read line by line) or, when the words' boxes are known
    (boxes: a PDF's words and OCR marks per page, from its text layer or OCR), by position (grid.py)."""
    text = "\n".join(pages)
    kind = detect_kind(text)
    if kind is None:
        shown = sorted({t for ts in titles_found(text).values() for t in ts})
        if shown:
            raise _problem(Path(source), "report-kind-unknown",
                           f"shows only titles both report kinds print ({'; '.join(t[:60] for t in shown)}) "
                           "and no line code of one kind only: which report it is cannot be told",
                           "a FOCUS II or Daily Seg filing whose own statement titles or banner are legible")
        kind = "focus-ii"          # no title at all: refused below as not a filing
    titles, n_titles, codes, n_codes = form_found(text, kind)

    def refuse(values: int):
        raise _problem(Path(source), "not-a-filing", f"is not a filing: {titles} of the {n_titles} statement titles, "
                       f"{codes} of the {n_codes} line codes and {values} amounts of the {kind} form were found",
                       f"a FOCUS II or Daily Seg filing (at least {MIN_TITLES} statement title, and {MIN_CODES} "
                       "line codes or amounts placed on the form's lines)")
    if titles < MIN_TITLES:
        refuse(0)
    report = formdef.report(kind)
    kept, foreign = form_pages(pages, kind) if len(pages) > 1 else (list(range(len(pages))), [])
    notes: list[Finding] = []
    if foreign:
        notes.append(Note(Found.PAGES, f"page(s) {', '.join(str(i + 1) for i in foreign)} "
                          f"hold another form's line codes and no statement of the {kind} form: not read"))
    if len(kept) < len(pages):
        pages = [pages[i] for i in kept]
        if boxes is not None:
            boxes = ([boxes[0][i] for i in kept], [boxes[1][i] for i in kept])
    if boxes is not None:
        from .grid import GridReader
        grid = GridReader(report)
        page_words, page_marks = boxes
        reading = grid.read(page_words, ocr="ocr" in method, marks=page_marks)
        row_of_code = grid.form.row_of_code
        firm = _firm(text) or grid.firm
        if "ocr" in method:
            _second_opinion(report, reading, pages)
    else:
        reader = Reader(report)
        reading = reader.read(pages)
        row_of_code = reader.row_of_code
        firm = _firm(text)
    mode = OCR if "ocr" in method else TEXT_LAYER if method == "pdf-text" else TEXT
    st = settle(report, reading, row_of_code, mode)
    placed = sum(1 for v in st.values.values() if v is not None) + len(st.candidates)   # OCR text: candidates
    if codes < MIN_CODES and placed < MIN_CODES:      # a scan may lose the boxed codes, not the amounts
        refuse(placed)
    names = {c: reading.names.get(c) for c in report.text_codes}
    return Extraction(source, kind, _as_of(text), firm, st.values, st.how, names,
                      notes + reading.findings + st.findings, st.edit_failures, method, candidates=dict(st.candidates))
