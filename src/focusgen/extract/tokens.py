"""Tokens of a line of filed text: amounts, line codes, blank cells and residue.

Real filed text is messy (OCR of scans, WinJammer prints): commas read as periods, parentheses
lost or unbalanced, codes split ("750 0"), cut ("749", "7") or glued to a "$" or ")", and dashes
or underscores in empty cells. The tokenizer reads what is there and says how sure it is; it
never decides which line an amount belongs to (reader.py does, from the form).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_MARKUP = re.compile(r"</?[a-zA-Z][^>]*>|\*\*|\\(?=[$_*\[\]])")
# OCR reads Latin capitals as Greek or Cyrillic look-alikes ("Α. Cash" with a Greek Alpha),
# and small digits as sub- or superscripts.
_LOOKALIKES = str.maketrans("ΑΒΕΗΙΚΜΝΟΡΤΥΧΖАВЕКМНОРСТУХаеорсух₀₁₂₃₄₅₆₇₈₉⁰¹²³⁴⁵⁶⁷⁸⁹",
                            "ABEHIKMNOPTYXZABEKMHOPCTYXaeopcyx01234567890123456789")

# Ordered alternatives: the first that matches at a position wins.
_TOKEN = re.compile(r"""
    (?P<bracket>\[\s*(?P<bcode>\d{4}[A-C]?)\s*\])                       # [NNNN]
  | (?P<split>(?<![\d,.])\$?\s?(?P<s3>\d{3})\s(?P<s1>\d)(?![\d,.]))      # 750 0
  | (?<![\w.,])(?P<amount>
        (?:\$\s?(?=\(\s?\d))?                  # "$ (96,751)": the mark before the parenthesis
        (?P<open>\()?\s?(?:(?P<minus>-)(?=\$?\d))?\$?\s?
        (?P<num>\d{1,3}(?:\s?[,.]\s?\d{3}(?!\d))+|\d+|[oO](?=\s*(?:\)|\[|$)))  # "1,137 ,433", "678, 797": one
        (?P<cents>\.\d{2}(?![\d,]))?                                      # "1,443,907,046.00": cents
        (?:\s?(?P<close>\)))?
        (?:(?P<trail>-)(?![\d-])|\s+(?P<crdr>CR|DR|Cr|Dr)\b)?)                   # "4,057,550-", "12,345  CR"
  | (?P<blank>(?:[-—–·•](?:\s?[-—–·•.])*|\(\s*\)))                        # leaders, an empty "( )"
  | (?P<junk>[^\sA-Za-z0-9$()\[\]:,.;'"&/%#-]+)                          # residue such as Ψ or _
""", re.VERBOSE)

# "or line 6. [7360]", "add lines 4 and 5": the number a label cites after the word line (as a scan may
# give it: "ime", "Iine"), with the list it ends; never a cell's amount
_CITES = re.compile(r"(?i)\b(?:lines?|[il1|]ines?|[l1|]?ime|lme)\s*"
                    r"(?:\d{1,2}(?:\.?[A-Z])?\s*(?:,|and|&|or|plus|\+|-|to|through|thru)\s*)*$")

_RUN_IN = re.compile(_TOKEN.pattern.replace(r"(?<![\w.,])(?P<amount>", r"(?<![\d.,])(?P<amount>"), re.VERBOSE)


@dataclass
class Tok:
    kind: str              # amount | code | xcode (another form's) | cut | blank | junk | noise | rownum
    text: str
    start: int
    value: int = 0         # amounts: absolute value
    sign: int = 1          # -1 negative, +1 positive
    sign_sure: bool = True # False: an unbalanced parenthesis
    code: str = ""         # codes: the code; cut: the digits that survive
    bracketed: bool = False
    grouped: bool = False  # the amount has thousands separators
    marked: bool = False   # the amount carries a money mark: a "$" before it, CR or DR after it
    end: int = 0
    gap: bool = False      # text other than white space was skipped right before this token
    free: bool = False     # (reader) an orphan amount that may still pair with a code below it
    repaired: bool = False # OCR split the number after a separator ("3,824,678, 797"): joined, unconfirmed
    damaged: bool = False  # (ocr_text) a mark of another program's OCR: letters for digits, pieces, a run-in


def clean(line: str) -> str:
    """Strip markup that text extraction leaves (**bold**, <u>underline</u>, escaped \\$)."""
    return _MARKUP.sub(" ", line).replace("\u00a0", " ").translate(_LOOKALIKES)


# Letters another program's OCR reads for digits inside a number ("10B,370,360", "3,2O7,065"):
# a letter with a digit on each side (a separator between allowed).
_LETTER_DIGIT = re.compile(r"""(?<=\d)[,.]?[OolISB](?=[,.]?\d) | (?<=\d[,.])[OolISB](?=\d)
    | (?:(?<=[,.]\d\d)|(?<=\d{5}))[OolISB](?![\w,.]) | (?<![\w,.])[OolISB](?=\d{0,2}[,.]\d{3}(?!\d))
    | (?<=\$)[OolISB](?=\d) | (?<=\$\s)[OolISB](?=\d) | (?:(?<=\s\d)|(?<=\s\d\d))[OolISB](?=\s*$)""", re.X)
_LETTER_VALUE = str.maketrans("OolISB", "001158")
# A row number ("9. Net settlement", "12. Segregated"), a code run into one ("715012. Segregated"),
# a code run into a letter ("7050Accounts"): label text, or a code and label text, never an amount.
_ROW_NUM = re.compile(r"(?<![\w.,$(-])(?P<code>\d{4})?(?P<num>\d{1,2})\.(?=\s*[A-Za-z])")


def unletter(line: str) -> tuple[str, list[int]]:
    """OCR text with the letters read for digits inside numbers put back as digits, and where
    (the line keeps its length): a number so mended is a candidate, never read whole."""
    where: list[int] = []

    def mend(m: re.Match) -> str:
        k = m.start() + len(m.group(0)) - 1
        where.append(k)
        return m.group(0)[:-1] + m.group(0)[-1].translate(_LETTER_VALUE)
    return _LETTER_DIGIT.sub(mend, line), where


def tokenize(line: str, codes: frozenset[str], ocr_text: bool = False) -> list[Tok]:
    """The tokens of one cleaned line. `codes` are the valid line codes of the report kind. With
    ocr_text (a .txt another program wrote), letters read for digits inside a number are mended (the
    number is then `repaired`: a candidate) and row numbers ("9. Net") are label text."""
    mended: list[int] = []
    if ocr_text:
        line, mended = unletter(line)
    toks: list[Tok] = []
    pos = 0
    skipped = False
    while pos < len(line):
        if line[pos].isspace():
            pos += 1
            continue
        r = _ROW_NUM.match(line, pos) if ocr_text else None
        if r:
            if r.group("code") in codes:
                toks.append(Tok("code", r.group("code"), pos, code=r.group("code"), end=r.start("num"),
                                gap=skipped))
            toks.append(Tok("rownum", r.group("num"), r.start("num"), end=r.end()))
            pos, skipped = r.end(), True
            continue
        m = _TOKEN.match(line, pos)
        run_in = False
        if ocr_text and not m and pos and line[pos - 1].isalpha():
            # a number run into its label ("traded on1,574 DR", "gross amount16,446"): a formatted one
            m = _RUN_IN.match(line, pos)
            if m and not (m.group("amount") and (re.search(r"\d[,.]\s?\d{3}", m.group(0)) or "$" in m.group(0)
                                                 or m.group("num") in codes and not m.group("open"))):
                m = None        # a code run into its label ("trade7337") is one too
            run_in = m is not None
        if not m or m.end() == pos:
            # skip a word (labels are handled by the reader) or one character
            w = re.match(r"[A-Za-z][A-Za-z'’-]*|\S" if ocr_text else r"[A-Za-z][\w'’-]*|\S", line[pos:])
            pos += w.end() if w else 1
            skipped = True
            continue
        pos = m.end()
        before = len(toks)
        if m.group("bracket"):
            # a bracketed code of another form (an SEC page's [3760]) is no line of this one
            kind = "code" if m.group("bcode") in codes else "xcode"
            toks.append(Tok(kind, m.group(0), m.start(), code=m.group("bcode"), bracketed=True))
        elif m.group("split"):
            joined = m.group("s3") + m.group("s1")
            if joined in codes:
                toks.append(Tok("code", m.group(0), m.start(), code=joined))
            else:   # not a code: read the two numbers again as what they are
                first = m.start("s3")
                toks += tokenize(line[first:first + 3], codes)
                toks += [Tok("amount", m.group("s1"), m.start("s1"), value=int(m.group("s1")))]
        elif m.group("amount"):
            toks.append(_amount(m, codes))
            if re.fullmatch(r"\d{1,2}\.?", m.group("amount").strip()) \
                    and _CITES.search(line[max(0, m.start() - 48):m.start()]):
                toks[-1] = Tok("noise", m.group(0), m.start())     # "line 6": a line cited by its number
            if ocr_text and re.match(r"[:;]\d", line[m.end():m.end() + 2]):
                toks[-1] = Tok("noise", m.group(0), m.start())     # "$ 72:10": a code or a time, torn
        elif m.group("blank"):
            toks.append(Tok("blank", m.group(0).strip(), m.start()))
        elif m.group("junk"):
            toks.append(Tok("junk", m.group(0), m.start()))
        for t in toks[before:]:
            t.end = t.end or m.end()
            t.damaged = run_in or (t.kind == "amount" and re.search(r"\d[,.]?\s+[,.]?\d", t.text) is not None)
        if len(toks) > before:
            toks[before].gap = skipped
        skipped = False
    for t in toks:
        # a letter mended, or a group led by 0 ("-0,375": no print writes it; a digit misread), or a
        # number of three digits or more led by 0 ("000000 CR": the rest of a number split by a tab)
        if t.kind == "amount" and (any(t.start <= k < t.end for k in mended)
                                   or ocr_text and re.match(r"[-($\s]*0[,.]\s?\d{3}", t.text)
                                   or re.match(r"[-($\s]*0\d{2}", t.text)):
            t.repaired = t.damaged = True
    if ocr_text:
        toks = _join_digit_runs(toks, line, codes)
    return _merge_cut_codes(toks, codes)


_MARK_AFTER = r"(?:\)|-|\s+(?:CR|DR|Cr|Dr))?"


def _join_digit_runs(toks: list[Tok], line: str, codes: frozenset[str]) -> list[Tok]:
    """OCR text splits a number without separators by a space or a tab ("$1571 16", "$(4467 20)"),
    or its cents ("$10615.\t00"): a number marked by "$" or an opening parenthesis and a run of
    digits one blank after it (no code, no sign, no "$", no separator of its own) are one number,
    joined as a candidate (repaired); so are a bare number of one to three digits and a group of three
    one blank after it ("4 000"). "add lines 1, 2" or "NY 22 10018" are never joined."""
    out: list[Tok] = []
    for t in toks:
        a = out[-1] if out else None
        gap = line[a.end:t.start] if a is not None else ""
        if (a is not None and a.kind == "amount" and t.kind in ("amount", "noise")
                and (re.fullmatch(r"\s", gap) and not a.grouped and (a.marked or a.text.startswith("("))
                     and a.value != 0 and re.fullmatch(r"\d+(?:\.\d\d)?" + _MARK_AFTER, t.text)
                     or re.fullmatch(r"\.\s", gap) and re.fullmatch(r"\d\d" + _MARK_AFTER, t.text)
                     or re.fullmatch(r"\s", gap) and not a.grouped and 0 < a.value < 1000 and not a.marked
                     and re.fullmatch(r"\d{3}" + _MARK_AFTER, t.text))
                and not a.text.endswith(")") and not a.text[-1:].isalpha() and "." not in a.text[-3:]):
            joined = [j for j in tokenize(line[a.start:a.end] + gap.strip() + line[t.start:t.end], codes)
                      if j.kind == "amount"]
            if len(joined) == 1:
                j = joined[0]
                out[-1] = Tok("amount", line[a.start:t.end], a.start, value=j.value, sign=j.sign,
                              sign_sure=j.sign_sure, grouped=j.grouped, marked=j.marked, end=t.end,
                              gap=a.gap, repaired=True, damaged=True)
                continue
        out.append(t)
    return out


def _amount(m: re.Match, codes: frozenset[str]) -> Tok:
    num = m.group("num")
    text = m.group("amount").strip()
    if num in ("o", "O"):
        num = "0"           # OCR reads a zero as the letter o
    grouped = bool(re.search(r"[,.]", num))
    digits = re.sub(r"[,.\s]", "", num)
    opened, closed = bool(m.group("open")), bool(m.group("close"))
    if not grouped and len(digits) == 4 and digits in codes and not (opened or closed or m.group("minus")):
        return Tok("code", digits, m.start(), code=digits)
    if not grouped and len(digits) == 4 and digits in codes and opened and closed and not m.group("minus") \
            and not re.search(r"\blines?\b[^()]{0,12}$", m.string[max(0, m.start() - 24):m.start()], re.I):
        # "(7033)": a line code in parentheses, as some prints and OCR give it; "line D (7490)" cites one
        return Tok("code", digits, m.start(), code=digits, bracketed=True)
    if closed and not opened and not grouped and int(digits) != 0:
        return Tok("noise", text, m.start())   # "line 8)": the end of a label, not an amount
    negative = bool(m.group("minus")) or (opened and closed) or bool(m.group("trail")) \
        or (m.group("crdr") or "").upper() == "CR"
    value, repaired = int(digits), bool(re.search(r"\s", num))
    cents = m.group("cents")
    if cents and cents != ".00":
        # the form is in whole dollars: a print in cents is rounded half up, and only the arithmetic
        # can confirm that the print meant it
        value, repaired = (int(digits) * 100 + int(cents[1:]) + 50) // 100, True
    # a credit mark is a negative amount as the print states it (CR, as a trailing minus), a debit
    # mark a positive one: what the page prints, not a guess the arithmetic may overturn
    sure = opened == closed
    return Tok("amount", text, m.start(), value=value, sign=-1 if negative else 1,
               sign_sure=sure, grouped=grouped or bool(cents), repaired=repaired,
               marked="$" in text or bool(m.group("crdr")))


def _merge_cut_codes(toks: list[Tok], codes: frozenset[str]) -> list[Tok]:
    """A short number right after an amount that only begins a code ("749", "7") is a cut code."""
    out: list[Tok] = []
    for t in toks:
        if (t.kind == "amount" and not t.grouped and out and out[-1].kind == "amount" and out[-1].grouped
                and len(t.text) in (1, 2, 3) and t.text.isdigit()
                and any(c.startswith(t.text) for c in codes) and t.text not in ("0",)):
            out.append(Tok("cut", t.text, t.start, code=t.text, end=t.end))
        else:
            out.append(t)
    return out
