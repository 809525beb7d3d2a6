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

NAME = "manifest.json"


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def manifest(filing, outputs: dict[Path, bytes], alerts: list[dict]) -> bytes:
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
    return (json.dumps(doc, indent=2) + "\n").encode("utf-8")


def verify(out_dir: Path) -> list[dict]:
    """Each output of the manifest: ok, changed or missing. Raises FileNotFoundError / ValueError."""
    doc = json.loads((out_dir / NAME).read_text(encoding="utf-8"))
    results = []
    for entry in doc["outputs"]:
        path = out_dir / entry["path"]
        if not path.is_file():
            results.append({"path": entry["path"], "status": "missing"})
        elif sha256(path.read_bytes()) != entry["sha256"]:
            results.append({"path": entry["path"], "status": "changed"})
        else:
            results.append({"path": entry["path"], "status": "ok"})
    return results
