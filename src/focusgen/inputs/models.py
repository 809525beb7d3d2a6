"""The input's data models: the YAML header (pydantic, checked field by field), where each line came
from, and the checked FilingInput that compute reads. No reading and no checking against the form
here: formats.py, tables.py and friends read files, load.py checks lines against the form."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Discriminator, Field, Tag

from ..problems import quote
from .currencies import Rates

YAML_KEYS = ("report", "as_of", "period_begin", "submit_date", "firm", "lines", "names", "ledger",
             "retail_forex", "filing_status", "filed_pursuant_to", "carries_customer_accounts",
             "trial_balance", "mapping", "adjusted_net_capital", "variance", "describe",
             "sec_minimum_net_capital", "planned_withdrawals", "undermargined", "withdrawals", "fx", "registrant",
             "consolidated", "audited_report", "amends", "reason", "nfa_requirement_margin_based", "net_capital",
             "planned_withdrawal_date", "attest", "business_day_reason", "dsro", "retail_forex_obligation",
             "sec_net_capital", "filed_by")


def _iso_date(value: Any) -> date:
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValueError(f"{quote(value)} is not a date written as YYYY-MM-DD")
    try:
        return date.fromisoformat(value.strip())
    except ValueError:
        raise ValueError(f"{quote(value)} is not a real calendar date (YYYY-MM-DD)") from None


def _text(value: Any) -> Any:
    # firm_id: 19585 or phone numbers written without quotes are still text
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, (int, Decimal)):
        return str(value)
    return value


MAX_TEXT = 200      # characters in any text field: the longest registered firm names are about 100


def _plain(value: str) -> str:
    # A newline or control character in a name could forge a banner line in the text output.
    bad = next((c for c in value if not c.isprintable()), None)
    if bad is not None:
        raise ValueError(f"holds the control character {bad!r}; text fields are one line of printable text")
    if len(value) > MAX_TEXT:
        raise ValueError(f"is {len(value):,} characters long; at most {MAX_TEXT}")
    return value


def _nonblank(value: str) -> str:
    if not value.strip():
        raise ValueError("is empty")
    return value.strip()


IsoDate = Annotated[date, BeforeValidator(_iso_date)]
Text = Annotated[str, BeforeValidator(_text), AfterValidator(_plain)]
Name = Annotated[Text, AfterValidator(_nonblank)]


class Contact(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=False)
    name: Text | None = None
    phone: Text | None = None
    email: Text | None = None


def _zip(value: Any) -> Any:
    # YAML reads an unquoted 02110 as the number 2110 (focusgen reads numbers as their digits): a ZIP
    # code written as a number must have its five digits, or its leading zero was lost
    if isinstance(value, int) and not isinstance(value, bool) and not 10000 <= value <= 99999:
        raise ValueError(f"{value} is not a five-digit ZIP code; write it in quotes (\"02110\") so a leading "
                         "zero is kept")
    return value


class Address(BaseModel):
    """The FOCUS II cover's address boxes: street [20], city [21], state [22], zip [23]."""
    model_config = ConfigDict(extra="forbid")
    street: Text | None = None
    city: Text | None = None
    state: Text | None = None
    zip: Annotated[Text, BeforeValidator(_zip)] | None = None


class Firm(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: Name
    sec_file_no: Text | None = None
    firm_id: Text | None = None
    # one line (printed whole in box 20), or the boxes' parts; the tag keeps a problem of one form from
    # being reported against the other too
    address: Annotated[Annotated[Text, Tag("line")] | Annotated[Address, Tag("parts")],
                       Discriminator(lambda v: "parts" if isinstance(v, (dict, Address)) else "line")] | None = None
    contact: Contact = Contact()


class Consolidated(BaseModel):
    """A subsidiary or affiliate consolidated in a FOCUS II report (cover boxes 32-39)."""
    model_config = ConfigDict(extra="forbid")
    name: Name
    sec_file_no: Text | None = None


class Table(BaseModel):
    """A table file named in more detail: `{file: book.xlsx, sheet: Seg}`, or for ledger balances
    `{file: book.xlsx, cells: {7010: "Balances!C14", 7020: CashAtBanks}}` (a cell or a defined name per line)."""
    model_config = ConfigDict(extra="forbid")
    file: Text
    sheet: Text | None = None
    cells: dict[Any, Text] | None = None


class Variance(BaseModel):
    """Thresholds for flagging a movement against the prior period (both must be passed)."""
    model_config = ConfigDict(extra="forbid")
    percent: Annotated[Decimal, Field(ge=0, allow_inf_nan=False)] = Decimal(10)
    dollars: Annotated[int, Field(ge=0)] = 1_000_000


class Header(BaseModel):
    """The metadata of a filing input (the `lines` are checked against the form separately)."""
    model_config = ConfigDict(extra="forbid")
    report: Literal["focus-ii", "daily-seg"]
    as_of: IsoDate
    period_begin: IsoDate | None = None
    submit_date: IsoDate | None = None
    firm: Firm
    names: dict[Text, Text | None] = {}
    ledger: Text | Table | None = None
    retail_forex: bool = False
    filing_status: Text = "INITIAL"
    filed_pursuant_to: Literal["17a-5(a)", "17a-5(b)", "17a-11", "special-request", "other"] = "17a-5(a)"
    carries_customer_accounts: bool = True
    lines: Any = None           # checked against the form by _check_line, not here
    trial_balance: Text | Table | None = None     # general-ledger mapping (ledger.py): both or neither
    mapping: Text | None = None
    adjusted_net_capital: Any = None      # optional: enables the capital alerts
    variance: Variance = Variance()
    describe: dict[Text, Text] = {}       # the "(describe:)" lines 7150, 7765, 8715
    sec_minimum_net_capital: Any = None   # a BD-FCM's SEC minimum (line 3760 of the SEC pages)
    planned_withdrawals: Any = None       # withdrawals planned, for the 30% notice
    undermargined: dict[Any, Any] = {}    # per statement: customers' undermargined amount
    withdrawals: dict[Any, Any] = {}      # per statement: residual interest withdrawn not for customers
    # chooses the form name (CME Advisory 12-04); not given: the dual registrant's name, and the alerts
    # treat the firm as a BD-FCM only if it gives sec_minimum_net_capital
    registrant: Literal["fcm", "bd-fcm"] | None = None
    fx: Any = None                        # rates for a trial balance in several currencies (currencies.py)
    consolidated: Annotated[list[Consolidated], Field(max_length=4)] = []   # FOCUS II cover, boxes 32-39
    audited_report: bool = False          # FOCUS II cover, box 42
    amends: Text | None = None            # an amended filing: the original (built JSON or a filed PDF/text)
    reason: Text | None = None            # ... and why it is amended
    # 1.12(b)(3): NFA's requirement (line C) is computed by its margin-based rule (110% leg when at least line A)
    nfa_requirement_margin_based: bool = False
    net_capital: Any = None               # 1.17 net capital (tentative net capital for a 1.10(h) filer): 1.12(g)(1)
    planned_withdrawal_date: IsoDate | None = None   # the date of planned_withdrawals: the 1.12(g)(2) deadline
    attest: dict[Text, bool] = {}         # the events of 1.12 no line shows: true confirmed, false it occurred
    business_day_reason: Text | None = None   # why a daily statement is dated on a day that is not a business day
    dsro: Text | None = None              # the firm's DSRO, for the CFTC's published row (CME, NFA, ...)
    retail_forex_obligation: Any = None   # total retail forex obligation, for the CFTC's published row
    sec_net_capital: Any = None           # a BD-FCM's net capital under SEC Rule 15c3-1 (the posting's summary)
    filed_by: Text | None = None          # the amended Part II cover's "filed by a/an" box (see cftc revisions)

    @property
    def amended(self) -> bool:
        return self.filing_status.strip().upper() == "AMENDED"

    @property
    def registered_as(self) -> str:
        """The registrant as filed: the input's, else a dual registrant (the form name's default)."""
        return self.registrant or "bd-fcm"


@dataclass(frozen=True)
class Source:
    """Where an input line was given: shown in problems and by `explain`."""
    file: str
    where: str          # "yaml line 12" or "row 4"
    given: str          # the amount as written

    def __str__(self) -> str:
        return f"{self.file} ({self.where})"


@dataclass(frozen=True)
class FilingInput:
    header: Header
    amounts: dict[str, int]             # input lines given, rounded to whole dollars
    exact: dict[str, Decimal]           # the same, as given (before rounding)
    percents: dict[str, Fraction]       # management targets given as a percentage
    sources: dict[str, Source]
    files: tuple[Path, ...]             # every file read, for hashes and the manifest
    digest: str = field(default="")     # sha256 over the files' bytes
    postings: dict = field(default_factory=dict)    # line -> ledger.Posting list (mapped lines)
    file_hashes: tuple = ()                         # (path, sha256) of each file read
    adjusted_net_capital: int | None = None
    targets: dict = field(default_factory=dict)     # how each management target was given (a.-d.)
    defaults: dict = field(default_factory=dict)    # lines that took the form's default, and its value
    warnings: tuple = ()                            # problems that do not stop a build (printed, recorded)
    extras: dict = field(default_factory=dict)      # optional alert inputs, in whole dollars
    report: Any = None                              # the form revision covering the as-of date
    rates: Rates = field(default_factory=Rates)     # fx rates of a trial balance in several currencies
    amends: Path | None = None                      # the original an amended filing amends (confined)
    due: Any = None                                 # calendar.Due: when this filing is due (its schedule)

    @property
    def kind(self) -> str:
        return self.header.report


