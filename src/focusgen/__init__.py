"""focusgen: CFTC FOCUS Report Part II and WinJammer Daily Seg filings from ledger balances."""

__version__ = "0.1.0"
