"""Form layouts kept between builds, as data, validated by meaning and bound to this user.

A plan (layout.py) is keyed by everything that can change it: the variant's context (pdf.context():
the form revision's wording and rows, the registrant's form name, the filing status, the pages, the
text boxes; no per-filing text and no date), the slots' kinds, the template, the bundled assets
(stylesheet, fonts, fontconfig), the source of the modules that render, lay out and write, focusgen's
version, the plan format, and the versions of what lays out (Jinja2, WeasyPrint, pydyf, Pango, HarfBuzz,
fontconfig, zlib, Python). So every filing of a variant, whatever its period, date or firm, is placed
into one plan.

Where: $XDG_CACHE_HOME/focusgen/layouts (~/.cache/focusgen/layouts), one file per key: a header line
{"format", "key", "mac"} and the plan's JSON. Written to a temporary file and renamed into place, so a
reader sees a whole file or none. A file is used only when all of this holds, and is otherwise ignored,
laid out again and replaced:
- it is a regular file of the current user, writable by no one else, of bounded size;
- its header names this key and format, and its `mac` is the HMAC-SHA256 of key and plan under this
  user's layout key ($XDG_STATE_HOME/focusgen/layout-key, 32 random bytes made on first use, mode 0600,
  outside the cache folder): a file this user's focusgen did not write (copied, planted, edited, another
  key's) is not used. Meaning cannot tell a moved coordinate or another variant's layout from a true
  one; this can;
- the plan passes pdfwrite.validate(): only what the writer makes, page content only of the operators
  these pages are drawn with, every glyph true to the bundled font, exactly this build's slots;
- the PDF written from it passes pdfwrite.check_syntax() (pdf.py: else the plan is forgotten and the
  form laid out again).
A plan that cannot be placed (`placeable: false`) is never kept: the reason is found again by laying
out. FOCUSGEN_NO_CACHE=1 (or `focusgen build --no-cache`) turns the folder off (settings.Settings.layout_cache,
passed down by the caller as use_folder); without a layout key (an unwritable state folder) it is off too. A process also keeps its last few plans in memory (a batch
worker lays each variant out once).

Whichever way a plan is obtained, the PDF is written from the plan as read back from its JSON, so a
build gives the same bytes with the cache empty, warm or off.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import stat
import sys
import time
from collections import OrderedDict
from functools import lru_cache
from pathlib import Path

from .. import __version__
from ..resources import ASSETS, TEMPLATES
from .pdfwrite import FORMAT, BadPlan, validate

KEEP_FILES = 256           # the oldest layouts beyond these are removed when one is stored
MAX_FILE = 64 * 2**20      # a plan is about 200 KB; a file far larger is not one
KEY_BYTES = 32
_MEMORY: OrderedDict[str, dict | None] = OrderedDict()
_MEMORY_SIZE = 8
# the modules whose code decides a plan or the PDF written from it
_SOURCES = ("slots.py", "fit.py", "fonts.py", "layout.py", "pdfwrite.py", "pdf.py", "layout_cache.py", "engine.py")


def _xdg(variable: str, default: str) -> Path | None:
    base = os.environ.get(variable, "")
    if not base or not os.path.isabs(base):       # the XDG rule: unset, empty or relative -> the default
        home = os.environ.get("HOME") or os.path.expanduser("~")
        if not home or not os.path.isabs(home):
            return None
        base = os.path.join(home, default)
    return Path(base)


def folder() -> Path | None:
    base = _xdg("XDG_CACHE_HOME", ".cache")
    return None if base is None else base / "focusgen" / "layouts"


def key_path() -> Path | None:
    base = _xdg("XDG_STATE_HOME", os.path.join(".local", "state"))
    return None if base is None else base / "focusgen" / "layout-key"


def _read_private(path: Path, limit: int) -> bytes | None:
    """A file's bytes if it is a regular file of this user that no one else can write (nor, with
    limit == KEY_BYTES, read); None otherwise."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return None
    try:
        st = os.fstat(fd)
        private = 0o077 if limit == KEY_BYTES else 0o022
        if not (stat.S_ISREG(st.st_mode) and st.st_uid == os.getuid() and not st.st_mode & private
                and st.st_size <= limit):
            return None
        with os.fdopen(fd, "rb", closefd=False) as f:
            return f.read(limit + 1)
    except OSError:
        return None
    finally:
        os.close(fd)


def secret() -> bytes | None:
    """This user's layout key, made on first use; None if it cannot be had (the cache is then off)."""
    path = key_path()
    if path is None:
        return None
    data = _read_private(path, KEY_BYTES)
    if data is None and not os.path.lexists(path):
        import tempfile
        try:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".key-")
            try:
                os.write(fd, os.urandom(KEY_BYTES))
                os.close(fd)
                os.link(tmp, path)          # never replaces a key another process made meanwhile
            except FileExistsError:
                pass
            finally:
                os.unlink(tmp)
        except OSError:
            return None
        data = _read_private(path, KEY_BYTES)
    return data if data is not None and len(data) == KEY_BYTES else None


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


_LIBRARIES = ("libpango-1.0.so.0", "libharfbuzz.so.0", "libfontconfig.so.1")


def _library_files() -> str | None:
    """The files the dynamic loader would load for Pango, HarfBuzz and fontconfig (LD_LIBRARY_PATH, then
    /etc/ld.so.cache), each by its real name (which carries its version), size and time; None when
    they cannot be found so (then _library_versions asks the libraries themselves: 7 ms more)."""
    import struct
    found = []
    try:
        with open("/etc/ld.so.cache", "rb") as f:
            cache = f.read(16 * 2**20)
    except OSError:
        cache = b""
    new = cache.find(b"glibc-ld.so.cache1.1")
    for soname in _LIBRARIES:
        paths = [os.path.join(d, soname) for d in os.environ.get("LD_LIBRARY_PATH", "").split(":") if d]
        if new >= 0:
            count = struct.unpack_from("<I", cache, new + 20)[0]
            start = new + 48
            at = cache.find(soname.encode() + b"\0")
            while at >= 0:
                needle = struct.pack("<I", at)
                hit = cache.find(needle, start, start + 24 * count)
                while hit >= 0:
                    if (hit - start) % 24 == 4:
                        value = struct.unpack_from("<I", cache, hit + 4)[0]
                        paths.append(cache[value:cache.index(b"\0", value)].decode("utf-8", "replace"))
                    hit = cache.find(needle, hit + 1, start + 24 * count)
                at = cache.find(soname.encode() + b"\0", at + 1)
        real = []
        for path in paths:
            try:
                st = os.stat(path)
                real.append(f"{os.path.realpath(path)}:{st.st_size}:{st.st_mtime_ns}")
            except OSError:
                continue
        if not real:
            return None
        found.append(f"{soname}={','.join(real)}")
    return ";".join(found)


def _library_versions() -> str:
    files = _library_files()
    if files is not None:
        return files
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
                 f"zlib {zlib.ZLIB_RUNTIME_VERSION}", _package_version("jinja2"), _package_version("markupsafe"),
                 _package_version("weasyprint"), _package_version("pydyf"), _library_versions()):
        h.update(part.encode() + b"\0")
    here = Path(__file__).resolve().parent
    for name in _SOURCES:
        h.update(name.encode() + b"\0" + hashlib.sha256((here / name).read_bytes()).digest())
    h.update(b"template\0" + hashlib.sha256((TEMPLATES / "filing.html.j2").read_bytes()).digest())
    root = ASSETS.resolve()
    for path in sorted(root.rglob("*")):
        if path.is_file():
            h.update(str(path.relative_to(root)).encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return h.digest()


def _canonical(value: object) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=True).encode()


def key(ctx: dict, kinds: dict[str, str]) -> str:
    h = hashlib.sha256(_environment())
    h.update(b"context\0" + _canonical(ctx) + b"\0kinds\0" + _canonical(kinds))
    return h.hexdigest()


def _mac(secret_: bytes, wanted: str, body: bytes) -> str:
    return hmac.new(secret_, wanted.encode() + b"\0" + body, hashlib.sha256).hexdigest()


def _read(path: Path, wanted: str, secret_: bytes) -> bytes | None:
    """The plan's JSON bytes from a cache file, if the file is trustworthy, whole and this user's."""
    data = _read_private(path, MAX_FILE)
    if data is None or len(data) > MAX_FILE:
        return None
    head, sep, body = data.partition(b"\n")
    try:
        header = json.loads(head)
    except (ValueError, RecursionError):
        return None
    if not (sep and isinstance(header, dict) and header.get("format") == FORMAT and header.get("key") == wanted
            and isinstance(header.get("mac"), str) and hmac.compare_digest(header["mac"], _mac(secret_, wanted, body))):
        return None
    return body


def _write(path: Path, wanted: str, body: bytes, secret_: bytes) -> None:
    """Atomically, and never at the cost of the build: a cache that cannot be written is skipped."""
    import tempfile
    header = json.dumps({"format": FORMAT, "key": wanted, "mac": _mac(secret_, wanted, body)})
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


def plan_for(ctx: dict, kinds: dict[str, str], lay_out, use_folder: bool = True) -> tuple[dict | None, str]:
    """The checked plan of this variant and where it came from ("memory", "file" or "laid out"); the
    plan is None when the variant cannot be placed. lay_out(ctx, kinds) lays the variant out when no
    plan is kept (pdf.lay_out_variant: the cache does not import what it caches). use_folder False
    (settings.Settings.layout_cache): the cache folder is neither read nor written."""
    wanted = key(ctx, kinds)
    if wanted in _MEMORY:
        _MEMORY.move_to_end(wanted)
        return _MEMORY[wanted], "memory"
    where = folder() if use_folder else None
    secret_ = secret() if where is not None else None
    path = where / f"{wanted}.json" if where is not None and secret_ is not None else None
    body = _read(path, wanted, secret_) if path is not None else None
    plan, source = None, "file"
    if body is not None:
        try:
            plan = validate(json.loads(body), kinds)
        except (ValueError, RecursionError, BadPlan, TypeError, KeyError, AttributeError):
            plan = None
    if plan is None:
        source = "laid out"
        laid = lay_out(ctx, kinds)
        if laid["placeable"]:
            body = json.dumps(laid, separators=(",", ":"), ensure_ascii=True).encode()
            try:
                plan = validate(json.loads(body), kinds)   # the plan as the cache would give it back
            except BadPlan:
                plan = None                                # not one the writer can write: laid out with values
            if plan is not None and path is not None:
                _write(path, wanted, body, secret_)
    remember(wanted, plan)
    return plan, source


def remember(wanted: str, plan: dict | None) -> None:
    _MEMORY[wanted] = plan
    while len(_MEMORY) > _MEMORY_SIZE:
        _MEMORY.popitem(last=False)


def forget(ctx: dict, kinds: dict[str, str], use_folder: bool = True) -> None:
    """Drops a plan whose PDF failed the syntax check: from memory and from the folder."""
    wanted = key(ctx, kinds)
    _MEMORY.pop(wanted, None)
    where = folder() if use_folder else None
    if where is not None:
        try:
            (where / f"{wanted}.json").unlink()
        except OSError:
            pass
