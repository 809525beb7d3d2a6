"""What a value of an extraction claims: how it was obtained (`how`), one of a closed set.

A str enumeration: each member is its own string ("read", ...), so JSON, comparisons with strings
and the terminal show the same words as before. What each means is the README's "What a value
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


# what a value that is not null may claim, and what the page itself shows (no arithmetic in it)
CLAIMS = (How.READ, How.BLANK, How.CODE_LOST, How.SIGN_FIXED, How.REPAIRED, How.RECONSTRUCTED)
ON_THE_PAGE = (How.READ, How.BLANK, How.CODE_LOST, How.SIGN_FIXED, How.REPAIRED)
