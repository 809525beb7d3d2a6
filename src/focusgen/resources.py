"""Where focusgen's own files are, wherever it is installed.

`templates/` stays at the top of the repository (the design card); the build configuration maps it
into the wheel as the `focusgen/templates` folder. An installed focusgen reads it from there, through
importlib.resources; a source checkout (the editable install in .venv) has no such folder inside the
package and reads the top-level one. Either way the locked-down URL fetcher serves exactly these files.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path


def templates_dir() -> Path:
    packaged = Path(str(files("focusgen") / "templates"))
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parents[2] / "templates"


TEMPLATES = templates_dir()
# the files `focusgen init` copies: src/focusgen/starters/<report kind>/ (package data of the wheel)
STARTERS = Path(str(files("focusgen") / "starters"))
ASSETS = TEMPLATES / "assets"
FONTS = ASSETS / "fonts"


def made_copy(path: Path, head_of) -> str | None:
    """A file made from others and shipped beside them (a form definition's parsed copy, the compiled
    filing template): its body, when its first line is head_of(body), the line naming what it was made
    from as those are now; None when it is missing, unreadable, stale or edited (the caller makes the
    thing again from its sources)."""
    try:
        head, newline, body = path.read_bytes().decode("utf-8").partition("\n")
    except (OSError, UnicodeDecodeError):
        return None
    return body if newline and head + newline == head_of(body) else None


def use_bundled_fonts() -> None:
    """Points fontconfig at the bundled fonts alone (assets/fonts.conf), so no system font is ever used.
    The one place that sets it: render/engine.py calls it before WeasyPrint (and so Pango and
    fontconfig) is first imported, and nothing else imports WeasyPrint."""
    import os
    os.environ["FONTCONFIG_FILE"] = str(ASSETS / "fonts.conf")
