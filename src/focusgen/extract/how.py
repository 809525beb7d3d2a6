"""What a value of an extraction claims: how it was obtained (`how`, the closed set report/how.How),
which of those claims put a value on a line, and the codes of extraction's findings (Found).

What each claim means is the README's "What a value claims"; the rules that earn each are repair.py's.
"""

from __future__ import annotations

from enum import StrEnum

from ..report.how import How        # the model's vocabulary: a Record's `how` is one of these

__all__ = ["How", "CLAIMS", "ON_THE_PAGE", "Found"]


# what a value that is not null may claim, and what the page itself shows (no arithmetic in it)
CLAIMS = (How.READ, How.BLANK, How.CODE_LOST, How.SIGN_FIXED, How.REPAIRED, How.RECONSTRUCTED)
ON_THE_PAGE = (How.READ, How.BLANK, How.CODE_LOST, How.SIGN_FIXED, How.REPAIRED)


class Found(StrEnum):
    """What extraction found: the stable code (problems.Finding.code; the JSON's "kind") of each of its
    findings and of a failed edit check. A finding's `where` is the line it is about, if any."""
    # a value's claim, said with how it was settled
    BLANK = "blank"                  # a row found empty that the arithmetic gives 0: blank
    SIGN_FIXED = "sign-fixed"        # a sign settled by the form (a deduction, or the sign that foots)
    REPAIRED = "repaired"            # a candidate the arithmetic confirms
    RECONSTRUCTED = "reconstructed"  # a value made by the arithmetic of known values
    PLACED = "placed"                # an amount that lost its code, placed by the arithmetic
    ASSUMED = "assumed"              # a value made by a practice identity: an assumption, flagged
    # why a value is null, or not claimed as the page seems to show it
    UNCONFIRMED = "unconfirmed"      # a candidate nothing confirms
    DISAGREES = "disagrees"          # a candidate the arithmetic does not give: left to the eye
    DOUBTED = "doubted"              # a reading a failing edit check cannot clear
    CONFLICT = "conflict"            # read with different values
    UNSETTLED = "unsettled"          # a sign or value the arithmetic cannot settle
    MISSING = "missing"              # its row was not found
    UNREADABLE = "unreadable"        # its cell cannot be read
    # the arithmetic of the page itself
    UNCHECKED = "unchecked"          # a total printed without its parts: not checked
    EDIT_CHECK = "edit-check"        # a failed edit check: the prior's own arithmetic does not foot
    # the page, not a line
    ORPHAN = "orphan"                # amounts that lost code and label, placed on no line
    GHOST = "ghost"                  # an amount on a caption row (a ghost of a neighbour): ignored
    INTERLEAVED = "interleaved"      # OCR text of two listings side by side: no cell blank, values candidates
    PAGES = "pages"                  # pages of another form: not read
    OCR = "ocr"                      # a page or a region the recognisers could not take
