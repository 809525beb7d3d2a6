"""Writing SIDR (holdings) inputs for the tests: a YAML input with its holdings inline, or beside it as a
CSV, and the row of a holding with every column the loader knows."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import yaml

COLUMNS = ("origin", "depository", "depository_kind", "instrument", "market_value", "location",
           "depository_affiliate", "issuer", "issuer_group", "issuer_affiliate", "fund_family", "fund_assets",
           "manager_assets", "agreement", "counterparty", "counterparty_group", "counterparty_affiliate",
           "currency", "description")

FIRM = {"name": "Test Futures LLC", "contact": {"name": "A. Tester", "phone": "312-555-0100"}}


def holding(origin="segregation", depository="Prairie State Bank", kind="bank", instrument="cash", value="0",
            location="Chicago, IL", **more) -> dict:
    row = {"origin": origin, "depository": depository, "depository_kind": kind, "instrument": instrument,
           "market_value": str(value), "location": location}
    row.update({k: str(v) for k, v in more.items()})
    return row


def fund(value, name, family="Great Lakes Funds", instrument="mmf_government", fund_assets="80000000000",
         manager_assets="2500000000000", origin="segregation", **more) -> dict:
    """A fund held at a custodian: large unless its sizes say otherwise."""
    return holding(origin, "Lakeside Custody Trust", "custodian", instrument, value, issuer=name, fund_family=family,
                   fund_assets=fund_assets, manager_assets=manager_assets, **more)


def write_input(folder: Path, rows, as_of="2025-04-30", name="sidr", csv_file: bool = False, **header) -> Path:
    """The input YAML (and its CSV of holdings with csv_file=True; `holdings=` in the header names a file of
    its own instead); returns the YAML's path."""
    folder.mkdir(parents=True, exist_ok=True)
    doc = {"report": "sidr", "as_of": as_of, "firm": FIRM, **header}
    if "holdings" in header:
        pass
    elif csv_file:
        out = io.StringIO()
        writer = csv.DictWriter(out, fieldnames=list(COLUMNS), lineterminator="\n")
        writer.writeheader()
        for h in rows:
            writer.writerow(h)
        (folder / f"{name}.csv").write_text(out.getvalue())
        doc["holdings"] = f"{name}.csv"
    else:
        doc["holdings"] = list(rows)
    path = folder / f"{name}.yaml"
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return path


def filing(path: Path):
    from focusgen.inputs.load import load_input
    from focusgen.report.compute import compute
    return compute(load_input(path))
