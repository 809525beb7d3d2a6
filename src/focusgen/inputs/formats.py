"""Reading input files as bytes, text or YAML, with every problem collected as a Problem.

The lowest layer of inputs/: the ledger mapping and the filing loader both read through here, so
limits and refusals apply to every file an input names."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

import yaml

from ..problems import Problem, quote
from . import yamlsafe

# The largest input file read at all. A trial balance of 100,000 accounts is about 5 MB; anything past
# these sizes is an export gone wrong, and refusing it before reading keeps memory bounded.
MAX_BYTES = {"yaml": 8 * 2**20, "table": 64 * 2**20}


def confined(base: Path, given: str, field: str, file: str, problems: list[Problem],
             allow_outside: bool = False) -> Path | None:
    """The file an input names (ledger:, trial_balance:, mapping:), relative to the input's folder.
    By default it must stay inside that folder: an absolute path, `..` or a symlink that leads out is
    refused, so an input cannot make focusgen read (and quote) files it was not given."""
    path = base / given
    if allow_outside:       # --allow-outside-paths (settings.Settings)
        return path
    try:
        inside = path.resolve().is_relative_to(base.resolve()) and not Path(given).is_absolute()
    except (OSError, RuntimeError):       # a symlink loop
        inside = False
    if not inside:
        problems.append(Problem("path-outside", file, f"{field}: {quote(given)} leads outside the input's folder",
                                field, "a file in the input's folder or below it "
                                "(focusgen build --allow-outside-paths allows others)"))
        return None
    return path


def read_bytes(path: Path, problems: list[Problem], limit: int, expected: str = "an input file",
               follow: bool = True) -> bytes | None:
    """The bytes of a regular file of at most `limit` bytes, or None with a problem. A FIFO, a device
    (/dev/zero, /dev/urandom), a socket or a directory is refused before anything is read from it:
    opened non-blocking (a FIFO never waits for a writer) and checked with fstat on the open file.
    With follow=False a symbolic link is refused too (opened with O_NOFOLLOW: no race with a check)."""
    name = str(path)
    nofollow = 0 if follow else os.O_NOFOLLOW
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | nofollow | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        problems.append(Problem("file-not-found", name, "no such file", expected=f"an existing {expected}"))
        return None
    except IsADirectoryError:
        problems.append(Problem("file-unreadable", name, "is a directory", expected="a file"))
        return None
    except OSError as exc:
        if nofollow and exc.errno == errno.ELOOP:
            problems.append(Problem("not-a-regular-file", name, "is a symbolic link",
                                    expected=f"{expected} (a regular file)"))
            return None
        problems.append(Problem("file-unreadable", name, f"cannot be read: {exc.strerror}",
                                expected="a readable file"))
        return None
    try:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            problems.append(Problem("file-unreadable", name, "is a directory", expected="a file"))
            return None
        if not stat.S_ISREG(info.st_mode):
            kind = ("a FIFO" if stat.S_ISFIFO(info.st_mode) else "a device" if stat.S_ISCHR(info.st_mode)
                    or stat.S_ISBLK(info.st_mode) else "a socket" if stat.S_ISSOCK(info.st_mode) else "not a file")
            problems.append(Problem("not-a-regular-file", name, f"is {kind}, not a regular file",
                                    expected=f"{expected} (a regular file)"))
            return None
        if info.st_size > limit:
            problems.append(Problem("file-too-large", name, f"has {info.st_size:,} bytes",
                                    expected=f"at most {limit:,} bytes"))
            return None
        os.set_blocking(fd, True)
        with os.fdopen(fd, "rb", closefd=True) as fh:
            fd = -1
            data = fh.read(limit + 1)       # never more than the limit, even if the file grows meanwhile
    except OSError as exc:
        problems.append(Problem("file-unreadable", name, f"cannot be read: {exc.strerror}",
                                expected="a readable file"))
        return None
    finally:
        if fd >= 0:
            os.close(fd)
    if len(data) > limit:
        problems.append(Problem("file-too-large", name, f"has more than {limit:,} bytes",
                                expected=f"at most {limit:,} bytes"))
        return None
    return data


def read_text(path: Path, problems: list[Problem], limit: int = MAX_BYTES["table"]) -> tuple[str, bytes] | None:
    name = str(path)
    data = read_bytes(path, problems, limit)
    if data is None:
        return None
    if b"\x00" in data:
        problems.append(Problem("not-text", name, "contains NUL bytes: not a text file",
                                expected="UTF-8 text (YAML or CSV)"))
        return None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        problems.append(Problem("not-text", name, f"is not UTF-8 text (byte {exc.start})",
                                expected="UTF-8 text (YAML or CSV)"))
        return None
    if not text.strip():
        problems.append(Problem("empty-file", name, "is empty", expected="a filing input"))
        return None
    return text, data


def read_yaml(path: Path, problems: list[Problem]) -> tuple[dict | None, bytes]:
    read = read_text(path, problems, MAX_BYTES["yaml"])
    if read is None:
        return None, b""
    text, data = read
    name = str(path)
    try:
        doc, duplicates = yamlsafe.load(text)
    except yaml.constructor.ConstructorError as exc:
        mark = exc.problem_mark
        where = f"yaml line {mark.line + 1}" if mark else ""
        tag = "tag" in str(exc.problem)
        problems.append(Problem("yaml-tag" if tag else "yaml-syntax", name,
                                f"refused: {exc.problem}" if tag else str(exc.problem), where,
                                "plain YAML values (no !!python or other object tags)" if tag else "valid YAML"))
        return None, data
    except yamlsafe.LimitError as exc:
        mark = exc.problem_mark
        problems.append(Problem("yaml-too-large", name, exc.problem, f"yaml line {mark.line + 1}" if mark else "",
                                f"at most {yamlsafe.MAX_DEPTH} levels and {yamlsafe.MAX_NODES:,} values"))
        return None, data
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"yaml line {mark.line + 1}" if mark else ""
        problems.append(Problem("yaml-syntax", name, f"YAML syntax error: {getattr(exc, 'problem', exc)}",
                                where, "valid YAML"))
        return None, data
    for key, first, again in duplicates:
        problems.append(Problem("duplicate-key", name, f"key {quote(key)} is given twice (first at yaml line {first})",
                                f"yaml line {again}", "each key once"))
    if not isinstance(doc, dict):
        problems.append(Problem("not-a-mapping", name,
                                f"the top level is {type(doc).__name__ if doc is not None else 'empty'}, not a mapping",
                                expected="a mapping with report, as_of, firm and lines"))
        return None, data
    return doc, data
