"""A YAML loader that is safe and exact.

Built on yaml.SafeLoader / CSafeLoader (no tag can build a Python object), and further:
- a duplicate key is recorded as a problem instead of silently keeping the last value;
- floats are loaded as exact Decimal from their text (1443907046.50 stays exact);
- dates are kept as text, so an impossible date is reported by validation, not as a crash;
- the source line of every mapping key is kept, so problems can say where they are.
"""

from __future__ import annotations

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


def _construct_float(loader: _Loader, node: yaml.ScalarNode):
    text = loader.construct_scalar(node).replace("_", "").lower()
    if text in (".nan",):
        return Decimal("NaN")
    if text in (".inf", "+.inf"):
        return Decimal("Infinity")
    if text == "-.inf":
        return Decimal("-Infinity")
    try:
        return Decimal(text)
    except InvalidOperation:  # e.g. sexagesimal 1:30.5, which YAML 1.1 calls a float
        return loader.construct_scalar(node)


def _construct_timestamp(loader: _Loader, node: yaml.ScalarNode) -> str:
    return loader.construct_scalar(node)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _construct_mapping)
_Loader.add_constructor("tag:yaml.org,2002:float", _construct_float)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


def load(text: str):
    """Parse YAML text. Returns (data, duplicates) with duplicates as (key, first line, again line).

    Raises yaml.YAMLError for syntax errors and for tags that would build objects.
    """
    loader = _Loader(text)
    loader.duplicates = []
    try:
        return loader.get_single_data(), loader.duplicates
    finally:
        loader.dispose()
