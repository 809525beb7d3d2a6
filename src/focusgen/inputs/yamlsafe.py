"""A YAML loader that is safe and exact.

Built on yaml.SafeLoader / CSafeLoader (no tag can build a Python object), and further:
- a duplicate key is recorded as a problem instead of silently keeping the last value;
- numbers are read as the digits the user wrote: a plain decimal integer (leading zeros allowed:
  0001500 is 1500, never octal) is an int that remembers its text (`0080` stays "0080" where text is
  wanted, such as an account number); a decimal fraction is an exact Decimal (1443907046.50 stays
  exact); every other YAML 1.1 number form (0x10, 0o17, 0b11, 1_000, 1:30, 1.5e+3, .inf, .nan) stays the
  text it is, so an amount written that way is refused by name instead of read as another number;
- only true/false are booleans (YAML 1.1's yes/no/on/off stay text: a firm named NO is a name);
- dates are kept as text, so an impossible date is reported by validation, not as a crash;
- the source line of every mapping key is kept, so problems can say where they are.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

import yaml


class KeyLines(dict):
    """A mapping that remembers the YAML line (1-based) of each key."""

    lines: dict


# libyaml's parser with PyYAML's safe constructors when available (10x faster); same behaviour.
class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):
    pass


def _construct_mapping(loader: _Loader, node: yaml.MappingNode) -> KeyLines:
    loader.flatten_mapping(node)
    result = KeyLines()
    result.lines = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        try:
            hash(key)
        except TypeError:
            raise yaml.constructor.ConstructorError(
                None, None, "a mapping key must be a plain value", key_node.start_mark) from None
        value = loader.construct_object(value_node, deep=True)
        line = key_node.start_mark.line + 1
        if key in result:
            loader.duplicates.append((key, result.lines[key], line))
            continue
        result[key] = value
        result.lines[key] = line
    return result


class Written(int):
    """A plain decimal integer as written: its value for arithmetic, its text wherever text is wanted
    (str(), format()), so `firm_id: 019585` or `account: 0080` keep their leading zeros."""

    text: str

    def __new__(cls, text: str):
        self = super().__new__(cls, int(text, 10))
        self.text = text
        return self

    def __str__(self) -> str:
        return self.text

    def __format__(self, spec: str) -> str:
        return format(self.text, spec) if not spec or spec[-1] == "s" else super().__format__(spec)

    def __reduce__(self):
        return (Written, (self.text,))


_DECIMAL_INT = re.compile(r"[-+]?[0-9]{1,60}")
# No exponent: 1.23457E+15 is how spreadsheets display a number they have cut short.
_DECIMAL_FRACTION = re.compile(r"[-+]?(?:[0-9]{1,60}\.[0-9]{0,200}|\.[0-9]{1,200})")


def _construct_int(loader: _Loader, node: yaml.ScalarNode):
    text = loader.construct_scalar(node)
    if _DECIMAL_INT.fullmatch(text):
        return Written(text)
    return text     # 0x10, 0o17, 0b11, 1_000, 1:30, or too many digits: left as text, refused as an amount


def _construct_float(loader: _Loader, node: yaml.ScalarNode):
    text = loader.construct_scalar(node)
    if _DECIMAL_FRACTION.fullmatch(text):
        try:
            return Decimal(text)
        except InvalidOperation:  # pragma: no cover - the pattern admits only decimal digits
            pass
    return text     # .inf, .nan, 1_000.5, 1:30.5: left as text, refused as an amount


def _construct_bool(loader: _Loader, node: yaml.ScalarNode):
    text = loader.construct_scalar(node)
    return {"true": True, "false": False}.get(text.lower(), text)


def _construct_timestamp(loader: _Loader, node: yaml.ScalarNode) -> str:
    return loader.construct_scalar(node)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:float", _construct_float)
_Loader.add_constructor("tag:yaml.org,2002:int", _construct_int)
_Loader.add_constructor("tag:yaml.org,2002:bool", _construct_bool)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


MAX_DEPTH = 64             # nesting of mappings and sequences; an input needs 4
MAX_NODES = 2_000_000      # nodes with every alias expanded; a mapping of 100,000 accounts has ~500,000


class LimitError(yaml.YAMLError):
    """A document past MAX_DEPTH or MAX_NODES: refused before it is built."""

    def __init__(self, problem: str, mark):
        super().__init__(problem)
        self.problem, self.problem_mark = problem, mark


def _check_limits(text: str) -> None:
    """Walk the event stream (libyaml's parser is iterative; composing nodes is recursive and a
    50,000-deep document crashes it) counting depth and the size of every alias once expanded, so a
    413-byte "billion laughs" is refused in microseconds instead of taking gigabytes downstream."""
    loader = _Loader(text)
    try:
        _walk(loader)
    except yaml.YAMLError as exc:
        # PyYAML 6.0.3+ caps nesting itself while scanning ahead of the events we count: the same
        # refusal, by the same name, whichever limit is met first
        if "nesting depth" in str(getattr(exc, "problem", "") or exc):
            raise LimitError(f"nests deeper than {MAX_DEPTH} levels", getattr(exc, "problem_mark", None)) from None
        raise
    finally:
        loader.dispose()


def _walk(loader) -> None:
    """Count depth and expanded size event by event (see _check_limits)."""
    sizes: dict[str, int] = {}
    stack: list[list] = []          # open collections: [anchor, expanded size so far]
    total = 0
    while loader.check_event():
        event = loader.get_event()
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            if len(stack) >= MAX_DEPTH:
                raise LimitError(f"nests deeper than {MAX_DEPTH} levels", event.start_mark)
            stack.append([event.anchor, 1])
            continue
        if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            anchor, size = stack.pop()
        elif isinstance(event, yaml.ScalarEvent):
            anchor, size = event.anchor, 1
        elif isinstance(event, yaml.AliasEvent):
            anchor, size = None, sizes.get(event.anchor, 1)
        else:
            continue
        if anchor is not None:
            sizes[anchor] = size
        if stack:
            stack[-1][1] += size
        else:
            total += size
        if total > MAX_NODES or (stack and stack[-1][1] > MAX_NODES):
            raise LimitError(f"expands to more than {MAX_NODES:,} values (aliases counted each time "
                             "they are used)", event.start_mark)


_INDENT = re.compile(r"^[ \t?:-]*", re.M)
_BRACKETS = re.compile(r"[\[\]{}]")


def _surely_within_limits(text: str) -> bool:
    """A cheap, conservative test that lets a large plain document skip the event walk: no anchor or
    alias at all, block nesting bounded by the widest indentation (every level takes at least one
    character of it), flow nesting by the brackets (quoted brackets only make it more cautious)."""
    if "&" in text or "*" in text or "<<" in text:
        return False
    if max(map(len, _INDENT.findall(text)), default=0) >= MAX_DEPTH // 2:
        return False
    depth = deepest = 0
    for m in _BRACKETS.finditer(text):
        depth += 1 if m.group() in "[{" else -1
        deepest = max(deepest, depth)
    return deepest + MAX_DEPTH // 2 < MAX_DEPTH


def load(text: str):
    """Parse YAML text. Returns (data, duplicates) with duplicates as (key, first line, again line).

    Raises yaml.YAMLError for syntax errors, for tags that would build objects, and LimitError for a
    document too deep or too large once its aliases are expanded.
    """
    if not _surely_within_limits(text):
        _check_limits(text)
    loader = _Loader(text)
    loader.duplicates = []
    try:
        return loader.get_single_data(), loader.duplicates
    finally:
        loader.dispose()
