#!/usr/bin/env bash
# Sets focusgen up on a fresh Debian machine (Python 3.11, root or sudo): the system libraries WeasyPrint
# needs, Tesseract for reading scanned prior filings, what `python3 -m venv` needs (python3-venv), a
# virtual environment in .venv, and focusgen installed into it.
#   ./setup.sh          what `focusgen build` needs
#   ./setup.sh --test   the same plus what the tests need
# When another process holds the package manager's lock (unattended-upgrades on a fresh machine, another
# apt-get), setup waits for it, up to FOCUSGEN_SETUP_LOCK_WAIT seconds (default 600), instead of stopping.
set -euo pipefail
cd "$(dirname "$0")"

extras=""
packages=(libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fontconfig tesseract-ocr tesseract-ocr-eng
          libgl1 libglib2.0-0)     # OpenCV (opencv-python) loads libGL and GLib
if [[ "${1:-}" == "--test" ]]; then
    extras="[test]"
    packages+=(poppler-utils)       # pdftoppm: the tests make a scanned filing with it
    packages+=(chromium)            # a real browser for the public posting's index page (test_disclose.py)
    packages+=(qpdf)                # qpdf --check: every PDF the tests make is read by a strict parser too
fi

missing=()
for pkg in "${packages[@]}"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
# Debian's python3 leaves out ensurepip (and so `python3 -m venv`) unless python3-venv is installed
if [[ ! -x .venv/bin/python ]] && ! python3 -c "import ensurepip, venv; ensurepip.version()" >/dev/null 2>&1; then
    missing+=(python3-venv)
fi

wait_secs=${FOCUSGEN_SETUP_LOCK_WAIT:-600}
poll=${FOCUSGEN_SETUP_LOCK_POLL:-5}
apt_get() {
    # apt-get, waiting for the package manager's locks: dpkg's through DPkg::Lock::Timeout, and any lock
    # apt reports busy (the package lists' during `update`) by trying again until the wait is over
    local deadline=$((SECONDS + wait_secs)) log
    log=$(mktemp)
    while true; do
        if $sudo env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout="$wait_secs" "$@" 2>"$log"; then
            rm -f "$log"
            return 0
        fi
        if grep -qiE "could not get lock|unable to acquire|is held by process" "$log" && ((SECONDS < deadline)); then
            echo "setup: another process holds the package manager's lock; waiting" >&2
            sleep "$poll"
            continue
        fi
        cat "$log" >&2
        rm -f "$log"
        return 1
    done
}

if ((${#missing[@]})); then
    echo "setup: installing system packages: ${missing[*]}"
    sudo=""
    [[ $(id -u) -eq 0 ]] || sudo="sudo"
    apt_get update -qq
    apt_get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

if [[ ! -x .venv/bin/python ]]; then
    python3 -m venv .venv
fi
log=$(mktemp)
# an older focusgen installed opencv-python-headless: two OpenCV distributions share one cv2 package,
# so both go and opencv-python comes back alone
if .venv/bin/python -m pip show -q opencv-python-headless >/dev/null 2>&1; then
    .venv/bin/python -m pip uninstall -y -q opencv-python-headless opencv-python >/dev/null 2>&1 || true
fi
# constraints.txt: the versions the tests were run with (a newer OpenCV or onnxruntime reads scans anew)
if ! .venv/bin/python -m pip install -q --disable-pip-version-check -c constraints.txt -e ".${extras}" >"$log" 2>&1; then
    cat "$log" >&2
    echo "setup: pip install failed" >&2
    exit 1
fi
rm -f "$log"
echo "setup: ready (.venv/bin/focusgen)"
