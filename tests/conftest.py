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

# The normal run (the README's test command, CI) draws the same examples every time, so it passes
# or fails the same way; an exploration run (FOCUSGEN_EXPLORE=1) draws new examples each time and
# keeps failures in the database above. A failure it finds is a bug: fix it and keep the example
# as an explicit test.
from hypothesis import settings  # noqa: E402

settings.register_profile("ci", derandomize=True, database=None, deadline=None)
settings.register_profile("dev", deadline=None)
settings.load_profile("dev" if os.environ.get("FOCUSGEN_EXPLORE") and not os.environ.get("CI") else "ci")


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
