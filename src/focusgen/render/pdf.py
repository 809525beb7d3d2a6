"""The filing as a form-faithful PDF: Jinja2 template + WeasyPrint, locked down and reproducible.

- Locked down: autoescaping is on (a firm named `AT&T <Clearing>` prints literally), and the URL
  fetcher serves only the bundled files under templates/assets; any other URL (http, https, data,
  file outside the assets, through `..` or a symlink) is refused and stops the render.
- Reproducible: the fonts are bundled and fontconfig sees nothing else (assets/fonts.conf), the
  document dates come from the as-of date (SOURCE_DATE_EPOCH too), so the same input gives the
  same bytes in any process on any machine of the same kind.
- Fast: the stylesheet, the font configuration and the template are loaded once per process and
  reused for every document.
"""

from __future__ import annotations

import gc
import os
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from .. import __version__
from . import view
from ..compute import Filing
from ..money import fmt_amount

from ..resources import ASSETS, TEMPLATES  # the packaged files, wherever installed

# Must be set before WeasyPrint (and so Pango and fontconfig) is first imported.
os.environ["FONTCONFIG_FILE"] = str(ASSETS / "fonts.conf")


def _import_weasyprint():
    """Import WeasyPrint without its slow library search.

    WeasyPrint tries several names per C library; for each name dlopen() refuses, cffi asks
    ctypes.util.find_library(), which runs ldconfig/gcc in a subprocess: about 0.2 s per process.
    WeasyPrint's list always includes each library's exact soname (libpango-1.0.so.0, ...),
    which dlopen() loads directly, so answering "not found" during this one import loads the
    same libraries. The real find_library is restored at once.
    """
    import ctypes.util
    real = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        import weasyprint  # noqa: F401
    finally:
        ctypes.util.find_library = real


_import_weasyprint()

import jinja2  # noqa: E402
from weasyprint import CSS, HTML  # noqa: E402
from weasyprint.text.fonts import FontConfiguration  # noqa: E402
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse  # noqa: E402

_MIME = {".css": "text/css", ".ttf": "font/ttf", ".png": "image/png", ".svg": "image/svg+xml"}


class RefusedURL(FatalURLFetchingError):
    """A URL outside focusgen's bundled assets. Fatal: a filing never renders with it."""


class AssetFetcher(URLFetcher):
    """Serves the regular files under templates/assets that were there when focusgen started,
    by their own path only. Everything else is refused."""

    def __init__(self, root: Path = ASSETS) -> None:
        super().__init__(allowed_protocols=("file",), allow_redirects=False, fail_on_errors=True)
        root = root.resolve()
        self.files: dict[Path, bytes] = {}
        for path in sorted(root.rglob("*")):
            if path.is_file() and not path.is_symlink() and path.resolve().parent.is_relative_to(root):
                self.files[path] = path.read_bytes()

    def fetch(self, url, headers=None):
        parts = urlsplit(url)
        if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
            raise RefusedURL(f"refused {url!r}: focusgen serves only its own assets")
        raw = unquote(parts.path)
        path = Path(raw)
        if ".." in path.parts or path not in self.files:
            raise RefusedURL(f"refused {url!r}: not one of focusgen's bundled assets")
        return URLFetcherResponse(url, body=self.files[path],
                                  headers={"Content-Type": _MIME.get(path.suffix, "application/octet-stream")})


@lru_cache(maxsize=1)
def _engine():
    """Per-process: the template, the fetcher, the fonts and the parsed stylesheet."""
    env = jinja2.Environment(loader=jinja2.FileSystemLoader(TEMPLATES), autoescape=True,
                             undefined=jinja2.StrictUndefined, trim_blocks=False)
    env.filters["money"] = lambda v: fmt_amount(v, "parens")          # the SEC form: (52,837,332)
    env.filters["money_wj"] = lambda v: fmt_amount(v, "minus")        # WinJammer: -52,837,332
    fetcher = AssetFetcher()
    fonts = FontConfiguration()
    css = CSS(url=(ASSETS / "filing.css").as_uri(), url_fetcher=fetcher, font_config=fonts)
    return env.get_template("filing.html.j2"), fetcher, fonts, css


def render_html(filing: Filing, public: bool = False) -> str:
    """public: the copy posted under Regulation 1.55(o), without the audit footer."""
    template = _engine()[0]
    h = filing.header
    stamp = datetime(h.as_of.year, h.as_of.month, h.as_of.day, tzinfo=timezone.utc)
    daily = filing.report.kind == "daily-seg"
    contact = []
    if daily:
        c = h.firm.contact
        contact = [("Name of Company", h.firm.name), ("Contact Name", c.name or ""),
                   ("Contact Phone Number", c.phone or ""), ("Contact Email Address", c.email or "")]
    return template.render(
        title=f"{h.firm.name} - {filing.form_name} as of {view.mmddyyyy(h.as_of)}",
        firm=h.firm, version=__version__, stamp=stamp.strftime("%Y-%m-%dT%H:%M:%SZ"),
        as_of=view.mmddyyyy(h.as_of), as_of_short=view.mmddyy(h.as_of),
        input_hash=filing.input.digest[:12], winjammer=daily, banner=view.banner(filing),
        status=h.filing_status,
        cover=filing.report.cover, cover_fields=[] if daily else view.cover_fields(filing),
        pursuant=view.pursuant(filing), focus=None if daily else view.focus_cover(filing), public=public,
        contact=contact,
        targets=view.residual_interest_targets(filing) if daily else [],
        pages=view.pages(filing))


def html_to_pdf(html: str, epoch: int = 0, form_stylesheet: bool = True) -> bytes:
    """Any HTML through the locked-down pipeline (also what the security tests exercise).
    form_stylesheet=False for documents that carry their own styles (the review pack)."""
    _, fetcher, fonts, css = _engine()
    previous = os.environ.get("SOURCE_DATE_EPOCH")
    os.environ["SOURCE_DATE_EPOCH"] = str(epoch)
    try:
        doc = HTML(string=html, base_url=ASSETS.as_uri() + "/", url_fetcher=fetcher)
        return doc.write_pdf(stylesheets=[css] if form_stylesheet else [], font_config=fonts)
    finally:
        if previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = previous


_warmed = False


def render_pdf(filing: Filing, public: bool = False) -> bytes:
    global _warmed
    as_of = filing.header.as_of
    epoch = int(datetime(as_of.year, as_of.month, as_of.day, tzinfo=timezone.utc).timestamp())
    pdf = html_to_pdf(render_html(filing, public), epoch)
    if not _warmed:
        # After the first render every long-lived object (modules, WeasyPrint's caches, fonts)
        # exists: freezing them keeps the garbage collector from re-scanning them on each
        # later document of a batch.
        gc.freeze()
        _warmed = True
    return pdf

