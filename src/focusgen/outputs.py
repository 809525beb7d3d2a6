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
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
import shutil
from pathlib import Path

from .problems import InputProblems, Problem

MANIFEST = "manifest.json"
_STAGING, _OLD = "focusgen-staging", "focusgen-old"


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
