import atexit
import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).with_name("fixtures")
INPUTS = ROOT / "inputs"

# Form layouts are cached in a folder of the tests' own (removed at the end), never the user's; so is
# the layout key that binds them to their user (layout_cache.py).
_CACHE = tempfile.mkdtemp(prefix="focusgen-test-cache-")
os.environ["XDG_CACHE_HOME"] = _CACHE
os.environ["XDG_STATE_HOME"] = os.path.join(_CACHE, "state")
os.environ.pop("FOCUSGEN_NO_CACHE", None)
atexit.register(shutil.rmtree, _CACHE, True)

# Hypothesis writes its database under the test folder otherwise.
os.environ.setdefault("HYPOTHESIS_STORAGE_DIRECTORY", str(Path("/tmp") / "focusgen-hypothesis"))

# Property tests (hypothesis) draw the same examples in every normal run, on a user's machine as in CI
# (no variable selects it): the README's test command passes or fails the same way every time.
# `pytest --explore[=N]` (benchmarks/explore.sh) is the exploration run: the property tests only, N times
# their examples (default 10), new seeds each run, failures kept in the database above. A failure it
# finds is a bug: fix it and keep the example as an explicit @example or test, never a fixed seed.
from hypothesis import settings  # noqa: E402

settings.register_profile("default", derandomize=True, database=None, deadline=None)
settings.register_profile("explore", derandomize=False, deadline=None, print_blob=True)
settings.load_profile("default")


def pytest_addoption(parser):
    parser.addoption("--explore", nargs="?", const=10, default=None, type=int, metavar="N",
                     help="exploration run: only the property tests, N times their examples (default 10), "
                          "new seeds every run")


def _exploring(config) -> int:
    factor = config.getoption("--explore", default=None)
    if factor is None and os.environ.get("FOCUSGEN_EXPLORE"):
        factor = 10
    return factor or 0


def pytest_configure(config):
    # before any test module is imported: a test's @settings takes what it does not say from the profile
    if _exploring(config):
        settings.load_profile("explore")


def pytest_collection_modifyitems(config, items):
    factor = _exploring(config)
    if not factor:
        return
    kept, dropped = [], []
    for item in items:
        fn = getattr(getattr(item, "obj", None), "__func__", getattr(item, "obj", None))
        (kept if getattr(fn, "is_hypothesis_test", False) else dropped).append(item)
        # hypothesis reads a test's settings from this attribute when the test runs (its own pytest plugin
        # does the same); when a release moves it, the test still explores, with its own example count
        current = getattr(fn, "_hypothesis_internal_use_settings", None)
        if isinstance(current, settings):
            fn._hypothesis_internal_use_settings = settings(
                current, max_examples=current.max_examples * factor, derandomize=False,
                database=settings.get_profile("explore").database)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = kept


def reference(name: str) -> dict:
    return json.loads((FIXTURES / f"{name}.lines.json").read_text())


@pytest.fixture(scope="session")
def hsbc() -> dict:
    return reference("hsbc-focus-ii-2020-11")


@pytest.fixture(scope="session")
def cs() -> dict:
    return reference("cs-daily-seg-2017-12-26")


@pytest.fixture
def run(tmp_path, capsys):
    """Run the CLI in-process: returns (exit status, stdout, stderr)."""
    from focusgen.cli import main

    def _run(*argv):
        status = main([str(a) for a in argv])
        captured = capsys.readouterr()
        return status, captured.out, captured.err
    return _run


@pytest.fixture(autouse=True)
def _ctrl_c_left_as_found():
    """No test may leave Ctrl-C changed for the tests after it (ignored, handled elsewhere or blocked):
    the children they start inherit an ignored or blocked SIGINT, and the terminal tests' Ctrl-C then
    fails in the whole suite only. The test that changes it errors here, and Ctrl-C is put back."""
    import signal
    handler = signal.getsignal(signal.SIGINT)
    mask = signal.pthread_sigmask(signal.SIG_BLOCK, [])
    yield
    now, now_mask = signal.getsignal(signal.SIGINT), signal.pthread_sigmask(signal.SIG_BLOCK, [])
    if now != handler or now_mask != mask:
        signal.signal(signal.SIGINT, handler)
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        pytest.fail(f"this test left Ctrl-C changed: handler {now!r} (was {handler!r}), "
                    f"blocked {sorted(now_mask)} (were {sorted(mask)})")


@pytest.fixture(autouse=True)
def _every_pdf_read_strictly(monkeypatch):
    """Every PDF a build renders in any test is read by qpdf --check too (pdfutil.strict)."""
    from pdfutil import strict
    import focusgen.render as render
    real = render.render_outputs

    def checked(*args, **kwargs):
        files = real(*args, **kwargs)
        for path, data in files.items():
            if path.suffix == ".pdf":
                strict(data)
        return files
    monkeypatch.setattr(render, "render_outputs", checked)
