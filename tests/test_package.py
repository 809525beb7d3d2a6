"""The wheel carries everything focusgen needs at run time: built from the repository, installed into
a fresh virtual environment outside the checkout, it builds every output of both examples (and the SIDR's)
from another folder, byte-identical to the checkout's own build (same templates, fonts and fontconfig)."""

import os
import subprocess
import sys
from pathlib import Path

from conftest import INPUTS, ROOT


def test_the_wheel_builds_every_output_outside_the_checkout(tmp_path, run):
    wheels, venv, work = tmp_path / "wheels", tmp_path / "venv", tmp_path / "elsewhere"
    subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(ROOT)],
                   check=True, timeout=600, capture_output=True)
    wheel = next(wheels.glob("focusgen-*.whl"))
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    subprocess.run([str(venv / "bin" / "pip"), "install", "-q", "--disable-pip-version-check", str(wheel)],
                   check=True, timeout=900, capture_output=True)
    work.mkdir()
    for f in INPUTS.glob("*.*"):
        if f.is_file():
            (work / f.name).write_bytes(f.read_bytes())
    # the installed focusgen lays its forms out itself: a cache folder of its own, empty at first
    env = {k: v for k, v in os.environ.items() if k not in ("FOCUSGEN_NO_CACHE", "PYTHONPATH")}
    env["XDG_CACHE_HOME"] = str(tmp_path / "installed-cache")
    for stem in ("2020-11", "daily-seg-2017-12-26"):
        for out in (f"out/{stem}", f"warm/{stem}"):         # laid out, then placed into the kept layout
            proc = subprocess.run([str(venv / "bin" / "focusgen"), "build", f"{stem}.yaml", "--out", out,
                                   "--format", "pdf,txt,json,review", "--quiet"], cwd=work, capture_output=True,
                                  text=True, timeout=300, env=env)
            assert proc.returncode == 0, proc.stderr
            assert "Fontconfig error" not in proc.stderr and not proc.stderr.strip(), proc.stderr
        for ext in ("pdf", "txt", "json"):
            assert (work / "out" / stem / f"{stem}.{ext}").read_bytes() == \
                (work / "warm" / stem / f"{stem}.{ext}").read_bytes()
        built = sorted(p.name for p in (work / "out" / stem).iterdir())
        assert len(list((tmp_path / "installed-cache" / "focusgen" / "layouts").glob("*.json"))) == \
            (1 if stem == "2020-11" else 2)                  # one layout per form and header, kept
        published = [f"{stem}-cftc-data.csv"] if stem == "2020-11" else []     # a month-end filing's row
        assert built == sorted([f"{stem}.pdf", f"{stem}.txt", f"{stem}.json", f"{stem}-review.pdf",
                                f"{stem}-review.html", "manifest.json", *published])
        # the same bytes as the checkout's own build
        assert run("build", INPUTS / f"{stem}.yaml", "--out", tmp_path / "ref" / stem, "--format",
                   "pdf,txt,json", "--quiet")[0] == 0
        for ext in ("pdf", "txt"):
            assert (work / "out" / stem / f"{stem}.{ext}").read_bytes() == \
                (tmp_path / "ref" / stem / f"{stem}.{ext}").read_bytes()
    # the second OCR witness's model is inside an installed wheel (rapidocr_onnxruntime's): it loads
    # and reads a number with no network and no file of the checkout
    proc = subprocess.run([str(venv / "bin" / "python"), "-c",
                           "import numpy as np, cv2\n"
                           "from focusgen.extract.witness import witness\n"
                           "img = np.full((60, 260), 255, np.uint8)\n"
                           "cv2.putText(img, '1,234,567', (8, 45), cv2.FONT_HERSHEY_SIMPLEX, 1.2, 0, 2)\n"
                           "print(witness([img])[0][0])"],
                          cwd=work, capture_output=True, text=True, timeout=300,
                          env={**env, "no_proxy": "*", "http_proxy": "http://0.0.0.0:9", "https_proxy": "http://0.0.0.0:9"})
    assert proc.returncode == 0 and proc.stdout.strip().replace(".", ",") == "1,234,567", proc.stderr
    # focusgen init: its starter files are package data of the wheel, and build as they are
    for kind in ("focus-ii", "daily-seg"):
        proc = subprocess.run([str(venv / "bin" / "focusgen"), "init", f"start-{kind}", "--report", kind], cwd=work,
                              capture_output=True, text=True, timeout=300, env=env)
        assert proc.returncode == 0, proc.stderr
        proc = subprocess.run([str(venv / "bin" / "focusgen"), "build", f"start-{kind}/filing.yaml", "--out",
                               f"started-{kind}", "--format", "txt,json", "--quiet"], cwd=work, capture_output=True,
                              text=True, timeout=300, env=env)
        assert proc.returncode == 0, proc.stderr
        assert (work / f"started-{kind}" / "filing.json").is_file()
    # the SIDR (a second form definition, its revision overlay and its own template, all in the wheel)
    proc = subprocess.run([str(venv / "bin" / "focusgen"), "build", "sidr-2017-12-26.yaml", "--out", "out/sidr",
                           "--quiet"], cwd=work, capture_output=True, text=True, timeout=300, env=env)
    assert proc.returncode == 0, proc.stderr
    assert run("build", INPUTS / "sidr-2017-12-26.yaml", "--out", tmp_path / "ref" / "sidr", "--quiet")[0] == 0
    for ext in ("pdf", "txt"):
        assert (work / "out" / "sidr" / f"sidr-2017-12-26.{ext}").read_bytes() == \
            (tmp_path / "ref" / "sidr" / f"sidr-2017-12-26.{ext}").read_bytes()


def test_setup_installs_the_tested_versions_of_every_dependency():
    """constraints.txt (read by setup.sh) pins each dependency pyproject.toml names, runtime and test
    alike, to one version inside its range: the README's commands install the set the tests passed with."""
    import re
    import tomllib
    from packaging.requirements import Requirement
    from packaging.utils import canonicalize_name
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    wanted = [Requirement(r) for r in project["dependencies"] + project["optional-dependencies"]["test"]]
    pins = {}
    for line in (ROOT / "constraints.txt").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            m = re.fullmatch(r"([A-Za-z0-9._-]+)==([A-Za-z0-9.+!-]+)", line.strip())
            assert m, f"not an exact pin: {line!r}"
            pins[canonicalize_name(m.group(1))] = m.group(2)
    for req in wanted:
        name = canonicalize_name(req.name)
        assert name in pins, f"{req.name} is not pinned in constraints.txt"
        assert req.specifier.contains(pins[name], prereleases=True), f"{req.name}=={pins[name]} is outside {req}"
    assert "-c constraints.txt" in (ROOT / "setup.sh").read_text()
