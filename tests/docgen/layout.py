"""A print layout drawn from a seed: everything about how a filing's rows are put on paper that the
form itself does not fix.

    draw_layout(seed) -> Layout          money(value, style, dollar) -> (text, separate $ or "")

Drawn: page size (Letter, A4) and margins; the font (the PDF standard Times, Helvetica, Courier, or
the bundled Liberation Sans) and its size and leading; labels as printed or upper case; where the
code stands (before the label, after the amount, boxed before the amount field, after the label,
or absent) and how it is bracketed; leaders (dots, spaced dots, dashes, none); one listing a page or
two side by side; one amount column or the form's two (three on the SEC pages); how narrow labels
wrap, and whether a wrapped label's amount stands on its first or last row; page breaks (each
statement on a new page or not, breaks anywhere, even inside a wrapped label); run heads and
footers (firm, date in several formats, page numbers, form name, a run stamp, column heads); rules;
and the number style (thousands separators or none; negatives in parentheses, with a leading or
trailing minus, or CR; $ on the form's $ lines, on every line, or none, attached or in a column of
its own; cents; nil printed as 0, - or left blank).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

FAMILIES = {
    "times": ("Times-Roman", "Times-Bold"),
    "helvetica": ("Helvetica", "Helvetica-Bold"),
    "courier": ("Courier", "Courier-Bold"),
    "liberation-sans": ("LibSans", "LibSans-Bold"),
}
CODE_POS = ("before", "after", "boxed", "label", "absent")


@dataclass
class NumberStyle:
    sep: str = ","                 # "," or "" (no thousands separators)
    neg: str = "paren"             # paren | minus | trailing | cr | drcr
    dollar: str = "form"           # none | form (the form's $ lines) | all
    dollar_at: str = "spaced"      # attached "$1,234" | spaced "$ 1,234" | column (a $ at the field's left)
    cents: bool = False
    nil: str = "0"                 # how a zero prints: "0", "-", or "" (left blank)


@dataclass
class Layout:
    seed: int
    page: str = "letter"           # letter | a4
    margins: tuple = (54, 54, 72, 54)      # left, right, top, bottom (points)
    family: str = "times"
    size: float = 9.0
    leading: float = 12.0
    title_size: float = 10.0
    upper: bool = False
    code_pos: str = "after"
    brackets: str = "[]"           # [] () or "" (bare)
    code_lost: float = 0.0         # share of coded lines printed without their code
    leader: str = "dots"           # dots | spaced | dashes | none
    listings: int = 1              # 1, or 2 side by side
    amount_cols: str = "two"       # two (the form's inner and outer) | one
    wrap_at: float = 1.0           # share of the label room labels wrap at
    amount_row: str = "last"       # first | last: the row of a wrapped label its amount stands on
    statement_breaks: bool = False
    break_anywhere: float = 0.0    # chance of a page break before any row
    split_labels: bool = False     # a page break may fall inside a wrapped label
    head: list = field(default_factory=list)   # run head items
    foot: list = field(default_factory=list)   # footer items
    col_heads: bool = False        # "LINE DESCRIPTION ... AMOUNT" under the run head
    rules: bool = False            # a rule under each amount field
    title_align: str = "center"    # center | left
    date_style: str = "mdy"        # mdy | long | iso | dmy-short
    numbers: NumberStyle = field(default_factory=NumberStyle)

    @property
    def fonts(self) -> tuple[str, str]:
        return FAMILIES[self.family]

    def describe(self) -> str:
        n = self.numbers
        return (f"{self.page} {self.family} {self.size:.1f}pt code={self.code_pos}{self.brackets or '-'} "
                f"leader={self.leader} listings={self.listings} amounts={self.amount_cols} wrap={self.wrap_at:.2f}/"
                f"{self.amount_row} breaks={'stmt' if self.statement_breaks else ''}{self.break_anywhere:.2f}"
                f"{'/split' if self.split_labels else ''} numbers=sep'{n.sep}',{n.neg},${n.dollar}/{n.dollar_at},"
                f"{'cents,' if n.cents else ''}nil'{n.nil}'")


def draw_numbers(rnd: random.Random) -> NumberStyle:
    return NumberStyle(
        sep=rnd.choice([",", ",", ",", ""]),
        neg=rnd.choice(["paren", "paren", "minus", "minus", "trailing", "cr", "drcr"]),
        dollar=rnd.choice(["none", "form", "form", "all"]),
        dollar_at=rnd.choice(["attached", "spaced", "column"]),
        cents=rnd.random() < 0.2,
        nil=rnd.choice(["0", "0", "0", "-", ""]),
    )


HEAD_ITEMS = ("firm", "date", "page", "page-of", "form", "run", "report-id", "confidential")


def draw_layout(seed: int, kind: str = "focus-ii") -> Layout:
    rnd = random.Random(f"layout/{seed}")
    family = rnd.choice(list(FAMILIES))
    size = round(rnd.uniform(6.5, 10.0), 1)
    if family == "courier":
        size = min(size, 8.5)
    listings = 2 if rnd.random() < 0.15 else 1
    if listings == 2:
        size = min(size, 7.2)
    code_pos = rnd.choice(CODE_POS + ("after", "before", "boxed"))
    if code_pos == "absent" and rnd.random() < 0.5:      # prints without codes are rarer than with
        code_pos = "after"
    brackets = rnd.choice(["[]", "[]", "()", ""]) if code_pos in ("after", "label") else \
        rnd.choice(["", "[]"]) if code_pos == "before" else ""
    head = rnd.sample(HEAD_ITEMS, rnd.randint(1, 4))
    foot = rnd.sample([h for h in HEAD_ITEMS if h not in head], rnd.randint(0, 2))
    lay = Layout(
        seed=seed,
        page=rnd.choice(["letter", "letter", "a4"]),
        margins=(rnd.randint(24, 72), rnd.randint(24, 72), rnd.randint(48, 96), rnd.randint(36, 72)),
        family=family, size=size, leading=round(size * rnd.uniform(1.12, 1.55), 1),
        title_size=round(size * rnd.uniform(1.0, 1.3), 1),
        upper=rnd.random() < 0.25,
        code_pos=code_pos, brackets=brackets,
        code_lost=rnd.choice([0.0] * 6 + [0.03, 0.08]) if code_pos != "absent" else 0.0,
        leader=rnd.choice(["dots", "dots", "spaced", "dashes", "none", "none"]),
        listings=listings,
        amount_cols="one" if listings == 2 or rnd.random() < 0.25 else "two",
        wrap_at=rnd.choice([1.0, 1.0, rnd.uniform(0.45, 0.95)]),
        amount_row=rnd.choice(["first", "last", "last"]),
        statement_breaks=rnd.random() < 0.5,
        break_anywhere=rnd.choice([0.0, 0.0, 0.01, 0.04]),
        split_labels=rnd.random() < 0.15,
        head=head, foot=foot, col_heads=rnd.random() < 0.25, rules=rnd.random() < 0.3,
        title_align=rnd.choice(["center", "left"]),
        date_style=rnd.choice(["mdy", "mdy", "long", "iso", "dmy-short"]),
        numbers=draw_numbers(rnd),
    )
    return lay


def money(v: int | None, st: NumberStyle, dollar: bool) -> tuple[str, str]:
    """(the amount as printed, a $ printed apart at the field's left or ""). None: an empty cell."""
    if v is None:
        return "", ""
    if v == 0 and st.nil != "0":
        body = st.nil
        if not body:
            return "", ""
    else:
        a = abs(v)
        body = f"{a:,}" if st.sep == "," else str(a)
        if st.cents:
            body += ".00"
        if v < 0:
            body = {"paren": f"({body})", "minus": f"-{body}", "trailing": f"{body}-",
                    "cr": f"{body} CR", "drcr": f"{body} CR"}[st.neg]
        elif st.neg == "drcr" and v > 0:
            body = f"{body} DR"
    show = st.dollar == "all" or (st.dollar == "form" and dollar)
    if not show:
        return body, ""
    if st.dollar_at == "column":
        return body, "$"
    return ("$" if st.dollar_at == "attached" else "$ ") + body, ""
