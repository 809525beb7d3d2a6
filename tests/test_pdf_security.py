"""The PDF pipeline is locked down: text is escaped, and nothing but focusgen's bundled assets is
ever fetched. A server on 127.0.0.1 shows that no request reaches it."""

import http.server
import json
import threading
from pathlib import Path

import pytest

from focusgen.render.pdf import AssetFetcher, RefusedURL, html_to_pdf
from focusgen.resources import ASSETS
from pdfutil import pdf_text

SECRET = "focusgen-secret-file-content-4f9a"


@pytest.fixture
def server():
    """A local HTTP server that records every request it gets."""
    hits = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.send_header("Content-Type", "text/css")
            self.end_headers()
            self.wfile.write(b"body { color: red }")

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"127.0.0.1:{httpd.server_address[1]}", hits
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture
def secret_file(tmp_path):
    path = tmp_path / "secret.txt"
    path.write_text(SECRET)
    return path


def test_hostile_text_prints_literally_and_fetches_nothing(tmp_path, server, secret_file, run):
    host, hits = server
    hostile = {
        "name": "AT&T <Clearing> & Co.",
        "address": f"<img src=\"http://{host}/addr.png\"> <link rel=stylesheet href=\"{secret_file.as_uri()}\">",
        "contact": {"name": f"<style>@import url(http://{host}/c.css);</style>", "phone": "{{ 7*7 }}"},
    }
    names = {"7510": f"<a rel=\"attachment\" href=\"{secret_file.as_uri()}\">x</a>",
             "7550": f"<object data=\"http://{host}/o\"></object>"}
    (tmp_path / "in.yaml").write_text(json.dumps({
        "report": "focus-ii", "as_of": "2020-11-30", "firm": hostile, "names": names,
        "lines": {"7010": 1000, "7194": "5%"}}))
    status, _, err = run("build", tmp_path / "in.yaml", "--out", tmp_path / "out", "--quiet")
    assert status == 0, err
    data = (tmp_path / "out" / "in.pdf").read_bytes()
    text = pdf_text(data)
    assert "AT&T <Clearing> & Co." in text
    assert f"<img src=\"http://{host}/addr.png\">" in text
    assert "{{ 7*7 }}" in text                     # not evaluated as a template either
    assert "7,010" not in text and "1,000 7010" in text   # the rest of the filing renders
    assert hits == []
    assert SECRET.encode() not in data and SECRET not in text
    assert b"/EmbeddedFile" not in data


VECTORS = {
    "http image": '<img src="http://{host}/a.png">',
    "https image": '<img src="https://{host}/a.png">',
    "http stylesheet": '<link rel="stylesheet" href="http://{host}/s.css">',
    "css @import": '<style>@import url("http://{host}/i.css");</style><p>x</p>',
    "css url()": '<style>p {{ background: url("http://{host}/bg.png") }}</style><p>x</p>',
    "file image": '<img src="{secret}">',
    "file stylesheet": '<link rel="stylesheet" href="{secret}">',
    "stylesheet by path": '<link rel="stylesheet" href="{secret_path}">',
    "relative path out of the assets": '<link rel="stylesheet" href="../../pyproject.toml">',
    "dot-dot inside a file URL": '<img src="{assets}/../../pyproject.toml">',
    "attachment link": '<link rel="attachment" href="{secret}">',
    "attachment anchor": '<a rel="attachment" href="{secret}">x</a>',
    "object": '<object data="{secret}"></object>',
    "embed": '<embed src="http://{host}/e.png">',
    "font-face": '<style>@font-face {{ font-family: X; src: url("{secret}") }} p {{ font-family: X }}</style><p>x</p>',
    "data url": '<img src="data:image/svg+xml,<svg xmlns=\'http://www.w3.org/2000/svg\'/>">',
}


@pytest.mark.parametrize("name", list(VECTORS))
def test_refused_vectors(name, server, secret_file):
    host, hits = server
    snippet = VECTORS[name].format(host=host, secret=secret_file.as_uri(), secret_path=str(secret_file),
                                   assets=ASSETS.as_uri())
    with pytest.raises(RefusedURL):         # refused loudly: no PDF at all, never a silent gap
        html_to_pdf(f"<!DOCTYPE html><html><body>{snippet}<p>filing</p></body></html>")
    assert hits == []


def test_fetcher_serves_only_bundled_files(tmp_path, secret_file):
    root = tmp_path / "assets"
    root.mkdir()
    (root / "ok.css").write_text("p { color: black }")
    (root / "link.css").symlink_to(secret_file)
    (root / "dir").symlink_to(tmp_path)
    fetcher = AssetFetcher(root)
    assert fetcher.fetch((root / "ok.css").as_uri()).read() == b"p { color: black }"
    for url in ((root / "link.css").as_uri(), (root / "dir" / "secret.txt").as_uri(), secret_file.as_uri(),
                f"{root.as_uri()}/../secret.txt", "http://127.0.0.1:9/x.css", "data:text/css,p{}",
                f"file://evil.example{root / 'ok.css'}"):
        with pytest.raises(RefusedURL):
            fetcher.fetch(url)


def test_the_real_assets_are_served():
    fetcher = AssetFetcher()
    assert fetcher.fetch((ASSETS / "filing.css").as_uri()).read().startswith(b"/*")
    assert Path(ASSETS / "fonts" / "LiberationSans-Regular.ttf") in fetcher.files
