"""Reading a JSON document that came from disk: bounded before anything is built, exact, and every
refusal named. Every JSON focusgen reads goes through `loads` (a filing's JSON through report/jsonio: a
prior, an original, a `check` or history folder, the posting's filings; a build's manifest.json; a
print given to `extract` that turns out to be JSON).

- its size: at most the caller's limit, in bytes (file-too-large), before it is decoded;
- its values: counted from the text before parsing (every value but the first of a container follows
  a comma, and every container opens with a bracket), at most MAX_VALUES (json-too-large). 8 MiB of
  `[],` would otherwise be 2.8 million lists and, through a schema's error list, gigabytes;
- its nesting: at most MAX_DEPTH levels (json-too-large); the parser's own recursion guard catches
  deeper text before a level is built;
- its numbers: NaN and Infinity are not JSON (json-syntax); an integer past Python's 4,300 digits is
  refused by name (json-too-large), never a traceback;
- its keys: a key given twice in one object is refused (duplicate-key), never silently read as the
  last of them.
"""

from __future__ import annotations

import json
from typing import Any

from ..problems import InputProblems, Problem, quote

MAX_FILING = 8 * 2**20  # the bytes of a filing's JSON (report/jsonio.MAX_BYTES): it is about 20 KB
MAX_VALUES = 100_000    # a filing's JSON holds about 300 to 1,000; its currency section a few thousand more
MAX_DEPTH = 64          # a filing's JSON is 5 levels deep


class _Refused(Exception):
    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code, self.message = code, message


def _pairs(pairs: list) -> dict:
    found = dict(pairs)
    if len(found) != len(pairs):
        seen = set()
        for key, _ in pairs:
            if key in seen:
                raise _Refused("duplicate-key", f"gives the key {quote(key)} twice in one object")
            seen.add(key)
    return found


def _constant(name: str):
    raise _Refused("json-syntax", f"holds {name}, which is not a JSON number")


def _depth(doc: Any) -> int:
    deepest, stack = 0, [(doc, 1)]
    while stack:
        value, depth = stack.pop()
        if isinstance(value, (dict, list)):
            deepest = max(deepest, depth)
            if deepest > MAX_DEPTH:
                break
            stack.extend((v, depth + 1) for v in (value.values() if isinstance(value, dict) else value))
    return deepest


def loads(data: bytes | str, name: str, limit: int, expected: str) -> Any:
    """The document in `data` (bytes: UTF-8, a BOM allowed), or InputProblems naming why not."""
    def refuse(code: str, message: str, wanted: str = expected):
        raise InputProblems([Problem(code, name, message, expected=wanted)])

    if len(data) > limit:
        refuse("file-too-large", f"has {len(data):,} bytes", f"{expected} of at most {limit:,} bytes")
    if isinstance(data, bytes):
        try:
            data = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            refuse("not-text", f"is not UTF-8 text (byte {exc.start:,})")
    values = data.count(",") + data.count("[") + data.count("{")
    if values > MAX_VALUES:
        refuse("json-too-large", f"holds about {values:,} values", f"{expected} of at most {MAX_VALUES:,} values")
    try:
        doc = json.loads(data, object_pairs_hook=_pairs, parse_constant=_constant)
    except _Refused as exc:
        refuse(exc.code, exc.message)
    except RecursionError:
        refuse("json-too-large", "is nested too deeply", f"{expected} nested at most {MAX_DEPTH} levels")
    except json.JSONDecodeError as exc:
        refuse("json-syntax", f"JSON syntax error: {exc.msg} (line {exc.lineno}, column {exc.colno})")
    except ValueError:          # int(): more digits than Python converts
        refuse("json-too-large", "holds an integer of more than 4,300 digits", f"{expected}, its amounts whole dollars")
    if _depth(doc) > MAX_DEPTH:
        refuse("json-too-large", f"is nested more than {MAX_DEPTH} levels deep",
               f"{expected} nested at most {MAX_DEPTH} levels")
    return doc
