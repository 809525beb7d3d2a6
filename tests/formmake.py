"""The parsed copies of the form definitions (src/focusgen/form/<file>.yaml.json, and of every overlay
in form/revisions/): each definition file as PyYAML parses it, in JSON, under a first line naming the
YAML's bytes, PyYAML's version and the copy's own body, so a build reads the definition without PyYAML's
constructor (form/formdef.py uses a copy only when that line holds). test_formdef.py checks the shipped
copies are what this makes.

    python tests/formmake.py      regenerates them
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))


def sources() -> list[Path]:
    from focusgen.form import formdef
    return sorted(formdef.FORM_DIR.glob("*.yaml")) + sorted(formdef.REVISIONS_DIR.rglob("*.yaml"))


def made(path: Path) -> bytes:
    """The parsed copy of one definition file, as PyYAML parses it."""
    import yaml

    from focusgen.form import formdef
    data = path.read_bytes()
    body = formdef.parsed_copy(yaml.load(data.decode("utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader)))
    return (formdef.parsed_copy_head(data, body) + body).encode("utf-8")


def main() -> None:
    for path in sources():
        path.with_name(path.name + ".json").write_bytes(made(path))
        print(f"wrote {path.name}.json")


if __name__ == "__main__":
    main()
