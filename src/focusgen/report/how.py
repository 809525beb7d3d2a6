"""What a value of a Record claims: how it was obtained (`how`), one of a closed set.

A str enumeration: each member is its own string ("read", ...), so JSON, comparisons with strings
and the terminal show the same words as before. A filing's input or focusgen's JSON states its values
(read, blank; missing for a line the JSON does not state); extraction claims the rest (extract/how.py
holds which claims it makes and on what evidence). What each means is the README's "What a value
claims"; in short, from the surest to the least sure:
"""

from __future__ import annotations

from enum import StrEnum


class How(StrEnum):
    READ = "read"                    # the page prints it whole, with its code on its row (on a scan: two witnesses)
    BLANK = "blank"                  # its cell was found holding nothing at all: no digit, no mark
    CODE_LOST = "code-lost"          # printed, placed by its label or the form's order, not by its code
    SIGN_FIXED = "sign-fixed"        # its digits read; its sign settled by the form's arithmetic
    REPAIRED = "repaired"            # a reading with one witness, confirmed by an edit check that holds
    RECONSTRUCTED = "reconstructed"  # nothing legible in its cell: the form's arithmetic of known values
    UNCONFIRMED = "unconfirmed"      # null: the page shows a candidate (given) that nothing confirms
    UNREADABLE = "unreadable"        # null: something stands in the cell that cannot be read
    MISSING = "missing"              # null: its row was not found
