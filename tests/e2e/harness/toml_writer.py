"""Writes the small TOML subset keyfed configs use (Python's tomllib only reads).

Supported: tables (dict), arrays of tables (list of dicts), nested tables, and values of type
str, bool, int, float and lists of those. Anything else is a TypeError, so a test cannot write
a config that silently means something else.
"""

from __future__ import annotations

import math
import re
from pathlib import Path

_BARE_KEY = re.compile(r"^[A-Za-z0-9_-]+$")


def _key(name: str) -> str:
    return name if _BARE_KEY.match(name) else _string(name)


def _string(text: str) -> str:
    out = []
    for char in text:
        if char == "\\":
            out.append("\\\\")
        elif char == '"':
            out.append('\\"')
        elif char == "\n":
            out.append("\\n")
        elif char == "\t":
            out.append("\\t")
        elif ord(char) < 0x20 or ord(char) == 0x7F:
            out.append(f"\\u{ord(char):04X}")
        else:
            out.append(char)
    return '"' + "".join(out) + '"'


def _value(value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value) or math.isinf(value):
            raise TypeError("TOML floats here must be finite")
        return repr(value)
    if isinstance(value, (str, Path)):
        return _string(str(value))
    if isinstance(value, (list, tuple)):
        if any(isinstance(item, dict) for item in value):
            raise TypeError("arrays of tables must be values of a table key")
        return "[" + ", ".join(_value(item) for item in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} {value!r} as TOML")


def _is_table_array(value) -> bool:
    return isinstance(value, (list, tuple)) and bool(value) and \
        all(isinstance(item, dict) for item in value)


def _emit(table: dict, path: list[str], lines: list[str]) -> None:
    scalars = {k: v for k, v in table.items()
               if not isinstance(v, dict) and not _is_table_array(v)}
    for key, value in scalars.items():
        lines.append(f"{_key(key)} = {_value(value)}")
    for key, value in table.items():
        if isinstance(value, dict):
            sub = path + [_key(key)]
            lines.append("")
            lines.append(f"[{'.'.join(sub)}]")
            _emit(value, sub, lines)
        elif _is_table_array(value):
            sub = path + [_key(key)]
            for item in value:
                lines.append("")
                lines.append(f"[[{'.'.join(sub)}]]")
                _emit(item, sub, lines)


def dumps(document: dict) -> str:
    """``document`` as TOML text."""
    lines: list[str] = []
    _emit(document, [], lines)
    return "\n".join(lines).lstrip("\n") + "\n"


def deep_merge(base: dict, overrides: dict) -> dict:
    """A copy of ``base`` with ``overrides`` merged in: dicts merge key by key, anything else
    (lists included) replaces; a value of None removes the key."""
    merged = dict(base)
    for key, value in overrides.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged
