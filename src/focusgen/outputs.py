"""Writing a build's outputs as one set: the output folder is replaced whole, or not at all.

Everything is rendered in memory first. Then, holding a lock on the folder's parent (so two builds
into one folder take turns and never mix):
  1. leftovers of a build that was killed (hidden `.NAME.focusgen-*` siblings) are removed;
  2. the new outputs are written into a fresh hidden sibling folder and flushed to disk;
  3. that folder and the output folder are exchanged in one atomic step (renameat2 with
     RENAME_EXCHANGE; where the file system lacks it, two renames, and a build that dies between
     them is repaired by the next one), and the earlier outputs, now in the sibling, are removed.
A reader sees the earlier set or the new set, never a mixture: a build that writes fewer formats
leaves none of the earlier build's files behind, and a kill, a full disk or an exception at any
moment leaves the earlier folder exactly as it was. Only a folder focusgen wrote (it holds a
manifest.json) or an empty one is ever replaced, so `--out` pointed at a folder of other files is
refused rather than emptied.

Every name focusgen writes is plain (`unplain`): an output folder's name and its files' stem come from
the input's file name, and a name that is empty, `.` or `..`, hidden, holds a separator or a control
character, or would not fit the file system beside its staging sibling is refused (bad-output-name)
before anything is read: an input named `..yaml` would otherwise write into the output root itself.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import shutil
import unicodedata
from pathlib import Path

from .problems import InputProblems, Problem

MANIFEST = "manifest.json"
_STAGING, _OLD = "focusgen-staging", "focusgen-old"

# The longest stem of an output name, in bytes: `<stem>-review.html` and the hidden staging sibling
# `.<stem>.focusgen-staging-<pid>` must fit a file system's 255-byte names.
MAX_NAME = 200
_NOT_PLAIN = {"Cc": "a control character", "Cf": "a format character", "Cs": "a byte that is not UTF-8",
              "Co": "a private-use character", "Zl": "a line separator", "Zp": "a paragraph separator"}


def unplain(name: str) -> str | None:
    """Why `name` is not a plain name for an output folder or file, or None when it is one: not empty, not
    `.` or `..`, not hidden (a leading dot), no separator (/ or \\), no control, format or non-UTF-8
    character, no leading dash or surrounding space, at most MAX_NAME bytes."""
    from .problems import quote
    if not name:
        return "is empty"
    if name in (".", ".."):
        return "names a folder that already holds others (the output folder or the one above it)"
    if name.startswith("."):
        return "starts with a dot (a hidden name)"
    if "/" in name or "\\" in name:
        return "holds a path separator"
    for c in name:
        kind = _NOT_PLAIN.get(unicodedata.category(c))
        if kind:
            return f"holds {kind} ({quote(c)}, U+{ord(c):04X})"
    if name != name.strip():
        return "starts or ends with a space"
    if name.startswith("-"):
        return "starts with a dash (other programs would read it as an option)"
    size = len(name.encode("utf-8"))
    if size > MAX_NAME:
        return f"is {size:,} bytes long"
    return None


def name_problems(path: Path, stem: str) -> list:
    """The bad-output-name problem of an input whose stem cannot name its outputs (or none)."""
    from .problems import Problem, quote
    why = unplain(stem)
    if why is None:
        return []
    return [Problem("bad-output-name", str(path), f"its outputs would be named {quote(stem)}, which {why}",
                    expected=f"an input file whose name (without .yaml) is a plain name: no leading dot, "
                    f"separator or control character, at most {MAX_NAME} bytes; rename the file")]


def _problem(out_dir: Path, message: str, expected: str) -> InputProblems:
    return InputProblems([Problem("cannot-write", str(out_dir), message, expected=expected)])


def _renameat2_exchange(a: Path, b: Path) -> bool:
    """Atomically exchange two paths. False when the system or file system cannot."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return False
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    at_fdcwd, rename_exchange = -100, 2
    if fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP):
        return False
    raise OSError(err, os.strerror(err), str(a))


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _sibling(out_dir: Path, kind: str) -> Path:
    return out_dir.parent / f".{out_dir.name}.{kind}-{os.getpid()}"


def _recover(out_dir: Path) -> None:
    """Under the lock: finish or undo what a killed build left (no other build is running)."""
    leftovers = sorted(out_dir.parent.glob(f".{out_dir.name}.focusgen-*"))
    if not out_dir.exists():
        # died between the two renames of the fallback: the earlier set is in an OLD sibling
        olds = [p for p in leftovers if p.name.split(".")[-1].startswith(_OLD)]
        if olds:
            os.rename(olds[-1], out_dir)
            leftovers.remove(olds[-1])
    for p in leftovers:
        shutil.rmtree(p, ignore_errors=True)


def tidy(out_dir: Path) -> None:
    """After a build into out_dir was killed (a batch worker stopped by Ctrl-C): under the lock, the
    earlier set is put back if the build died between the two renames of the fallback, and its hidden
    staging folders are removed, so the output folder is exactly as it was. Never raises."""
    out_dir = Path(os.path.abspath(out_dir))
    try:
        lock_fd = os.open(out_dir.parent, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        fcntl.flock(lock_fd, fcntl.LOCK_EX)
        _recover(out_dir)
    except OSError:
        pass
    finally:
        os.close(lock_fd)


def _ours_or_empty(out_dir: Path) -> bool:
    if not out_dir.exists():
        return True
    return out_dir.is_dir() and not out_dir.is_symlink() and (
        (out_dir / MANIFEST).is_file() or not any(out_dir.iterdir()))


def write_set(out_dir: Path, files: dict[str, bytes]) -> list[Path]:
    """Replace out_dir with exactly `files` (name -> bytes). Raises InputProblems (cannot-write)."""
    out_dir = Path(os.path.abspath(out_dir))
    if out_dir.exists() and not out_dir.is_dir():
        raise _problem(out_dir, "is a file, not a folder", "a folder for the outputs")
    try:
        out_dir.parent.mkdir(parents=True, exist_ok=True)
        lock_fd = os.open(out_dir.parent, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        raise _problem(out_dir, f"cannot be created: {exc.strerror}", "a folder focusgen may write in") from None
    staging = _sibling(out_dir, _STAGING)
    try:
        fcntl.flock(lock_fd, fcntl.LOCK_EX)      # released when the process ends, however it ends
        _recover(out_dir)
        if not _ours_or_empty(out_dir):
            raise _problem(out_dir, "holds files focusgen did not write (it has no manifest.json)",
                           "a new or empty folder, or one an earlier focusgen build wrote")
        staging.mkdir()
        for name, data in files.items():
            with open(staging / name, "xb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
        _fsync_dir(staging)
        if not out_dir.exists():
            os.rename(staging, out_dir)
        elif _renameat2_exchange(staging, out_dir):
            shutil.rmtree(staging)                # now holds the earlier set
        else:
            old = _sibling(out_dir, _OLD)
            os.rename(out_dir, old)
            os.rename(staging, out_dir)
            shutil.rmtree(old)
        _fsync_dir(out_dir.parent)
    except OSError as exc:
        shutil.rmtree(staging, ignore_errors=True)
        what = "the disk is full" if exc.errno == errno.ENOSPC else (exc.strerror or str(exc))
        raise _problem(out_dir, f"could not be written: {what}; the earlier outputs are as they were",
                       "a folder focusgen may write in, with room for the outputs") from None
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        os.close(lock_fd)
    return [out_dir / name for name in files]
