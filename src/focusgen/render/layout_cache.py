"""Form layouts kept between builds, as data.

A plan (layout.py) is keyed by everything that can change the PDF: the HTML with placeholders (so
the form revision, the template, the header and every text the pages show), the SOURCE_DATE_EPOCH,
the bundled assets (stylesheet, fonts, fontconfig), focusgen's version, the plan format, and the
versions of what lays out and writes (WeasyPrint, pydyf, Pango, HarfBuzz, fontconfig, zlib, Python).

Where: $XDG_CACHE_HOME/focusgen/layouts (~/.cache/focusgen/layouts), one file per key: a header line
{"format", "key", "sha256"} and the plan's JSON, whose sha256 the header gives. Written to a temporary
file and renamed into place, so a reader sees a whole file or none. A file is used only when it is
the current user's and writable by no one else, its header names this key and format, its plan has
that hash and passes pdfwrite.check(); anything else (corrupt, truncated, foreign, another version's)
is ignored and replaced. FOCUSGEN_NO_CACHE=1 (or `focusgen build --no-cache`) turns the cache folder off
(settings.Settings.layout_cache, passed down by the caller).
A process also keeps its last few plans in memory (a batch worker lays each form out once).

Whichever way a plan is obtained, the PDF is written from the plan as read back from its JSON, so a
build gives the same bytes with the cache empty, warm or off.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
import tempfile
import time
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path

from .. import __version__
from ..resources import ASSETS
from .pdfwrite import FORMAT, BadPlan, check

KEEP_FILES = 256           # the oldest layouts beyond these are removed when one is stored
MAX_FILE = 64 * 2**20      # a plan is about 100 KB; a file far larger is not one
_MEMORY: OrderedDict[str, dict] = OrderedDict()
_MEMORY_SIZE = 8


def folder() -> Path | None:
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not base or not os.path.isabs(base):       # the XDG rule: unset, empty or relative -> ~/.cache
        home = os.environ.get("HOME") or os.path.expanduser("~")
        if not home or not os.path.isabs(home):
            return None
        base = os.path.join(home, ".cache")
    return Path(base) / "focusgen" / "layouts"


def _package_version(name: str) -> str:
    """A distribution's version from its metadata folder's name (importlib.metadata costs 30 ms to
    import); else a hash of the package's __init__.py, which carries its version."""
    from importlib.util import find_spec
    spec = find_spec(name)
    if spec is None or not spec.origin:
        return "absent"
    package = Path(spec.origin).parent
    try:
        for entry in sorted(os.listdir(package.parent)):
            if entry.lower().startswith(name + "-") and entry.endswith((".dist-info", ".egg-info")):
                return entry
        return hashlib.sha256(Path(spec.origin).read_bytes()).hexdigest()
    except OSError:
        return "unreadable"


def _library_versions() -> str:
    import ctypes
    found = []
    for soname, call in (("libpango-1.0.so.0", "pango_version"), ("libharfbuzz.so.0", "hb_version_string"),
                         ("libfontconfig.so.1", "FcGetVersion")):
        try:
            fn = getattr(ctypes.CDLL(soname), call)
            if call == "hb_version_string":
                fn.restype = ctypes.c_char_p
            found.append(f"{soname}={fn()!r}")
        except (OSError, AttributeError):
            found.append(f"{soname}=unknown")
    return ";".join(found)


@lru_cache(maxsize=1)
def _environment() -> bytes:
    import zlib
    h = hashlib.sha256()
    for part in (f"plan {FORMAT}", f"focusgen {__version__}", f"python {sys.version_info[:2]}",
                 f"zlib {zlib.ZLIB_RUNTIME_VERSION}", _package_version("weasyprint"), _package_version("pydyf"),
                 _library_versions()):
        h.update(part.encode() + b"\0")
    root = ASSETS.resolve()
    for path in sorted(root.rglob("*")):
        if path.is_file():
            h.update(str(path.relative_to(root)).encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return h.digest()


def key(html: str, epoch: int) -> str:
    h = hashlib.sha256(_environment())
    h.update(f"epoch {epoch}\0".encode())
    h.update(html.encode("utf-8"))
    return h.hexdigest()


def _read(path: Path, wanted: str) -> bytes | None:
    """The plan's JSON bytes from a cache file, if the file is trustworthy and whole."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        if not (stat.S_ISREG(st.st_mode) and st.st_uid == os.getuid() and not st.st_mode & 0o022
                and st.st_size <= MAX_FILE):
            return None
        with os.fdopen(fd, "rb", closefd=False) as f:
            data = f.read(MAX_FILE + 1)
    except OSError:
        return None
    finally:
        os.close(fd)
    head, sep, body = data.partition(b"\n")
    try:
        header = json.loads(head)
    except (ValueError, RecursionError):
        return None
    if not (sep and isinstance(header, dict) and header.get("format") == FORMAT and header.get("key") == wanted
            and header.get("sha256") == hashlib.sha256(body).hexdigest()):
        return None
    return body


def _write(path: Path, wanted: str, body: bytes) -> None:
    """Atomically, and never at the cost of the build: a cache that cannot be written is skipped."""
    header = json.dumps({"format": FORMAT, "key": wanted, "sha256": hashlib.sha256(body).hexdigest()})
    try:
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(header.encode() + b"\n" + body)
            os.replace(tmp, path)
        except BaseException:
            os.unlink(tmp)
            raise
        _prune(path.parent)
    except OSError:
        pass


def _prune(where: Path) -> None:
    """Keeps the newest KEEP_FILES layouts, and removes what a killed process left half-written."""
    def age(p: Path) -> float:
        try:
            return p.stat().st_mtime
        except OSError:
            return 0.0
    files = sorted(where.glob("[0-9a-f]*.json"), key=age)
    stale = [p for p in where.glob(".tmp-*.json") if age(p) < time.time() - 3600]
    for old in files[: max(0, len(files) - KEEP_FILES)] + stale:
        try:
            old.unlink()
        except OSError:
            pass


def plan_for(html: str, alphabets: list[str], epoch: int, use_folder: bool = True) -> dict:
    """The checked plan of this HTML: from memory, from the cache folder (unless use_folder is False:
    settings.Settings.layout_cache), or laid out now."""
    wanted = key(html, epoch)
    plan = _MEMORY.get(wanted)
    if plan is not None:
        _MEMORY.move_to_end(wanted)
        return plan
    where = folder() if use_folder else None
    path = where / f"{wanted}.json" if where is not None else None
    body = _read(path, wanted) if path is not None else None
    plan = None
    if body is not None:
        try:
            plan = check(json.loads(body), alphabets)
        except (ValueError, RecursionError, BadPlan):
            plan = None
    if plan is None:
        from .layout import lay_out            # WeasyPrint: only when there is something to lay out
        body = json.dumps(lay_out(html, alphabets, epoch), separators=(",", ":"), ensure_ascii=True).encode()
        plan = check(json.loads(body), alphabets)      # the plan as the cache would give it back
        if path is not None:
            _write(path, wanted, body)
    _MEMORY[wanted] = plan
    while len(_MEMORY) > _MEMORY_SIZE:
        _MEMORY.popitem(last=False)
    return plan
