#!/usr/bin/env bash
# Install everything denialparse needs on Debian/Ubuntu (Python 3.11+), then draft an appeal
# from the bundled scanned letter. Safe to run again.
#   WITH_LIBREOFFICE=1 ./install.sh   also installs LibreOffice (to render appeals to PDF; CI does)
#   WITH_BROWSER=1 ./install.sh       also installs Debian's chromium (the station's browser test; CI does)
#   WITH_POSTGRES=1 ./install.sh      also installs PostgreSQL (the station's PostgreSQL test; CI does)
#   NO_DEMO=1 ./install.sh            install only
set -euo pipefail
cd "$(dirname "$0")"

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi

packages="tesseract-ocr tesseract-ocr-eng tesseract-ocr-osd poppler-utils python3-venv openssl"
if [ "${WITH_LIBREOFFICE:-0}" = "1" ]; then
  packages="$packages libreoffice-writer-nogui fonts-crosextra-carlito fonts-crosextra-caladea fonts-dejavu-core"
fi
if [ "${WITH_BROWSER:-0}" = "1" ]; then
  # Playwright drives this system browser (executable_path); it never downloads one.
  packages="$packages chromium"
fi
if [ "${WITH_POSTGRES:-0}" = "1" ]; then
  # The test starts its own throw-away cluster with initdb; the system cluster is not used.
  packages="$packages postgresql"
fi
echo "==> apt packages: $packages" >&2
$SUDO apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $packages >/dev/null

PYTHON="${PYTHON:-python3}"
if ! "$PYTHON" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
  echo "denialparse needs Python 3.11 or newer; found $("$PYTHON" --version 2>&1). Set PYTHON=/path/to/python3.11" >&2
  exit 3
fi
echo "==> virtual environment .venv ($("$PYTHON" --version 2>&1))" >&2
[ -x .venv/bin/python ] || "$PYTHON" -m venv .venv
.venv/bin/python -m pip install -q --upgrade pip
.venv/bin/python -m pip install -q -e ".[dev,cluster]"  # cluster: Dask, for --scheduler and its tests
# The dev package (training recipe, letter rendering for samples and test sets; not in the wheel).
.venv/bin/python -m pip install -q -e ./dev

echo "==> denialparse doctor" >&2
.venv/bin/denialparse doctor

if [ "${NO_DEMO:-0}" != "1" ]; then
  mkdir -p out
  echo "==> demo: appeal from the bundled scan samples/scan_cigna_cimt.pdf" >&2
  .venv/bin/denialparse appeal samples/scan_cigna_cimt.pdf -o out/appeal.docx --profile samples/profile.toml
fi
