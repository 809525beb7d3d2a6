"""Limits on prior filings (issue 8, point 5): refused by name, in seconds, in bounded memory."""

import os
import resource
import subprocess
import sys

import pytest

import hostile_pdfs


@pytest.fixture(scope="module")
def bad(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bad")
    hostile_pdfs.make(folder)
    return folder


def _limited():
    resource.setrlimit(resource.RLIMIT_AS, (1536 * 2**20, 1536 * 2**20))     # 1.5 GiB


@pytest.mark.parametrize("name,fragment", [("huge-page.pdf", "20,000 x 20,000 points"),
                                           ("many-pages.pdf", "2,000 pages"),
                                           ("bomb.pdf", "40,000 x 40,000 pixels"),
                                           ("many-chars.pdf", "at most 50,000 characters")])
def test_hostile_pdfs_are_refused_by_name(bad, name, fragment):
    for command in (["extract", str(bad / name)], ["check", "inputs/2020-11.yaml", "--against", str(bad / name)]):
        proc = subprocess.run([sys.executable, "-m", "focusgen.cli", *command], capture_output=True, text=True,
                              timeout=60, preexec_fn=_limited, cwd=os.path.dirname(os.path.dirname(__file__)))
        assert proc.returncode == 2, proc.stderr
        assert "error[pdf-too-large]" in proc.stderr and fragment in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize("special", ["/dev/zero", "/dev/urandom", "fifo"])
def test_a_prior_that_is_no_regular_file(run, tmp_path, special):
    if special == "fifo":
        special = tmp_path / "prior.pdf"
        os.mkfifo(special)
    status, _, err = run("extract", special)
    assert status == 2 and "error[not-a-regular-file]" in err
