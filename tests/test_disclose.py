"""The public copy and the public posting (issue 11, point 11; CFTC Regulation 1.55(o)).

`focusgen build --public` adds <stem>-public.pdf: the filing PDF without the audit footer (the audit copy
keeps it). `focusgen disclose FOLDER --out DIR` posts the public copies of the 12 months up to the newest
filing (or --as-of) with an index page, checked here in a real headless Chromium (Debian's package,
driven over the DevTools protocol): no console error, and every link opens its PDF.

Expected figures are the filed ones, from tests/fixtures (never computed by the code under test)."""

import hashlib
import http.server
import json
import os
import shutil
import signal
import subprocess
import threading
import time
import urllib.request
from functools import partial
from pathlib import Path

import pytest

from conftest import INPUTS
from pdfutil import pdf_text

FIRM = "HSBC SECURITIES (USA) INC."


def _focus(folder: Path, stem: str, as_of: str, begin: str) -> Path:
    text = (INPUTS / "2020-11.yaml").read_text().replace("as_of: 2020-11-30", f"as_of: {as_of}") \
        .replace("period_begin: 2020-11-01", f"period_begin: {begin}")
    path = folder / f"{stem}.yaml"
    path.write_text(text)
    return path


def _daily(folder: Path, stem: str, extra: str = "") -> Path:
    """The reference Daily Seg's figures, filed by HSBC as of 11/27/2020 (illustrative)."""
    text = (INPUTS / "daily-seg-2017-12-26.yaml").read_text().replace("as_of: 2017-12-26", "as_of: 2020-11-27") \
        .replace("submit_date: 2017-12-27", "submit_date: 2020-11-30") \
        .replace("name: Credit Suisse Securities (USA) LLC", f"name: {FIRM}")
    path = folder / f"{stem}.yaml"
    path.write_text(text + extra)
    return path


@pytest.fixture(scope="module")
def builds(tmp_path_factory):
    """Six filings of one firm, built with --public: month-ends 2019-11 (outside the 12 months before
    2020-11-30), 2019-12, 2020-10, 2020-11, and a Daily Seg of 11/27/2020 with its amendment."""
    from focusgen.cli import main
    src = tmp_path_factory.mktemp("src")
    out = tmp_path_factory.mktemp("builds")
    shutil.copy(INPUTS / "daily-seg-2017-12-26.csv", src)
    inputs = [_focus(src, "2019-11", "2019-11-30", "2019-11-01"), _focus(src, "2019-12", "2019-12-31", "2019-12-01"),
              _focus(src, "2020-10", "2020-10-31", "2020-10-01"), _focus(src, "2020-11", "2020-11-30", "2020-11-01"),
              _daily(src, "daily-2020-11-27")]
    for path in inputs:
        assert main(["build", str(path), "--out", str(out / path.stem), "--public", "--quiet"]) == 0
    # the Daily Seg amended: 7070 corrected by 10,000,000, amending the built original
    shutil.copy(out / "daily-2020-11-27" / "daily-2020-11-27.json", src / "original.json")
    csv = (INPUTS / "daily-seg-2017-12-26.csv").read_text().replace('7070,"618,144,548"', '7070,"628,144,548"')
    (src / "amended.csv").write_text(csv)
    amended = _daily(src, "daily-2020-11-27-amended", "filing_status: AMENDED\namends: original.json\n"
                     "reason: 7070 restated\n")
    amended.write_text(amended.read_text().replace("ledger: daily-seg-2017-12-26.csv", "ledger: amended.csv"))
    assert main(["build", str(amended), "--out", str(out / amended.stem), "--public", "--quiet"]) == 0
    return out


def test_the_public_copy_has_no_audit_footer(builds):
    folder = builds / "2020-11"
    audit, public = (folder / "2020-11.pdf").read_bytes(), (folder / "2020-11-public.pdf").read_bytes()
    a, p = pdf_text(audit), pdf_text(public)
    digest = json.loads((folder / "2020-11.json").read_text())["generator"]["input_sha256"][:12]
    assert a.count(f"input {digest}") == 7 and "focusgen" in a
    assert "focusgen" not in p and digest not in p and "as of 11/30/2020 ·" not in p
    assert "Page 7 of 7" in p           # the page numbers stay
    # apart from the footer and the contact's boxes (a person's name and telephone are not posted), the same
    strip = lambda t: [ln for ln in t.splitlines() if "focusgen" not in ln and not ln.startswith("Page ")]  # noqa: E731
    contact = ("CONTACT IN REGARD", "STEVEN N LOMBARDO", "Telephone No.", "525-3425")
    assert [ln for ln in strip(a) if not any(c in ln for c in contact)] == strip(p)
    assert not any(c in p for c in contact)
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["public_copy"] == "2020-11-public.pdf"
    assert "2020-11-public.pdf" in [o["path"] for o in manifest["outputs"]]


def test_without_public_there_is_no_public_copy(run, tmp_path):
    assert run("build", INPUTS / "2020-11.yaml", "--out", tmp_path, "--format", "pdf,json")[0] == 0
    assert not (tmp_path / "2020-11-public.pdf").exists()
    assert "public_copy" not in json.loads((tmp_path / "manifest.json").read_text())


@pytest.fixture(scope="module")
def posting(builds, tmp_path_factory):
    from focusgen.cli import main
    out = tmp_path_factory.mktemp("post") / "posting"
    assert main(["disclose", str(builds), "--out", str(out)]) == 0
    return out


def test_the_posting_keeps_the_last_12_months(posting, builds, hsbc, cs):
    names = sorted(p.name for p in posting.iterdir())
    assert names == ["2019-12-31-focus-ii.pdf", "2020-10-31-focus-ii.pdf", "2020-11-27-daily-seg.pdf",
                     "2020-11-30-focus-ii.pdf", "index.html", "manifest.json"]
    # each PDF is its filing's public copy, byte for byte; the amendment replaces its original
    assert (posting / "2020-11-27-daily-seg.pdf").read_bytes() == \
        (builds / "daily-2020-11-27-amended" / "daily-2020-11-27-amended-public.pdf").read_bytes()
    assert (posting / "2019-12-31-focus-ii.pdf").read_bytes() == \
        (builds / "2019-12" / "2019-12-public.pdf").read_bytes()
    html = (posting / "index.html").read_text()
    # newest first, each with its excess figures as filed (the amended Daily Seg: segregation + 10,000,000)
    rows = html.split("<tbody>")[1].split("</tbody>")[0].split("<tr>")[1:]
    assert [r.split('datetime="')[1][:10] for r in rows] == ["2020-11-30", "2020-11-27", "2020-10-31", "2019-12-31"]
    assert f"${hsbc['values']['7190']:,}" in rows[0] and f"${hsbc['values']['7380']:,}" in rows[0] \
        and f"${hsbc['values']['8730']:,}" in rows[0]
    assert f"${cs['values']['7190'] + 10_000_000:,}" in rows[1] and f"${cs['values']['8730']:,}" in rows[1]
    assert "(AMENDED)" in rows[1]
    from focusgen.cli import main
    assert main(["verify", str(posting)]) == 0


def test_the_posting_names_the_business_days_without_a_daily_statement(posting):
    doc = json.loads((posting / "manifest.json").read_text())
    missing = doc["missing_daily_statements"]
    # 12/01/2019 to 11/30/2020: 52 weeks (260 weekdays) and Monday 11/30 = 261 weekdays, less the weekday
    # federal holidays 12/25/2019, 1/1, 1/20, 2/17, 5/25, 7/3 (July 4th observed), 9/7, 10/12, 11/11, 11/26 =
    # 251 business days; one has its statement (11/27/2020)
    assert len(missing) == 250 and missing[0] == "2019-12-02" and missing[-1] == "2020-11-30"
    assert "2020-11-27" not in missing and "2020-07-03" not in missing
    from datetime import date

    from focusgen.disclose import runs
    assert runs([date.fromisoformat(d) for d in missing]) == [(date(2019, 12, 2), date(2020, 11, 25)),
                                                              (date(2020, 11, 30), date(2020, 11, 30))]


def test_the_posting_summarises_month_end_capital(posting):
    html = (posting / "index.html").read_text()
    table = html.split("Month-end capital of the 12 months")[1]
    # three month-ends posted, each line D 471,057,307 as filed; no adjusted net capital given, no excess
    assert table.count("$471,057,307") == 3 and "CFTC Regulation 1.55(o)(1)(iv)" in html
    assert "(SEC" not in table          # no SEC figures given: no SEC columns
    doc = json.loads((posting / "manifest.json").read_text())
    assert [c["as_of"] for c in doc["capital_summary"]] == ["2020-11-30", "2020-10-31", "2019-12-31"]


def test_the_capital_summary_of_a_bd_fcm():
    from datetime import date

    from focusgen.disclose import Posted
    from focusgen.render.disclose import capital_summary
    cap = {"adjusted_net_capital": 600_000_000, "requirement": 471_057_307, "excess": 128_942_693,
           "sec_net_capital": 610_000_000, "sec_minimum": 480_000_000, "sec_excess": 130_000_000}
    p = Posted("focus-ii", "FOCUS", date(2020, 11, 30), "X", "INITIAL", {}, b"", Path("x"), cap)
    s = capital_summary([p])
    assert s["columns"][3:] == ["Net capital (SEC Rule 15c3-1)", "Minimum net capital (SEC)", "Excess net capital (SEC)"]
    assert [c["text"] for c in s["rows"][0]["cells"]] == ["$600,000,000", "$471,057,307", "$128,942,693",
                                                          "$610,000,000", "$480,000,000", "$130,000,000"]


def test_as_of_chooses_the_12_months(run, builds, tmp_path):
    status, out, err = run("disclose", builds, "--out", tmp_path / "p", "--as-of", "2020-10-31")
    assert status == 0, err
    assert sorted(p.name for p in (tmp_path / "p").glob("*.pdf")) == [
        "2019-11-30-focus-ii.pdf", "2019-12-31-focus-ii.pdf", "2020-10-31-focus-ii.pdf"]
    # the posting is replaced as a set: the next run leaves none of these behind
    assert run("disclose", builds, "--out", tmp_path / "p")[0] == 0
    assert "2019-11-30-focus-ii.pdf" not in [p.name for p in (tmp_path / "p").iterdir()]


def _refused(run, folder, out, code, *extra):
    status, _, err = run("disclose", folder, "--out", out, *extra)
    assert status == 2 and f"error[{code}]" in err, err
    assert not out.exists()
    return err


def test_a_filing_without_its_public_copy_is_refused(run, builds, tmp_path):
    folder = tmp_path / "b"
    shutil.copytree(builds / "2020-11", folder / "2020-11")
    assert run("build", INPUTS / "2020-11.yaml", "--out", folder / "no-public", "--format", "pdf,json")[0] == 0
    err = _refused(run, folder, tmp_path / "out", "no-public-copy")
    assert "--public" in err


def test_a_changed_output_is_never_posted(run, builds, tmp_path):
    folder = tmp_path / "b"
    shutil.copytree(builds / "2020-11", folder / "2020-11")
    pdf = folder / "2020-11" / "2020-11-public.pdf"
    pdf.write_bytes(pdf.read_bytes() + b"%% appended after the build\n")
    _refused(run, folder, tmp_path / "out", "output-changed")


def test_a_linked_output_is_never_posted(run, builds, tmp_path):
    folder = tmp_path / "b"
    shutil.copytree(builds / "2020-11", folder / "2020-11")
    pdf = folder / "2020-11" / "2020-11-public.pdf"
    pdf.unlink()
    pdf.symlink_to(builds / "2020-11" / "2020-11-public.pdf")
    _refused(run, folder, tmp_path / "out", "not-a-regular-file")


def test_a_batch_builds_each_public_copy(run, tmp_path):
    status, _, err = run("build", INPUTS / "2020-11.yaml", INPUTS / "daily-seg-2017-12-26.yaml", "--out",
                         tmp_path, "--public", "--format", "json", "--quiet")
    assert status == 0, err
    for stem in ("2020-11", "daily-seg-2017-12-26"):
        # a month-end filing adds the row the CFTC publishes about the firm
        published = [f"{stem}-cftc-data.csv"] if stem == "2020-11" else []
        assert sorted(p.name for p in (tmp_path / stem).iterdir()) == [
            *published, f"{stem}-public.pdf", f"{stem}.json", "manifest.json"]


def test_two_firms_or_two_filings_of_a_date_are_refused(run, builds, tmp_path):
    folder = tmp_path / "b"
    shutil.copytree(builds / "2020-11", folder / "2020-11")
    shutil.copytree(builds / "2020-11", folder / "2020-11-again")
    _refused(run, folder, tmp_path / "out", "duplicate-filing")
    shutil.rmtree(folder / "2020-11-again")
    # Credit Suisse's Daily Seg of 12/26/2017 is outside HSBC's 12 months: not posted, no problem
    assert run("build", INPUTS / "daily-seg-2017-12-26.yaml", "--out", folder / "cs", "--public", "--quiet")[0] == 0
    assert run("disclose", folder, "--out", tmp_path / "ok")[0] == 0
    # ... but one of 11/25/2020 is inside: one posting is one firm's
    src = tmp_path / "src"
    src.mkdir()
    shutil.copy(INPUTS / "daily-seg-2017-12-26.csv", src)
    (src / "cs.yaml").write_text((INPUTS / "daily-seg-2017-12-26.yaml").read_text()
                                 .replace("as_of: 2017-12-26", "as_of: 2020-11-25")
                                 .replace("submit_date: 2017-12-27", "submit_date: 2020-11-26"))
    assert run("build", src / "cs.yaml", "--out", folder / "cs2", "--public", "--quiet")[0] == 0
    err = _refused(run, folder, tmp_path / "out", "several-firms")
    assert "Credit Suisse Securities (USA) LLC; HSBC SECURITIES (USA) INC." in err


@pytest.mark.parametrize("args,code", [(("--as-of", "2020-02-30"), "bad-option"),
                                       (("--as-of", "2001-01-31"), "no-inputs")])
def test_bad_options(run, builds, tmp_path, args, code):
    _refused(run, builds, tmp_path / "out", code, *args)


def test_an_empty_folder_is_refused(run, tmp_path):
    (tmp_path / "empty").mkdir()
    _refused(run, tmp_path / "empty", tmp_path / "out", "no-inputs")


# --- the index page in a real browser ------------------------------------------------------------

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def served(posting):
    """The posting served from a localhost http.server, stopped after the test."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), partial(_Quiet, directory=str(posting)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture
def browser(tmp_path):
    """Headless Chromium (Debian's package, installed by setup.sh --test) with a fresh profile, and a
    DevTools websocket to one blank page. Stopped (its whole process group) after the test."""
    import websocket
    assert CHROMIUM, "chromium is not installed: run ./setup.sh --test"
    profile = tmp_path / "profile"
    proc = subprocess.Popen(
        [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-extensions", "--disable-dev-shm-usage", f"--user-data-dir={profile}",
         "--remote-debugging-address=127.0.0.1", "--remote-debugging-port=0", "about:blank"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        port_file = profile / "DevToolsActivePort"
        deadline = time.monotonic() + 60
        while not (port_file.exists() and port_file.read_text().strip()):
            assert proc.poll() is None and time.monotonic() < deadline, "chromium did not start"
            time.sleep(0.1)
        port = int(port_file.read_text().split()[0])
        targets = []
        while not targets:
            assert time.monotonic() < deadline, "chromium opened no page"
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/json/list", timeout=10) as r:
                targets = [t for t in json.load(r) if t.get("type") == "page"]
            time.sleep(0.1)
        ws = websocket.create_connection(targets[0]["webSocketDebuggerUrl"], timeout=30,
                                         suppress_origin=True)
        yield _DevTools(ws)
        ws.close()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=20)


class _DevTools:
    """Just enough of the DevTools protocol: commands by id, and every event kept."""

    def __init__(self, ws):
        self.ws, self.next_id, self.events = ws, 0, []

    def send(self, method: str, **params) -> dict:
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            msg = json.loads(self.ws.recv())
            if msg.get("id") == self.next_id:
                assert "error" not in msg, msg
                return msg["result"]
            self.events.append(msg)
        raise AssertionError(f"no answer to {method}")

    def wait_for(self, method: str) -> dict:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            for e in self.events:
                if e.get("method") == method:
                    return e
            self.events.append(json.loads(self.ws.recv()))
        raise AssertionError(f"no {method}")

    def evaluate(self, expression: str):
        result = self.send("Runtime.evaluate", expression=expression, awaitPromise=True, returnByValue=True)
        assert "exceptionDetails" not in result, result
        return result["result"]["value"]


def test_the_index_page_in_a_real_browser(browser, served, posting):
    browser.send("Runtime.enable")
    browser.send("Log.enable")
    browser.send("Page.enable")
    browser.send("Page.navigate", url=served + "index.html")
    browser.wait_for("Page.loadEventFired")
    time.sleep(0.5)                     # late console messages, if any
    browser.send("Runtime.evaluate", expression="1")       # drains what arrived meanwhile
    errors = [e for e in browser.events
              if e.get("method") == "Runtime.exceptionThrown"
              or (e.get("method") == "Runtime.consoleAPICalled" and e["params"]["type"] in ("error", "assert"))
              or (e.get("method") == "Log.entryAdded" and e["params"]["entry"]["level"] == "error")]
    assert errors == []
    page = browser.evaluate("""({
        lang: document.documentElement.lang, title: document.title,
        scripts: document.scripts.length,
        caption: document.querySelector('table caption') && document.querySelector('table caption').textContent,
        headers: [...document.querySelectorAll('th')].map(th => th.getAttribute('scope')),
        resources: performance.getEntriesByType('resource').map(r => r.name),
        links: [...document.querySelectorAll('a')].map(a => ({href: a.href, raw: a.getAttribute('href'),
                                                            text: a.textContent}))})""")
    assert page["lang"] == "en" and FIRM in page["title"] and page["scripts"] == 0
    assert page["caption"].startswith("Filings from")
    assert page["headers"] and all(s in ("col", "row") for s in page["headers"])
    assert all(r.startswith(served) for r in page["resources"])        # nothing from elsewhere
    pdfs = sorted(p.name for p in posting.glob("*.pdf"))
    assert sorted(link["raw"] for link in page["links"]) == pdfs
    for link in page["links"]:
        assert link["href"] == served + link["raw"] and "(PDF)" in link["text"]
        # the browser opens the link: its bytes are that PDF's
        got = browser.evaluate(f"""fetch({json.dumps(link['href'])}).then(async r => ({{
            status: r.status, type: r.headers.get('content-type'),
            sha: [...new Uint8Array(await crypto.subtle.digest('SHA-256', await r.arrayBuffer()))]
                 .map(b => b.toString(16).padStart(2, '0')).join('')}}))""")
        expected = hashlib.sha256((posting / link["raw"]).read_bytes()).hexdigest()
        assert got == {"status": 200, "type": "application/pdf", "sha": expected}
        with urllib.request.urlopen(link["href"], timeout=10) as r:
            assert r.read().startswith(b"%PDF")
