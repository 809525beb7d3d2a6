"""The audit manifest of a build, and checking an output folder against it later.

manifest.json records focusgen's version, the form revision, the build time, every input file
and every output file with its sha256, and the alerts. `focusgen verify OUTPUT_DIR` re-hashes
the outputs and says what changed since. The manifest is the only output that records a time,
so it is the only one that differs between two builds of the same input."""

from __future__ import annotations

import hashlib
import heapq
import json
import os
import stat
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

from . import __version__
from .outputs import MANIFEST as NAME


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def manifest(filing, outputs: dict[Path, bytes], public: str | None = None) -> bytes:
    doc = {
        "focusgen_version": __version__,
        "form_revision": filing.report.revision,
        "report": filing.report.kind,
        "as_of": filing.header.as_of.isoformat(),
        "built_at": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        "inputs": [{"path": str(p), "sha256": h} for p, h in filing.input.file_hashes],
        "outputs": [{"path": p.name, "sha256": sha256(data)} for p, data in outputs.items()],
        "alerts": [a.as_alert() for a in filing.alerts],
    }
    if public is not None:      # the Regulation 1.55(o) copy, which `focusgen disclose` posts
        doc["public_copy"] = public
    return (json.dumps(doc, indent=2) + "\n").encode("utf-8")


MAX_MANIFEST = 1_000_000           # a manifest lists a handful of files; far larger is not focusgen's
MAX_OUTPUT = 512 * 2**20            # the largest output a manifest may ask to re-hash
MAX_TOTAL = 2 * 2**30               # all of a folder's outputs re-hashed (a posting of a year: about 300 MB)
MAX_UNLISTED = 1000                 # unlisted files named one by one; the rest counted


@dataclass(frozen=True)
class Manifest:
    outputs: dict[str, str]         # plain file name -> sha256, as listed
    refused: tuple[str, ...]        # entries that are not plain names of this folder (or listed twice)
    public_copy: str | None = None
    posting: bool = False           # the manifest of a public posting (focusgen disclose), not of a build
    report: str | None = None       # as the manifest states them (unchecked: the filing JSON is the record)
    as_of: str | None = None


def _plain(name: str) -> bool:
    """A name focusgen could have written into this folder (outputs.unplain): no path, no control
    character, not hidden, not the manifest itself."""
    from .outputs import unplain
    return name != NAME and unplain(name) is None


def read_manifest(folder: Path, problems: list) -> Manifest | None:
    """A build folder's manifest.json, checked (a regular file of bounded size, focusgen's shape), or None
    with a problem (no-manifest, bad-manifest, not-a-regular-file, file-too-large)."""
    from .inputs.formats import read_bytes
    from .problems import Problem
    path = folder / NAME
    found: list = []
    # never through a link (O_NOFOLLOW), never from a FIFO or device, never past MAX_MANIFEST
    raw = read_bytes(path, found, MAX_MANIFEST, expected="manifest.json written by focusgen build", follow=False)
    if raw is None:
        problems.extend(Problem("no-manifest", p.file, p.message, p.where, p.expected)
                        if p.code in ("file-not-found", "file-unreadable") else p for p in found)
        return None
    bad = lambda why: problems.append(Problem("bad-manifest", str(path), why,  # noqa: E731
                                              expected="the manifest.json focusgen build wrote"))
    from .inputs import jsonsafe
    from .problems import InputProblems
    try:
        doc = jsonsafe.loads(raw, str(path), MAX_MANIFEST, "the manifest.json focusgen build wrote")
    except InputProblems as exc:
        bad(exc.problems[0].message)
        return None
    entries = doc.get("outputs") if isinstance(doc, dict) else None
    if not isinstance(entries, list) or not all(
            isinstance(e, dict) and isinstance(e.get("path"), str) and isinstance(e.get("sha256"), str)
            for e in entries):
        bad("is not a focusgen manifest (outputs: a list of {path, sha256})")
        return None
    if not entries:
        bad("lists no outputs: an emptied manifest proves nothing")
        return None
    outputs, refused = {}, []
    for e in entries:
        name = e["path"]
        if not _plain(name) or name in outputs:
            refused.append(name)
        else:
            outputs[name] = e["sha256"]
    text = lambda key: doc[key] if isinstance(doc.get(key), str) else None  # noqa: E731
    return Manifest(outputs, tuple(refused), text("public_copy"), "posting" in doc, text("report"), text("as_of"))


def _hash_file(path: Path, budget: list[int]) -> str | None:
    """The sha256 of a regular file of this folder, streamed; None if it is not one (a link, a FIFO, a
    device, a folder) or is larger than any output, or than what is left of the folder's budget (a
    one-element list, spent as it is read). Opened without following links and without blocking, then
    checked on the open file, so nothing is read from anything but a regular file."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_NOFOLLOW | getattr(os, "O_CLOEXEC", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        limit = min(MAX_OUTPUT, budget[0])
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            return None
        h = hashlib.sha256()
        read = 0
        while chunk := os.read(fd, 1 << 20):
            read += len(chunk)
            if read > limit:             # it grew while being read
                return None
            h.update(chunk)
        budget[0] -= read
        return h.hexdigest()
    except OSError:
        return None
    finally:
        os.close(fd)


def verify(out_dir: Path) -> list[dict]:
    """Each file of the folder against the manifest: ok, changed, missing, unlisted (in the folder but
    not in the manifest) or refused (a manifest entry that is not a plain file of this folder: a name
    such as /etc/shadow or ../x or one with a control character, an entry listed twice, a link, a FIFO
    or device, a folder, a file past MAX_OUTPUT or past what is left of MAX_TOTAL).

    Only regular files inside the folder are ever read, streamed, never blocking, MAX_TOTAL bytes in
    all; the folder's unlisted files are named up to MAX_UNLISTED, the rest counted (a last row with
    "more"). Raises InputProblems
    for a folder without a readable manifest, or one that is not focusgen's or lists nothing."""
    from .problems import InputProblems
    problems: list = []
    doc = read_manifest(out_dir, problems)
    if doc is None:
        raise InputProblems(problems)
    results = [{"path": name, "status": "refused"} for name in doc.refused]
    budget = [MAX_TOTAL]
    for name, expected in doc.outputs.items():
        path = out_dir / name
        if not os.path.lexists(path):
            results.append({"path": name, "status": "missing"})
            continue
        digest = _hash_file(path, budget)
        status = "refused" if digest is None else "ok" if digest == expected else "changed"
        results.append({"path": name, "status": status})
    # the folder's other files, named up to MAX_UNLISTED (the first by name) and the rest counted: a folder
    # of millions of files is listed in bounded memory
    others = (e.name for e in os.scandir(out_dir) if e.name != NAME and e.name not in doc.outputs)
    first: list[str] = []
    count = 0
    for name in others:
        count += 1
        if len(first) < MAX_UNLISTED:
            heapq.heappush(first, _Desc(name))
        elif name < first[0].name:
            heapq.heapreplace(first, _Desc(name))
    results += [{"path": d.name, "status": "unlisted"} for d in sorted(first, reverse=True)]
    if count > len(first):
        results.append({"path": "", "status": "unlisted", "more": count - len(first)})
    return results


class _Desc:
    """A name ordered backwards: a min-heap of these keeps the first names in order."""
    __slots__ = ("name",)

    def __init__(self, name: str):
        self.name = name

    def __lt__(self, other: "_Desc") -> bool:
        return self.name > other.name
