"""WeasyPrint, locked down and reproducible. Imported only when something must be laid out (a form
layout the cache does not hold, the review pack, any HTML through html_to_pdf): it costs about
0.2 s to import, which a build from a cached layout never pays.

- Locked down: the URL fetcher serves only the bundled files under templates/assets; any other URL
  (http, https, data, file outside the assets, through `..` or a symlink) is refused and stops the
  render.
- Reproducible: the fonts are bundled and fontconfig sees nothing else (assets/fonts.conf), the
  document dates come from the as-of date (SOURCE_DATE_EPOCH too).
- Per process: the stylesheet, the font configuration and the fetcher are loaded once and reused.
"""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from ..resources import ASSETS, use_bundled_fonts


def _import_weasyprint():
    """Import WeasyPrint without its slow library search.

    WeasyPrint tries several names per C library; for each name dlopen() refuses, cffi asks
    ctypes.util.find_library(), which runs ldconfig/gcc in a subprocess: about 0.2 s per process.
    WeasyPrint's list always includes each library's exact soname (libpango-1.0.so.0, ...),
    which dlopen() loads directly, so answering "not found" during this one import loads the
    same libraries. The real find_library is restored at once.
    """
    use_bundled_fonts()         # before WeasyPrint (and so Pango and fontconfig) is first imported
    import ctypes.util
    real = ctypes.util.find_library
    ctypes.util.find_library = lambda name: None
    try:
        import weasyprint  # noqa: F401
    finally:
        ctypes.util.find_library = real


_import_weasyprint()

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
def engine():
    """Per-process: the fetcher, the fonts and the parsed form stylesheet."""
    fetcher = AssetFetcher()
    fonts = FontConfiguration()
    css = CSS(url=(ASSETS / "filing.css").as_uri(), url_fetcher=fetcher, font_config=fonts)
    return fetcher, fonts, css


class source_date:
    """SOURCE_DATE_EPOCH set to the document's date while it is rendered, then as it was."""

    def __init__(self, epoch: int) -> None:
        self.epoch = epoch

    def __enter__(self):
        self.previous = os.environ.get("SOURCE_DATE_EPOCH")
        os.environ["SOURCE_DATE_EPOCH"] = str(self.epoch)

    def __exit__(self, *exc):
        if self.previous is None:
            os.environ.pop("SOURCE_DATE_EPOCH", None)
        else:
            os.environ["SOURCE_DATE_EPOCH"] = self.previous


def document(html: str, form_stylesheet: bool = True):
    """The HTML laid out (a WeasyPrint Document), through the locked-down fetcher."""
    fetcher, fonts, css = engine()
    doc = HTML(string=html, base_url=ASSETS.as_uri() + "/", url_fetcher=fetcher)
    return doc.render(stylesheets=[css] if form_stylesheet else [], font_config=fonts)


def html_to_pdf(html: str, epoch: int = 0, form_stylesheet: bool = True) -> bytes:
    """Any HTML through the locked-down pipeline (also what the security tests exercise).
    form_stylesheet=False for documents that carry their own styles (the review pack)."""
    with source_date(epoch):
        # pdf_identifier=True: the trailer's /ID is a digest of the objects (the same bytes, the same /ID)
        return document(html, form_stylesheet).write_pdf(pdf_identifier=True)
