"""The audit manifest of a build, and checking an output folder against it later.

manifest.json records focusgen's version, the form revision, the build time, every input file
and every output file with its sha256, and the alerts. `focusgen verify OUTPUT_DIR` re-hashes
the outputs and says what changed since. The manifest is the only output that records a time,
so it is the only one that differs between two builds of the same input."""

from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from pathlib import Path

from .. import __version__

from ..outputs import MANIFEST as NAME


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def manifest(filing, outputs: dict[Path, bytes], alerts: list[dict], public: str | None = None) -> bytes:
    doc = {
        "focusgen_version": __version__,
        "form_revision": filing.report.revision,
        "report": filing.report.kind,
        "as_of": filing.header.as_of.isoformat(),
        "built_at": datetime.now(timezone.utc).replace(microsecond=0).isoformat(),
        "inputs": [{"path": str(p), "sha256": h} for p, h in filing.input.file_hashes],
        "outputs": [{"path": p.name, "sha256": sha256(data)} for p, data in outputs.items()],
        "alerts": alerts,
    }
    if public is not None:      # the Regulation 1.55(o) copy, which `focusgen disclose` posts
        doc["public_copy"] = public
    return (json.dumps(doc, indent=2) + "\n").encode("utf-8")


def verify(out_dir: Path) -> list[dict]:
    """Each file of the folder against the manifest: ok, changed, missing, unlisted (in the folder but
    not in the manifest) or refused (a manifest entry that is not a plain file of this folder).

    Only files inside the folder are ever read: an entry such as /etc/shadow or ../x, or a symlink,
    is refused, never hashed. Raises ValueError for a manifest that is not focusgen's or lists nothing.
    """
    raw = (out_dir / NAME).read_bytes()
    if len(raw) > 1_000_000:
        raise ValueError("is larger than any manifest focusgen writes")
    doc = json.loads(raw.decode("utf-8"))
    entries = doc.get("outputs") if isinstance(doc, dict) else None
    if not isinstance(entries, list) or not all(
            isinstance(e, dict) and isinstance(e.get("path"), str) and isinstance(e.get("sha256"), str)
            for e in entries):
        raise ValueError("is not a focusgen manifest (outputs: a list of {path, sha256})")
    if not entries:
        raise ValueError("lists no outputs: an emptied manifest proves nothing")
    results, listed = [], set()
    for entry in entries:
        name = entry["path"]
        path = out_dir / name
        if (not name or name in (".", "..", NAME) or "/" in name or "\\" in name or "\x00" in name
                or name in listed):
            results.append({"path": name, "status": "refused"})
            continue
        listed.add(name)
        if path.is_symlink() or (path.exists() and not path.is_file()):
            results.append({"path": name, "status": "refused"})
        elif not path.is_file():
            results.append({"path": name, "status": "missing"})
        elif sha256(path.read_bytes()) != entry["sha256"]:
            results.append({"path": name, "status": "changed"})
        else:
            results.append({"path": name, "status": "ok"})
    for path in sorted(out_dir.iterdir()):
        if path.name != NAME and path.name not in listed:
            results.append({"path": path.name, "status": "unlisted"})
    return results
