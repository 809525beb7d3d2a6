"""How a line's value was reached: a tree from the line down to the input lines and, where a
general-ledger mapping was used, the accounts and their balances."""

from __future__ import annotations

from decimal import Decimal

from .model import Filing
from ..money import fmt_amount, fmt_percent


def explain(filing: Filing, code: str, coef: int = 1) -> dict:
    rep = filing.report
    line = rep.lines[code]
    value = filing.values.get(code)
    node = {"line": code, "label": line.label, "value": value, "sign": "+" if coef > 0 else "-"}
    fi = filing.input
    if line.formula is not None:
        f = line.formula
        node["rule"] = f.describe() + f.operator.note(f, fi.header.retail_forex)
        node["parts"] = [explain(filing, a, sign) for sign, a in f.operator.parts(f)]
        node["how"] = "computed"
        return node
    if code in fi.percents:
        node["how"] = "target"
        node["rule"] = f"{fmt_percent(fi.percents[code])}% of line {line.target_of}, half up"
        node["parts"] = [explain(filing, line.target_of)]
        return node
    if code in fi.postings:
        node["how"] = "ledger"
        node["accounts"] = [{"account": p.account, "description": p.description, "balance": str(p.balance),
                             "flip": p.flip, "currency": p.currency, "rate": str(p.rate),
                             "amount": str(p.amount), "where": p.where}
                            for p in fi.postings[code]]
        exact = fi.exact.get(code, sum((p.amount for p in fi.postings[code]), 0))
        node["exact"] = str(exact)
        node["rule"] = f"{len(fi.postings[code])} account(s) sum to {exact:,}, rounded half up to whole dollars"
        return node
    if code in fi.sources:
        src = fi.sources[code]
        node["how"] = "input"
        node["source"] = str(src)
        node["given"] = src.given
        return node
    if value is not None and line.default is not None:
        node["how"] = "default"
        node["rule"] = "the form's default when the input does not give it"
        return node
    node["how"] = "blank"
    return node


def render_tree(node: dict):
    """The explanation as a rich Tree for the terminal."""
    from rich.markup import escape
    from rich.tree import Tree

    from rich.text import Text

    def label(n: dict) -> Text:
        value = "(blank)" if n["value"] is None else fmt_amount(n["value"], "parens")
        text = f"{n['sign'] if n['sign'] == '-' else ''}[bold]{n['line']}[/] {escape(n['label'][:70])} = [bold]{value}[/]"
        extra = n.get("rule") or n.get("source") or ""
        # the console prints user text literally (markup off), so the tree's own styling is parsed here
        return Text.from_markup(text + (f"  [dim]{escape(extra)}[/]" if extra else "") + f"  [cyan]{n['how']}[/]",
                               overflow="fold")

    def grow(tree, n: dict) -> None:
        for child in n.get("parts", []):
            grow(tree.add(label(child)), child)
        for a in n.get("accounts", []):
            flip = " (sign flipped)" if a["flip"] else ""
            money = escape(format(Decimal(a["balance"]), ","))
            if a.get("currency", "USD") != "USD":      # the converted figure, tied to its rate
                money = (f"{escape(a['currency'])} {money}{flip} x {escape(a['rate'])} = "
                         f"{escape(format(Decimal(a['amount']), ','))} USD")
                flip = ""
            tree.add(Text.from_markup(f"account {escape(a['account'])} {escape(a['description'][:60])}: "
                                      f"{money}{flip} [dim]{escape(a['where'])}[/]", overflow="fold"))

    root = Tree(label(node))
    grow(root, node)
    return root
