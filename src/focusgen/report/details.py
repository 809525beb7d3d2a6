"""A holdings report's detail tables: the rows a `detail:` row of the form declares, one per depository of
the statement's holdings (form/holdings.py Detail), each column the whole dollars of the held holdings it
takes, grouped by depository kind in the vocabulary's order, with each group's subtotal and the total.

The total row equals the statement's total line: both are exact sums of the same whole dollars, and the
form's check at load makes the total column take every held holding once."""

from __future__ import annotations

from .heldmodel import DetailRow, DetailTable


def _values(columns, holdings) -> tuple[int, ...]:
    parts = {c.key: sum(h.dollars for h in holdings if c.holdings.takes(h)) for c in columns if c.holdings}
    return tuple(parts[c.key] if c.holdings else sum(parts[k] for k in c.sum) for c in columns)


def tables(rep, held) -> tuple[DetailTable, ...]:
    if held is None or rep.holdings is None:
        return ()
    found = []
    for st, detail in rep.details:
        mine = [h for h in held.rows if h.origin == st.name and h.held]
        by_depository: dict[str, list] = {}
        for h in mine:
            by_depository.setdefault(h.depository, []).append(h)
        groups = []
        for kind, label in rep.holdings.depositories.items():
            names = sorted(n for n, hs in by_depository.items() if hs[0].depository_kind == kind)
            if not names:
                continue
            rows = tuple(DetailRow(n, by_depository[n][0].location, kind, by_depository[n][0].depository_affiliate,
                                   _values(detail.columns, by_depository[n])) for n in names)
            groups.append((kind, label, rows, _values(detail.columns, [h for n in names for h in by_depository[n]])))
        found.append(DetailTable(st.key, detail.key, tuple((c.key, c.label) for c in detail.columns), tuple(groups),
                                 _values(detail.columns, mine), detail.total_label, detail.affiliate_mark))
    return tuple(found)
