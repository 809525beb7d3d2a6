"""The JSON output: report/jsonio's schema writes it (every line code of the report mapped to an
integer or null, the name fields, how each management target was given, the metadata, the summaries,
alerts, variance and amendment); this renderer only hands it over."""

from __future__ import annotations

from ..report import jsonio
from ..report.model import Filing


def render_json(filing: Filing) -> bytes:
    return jsonio.write(filing)
