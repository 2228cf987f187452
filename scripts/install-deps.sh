#!/usr/bin/env bash
# Installs what `make run` and `make test` need and is missing; does nothing when all is there.
# Debian packages through apt-get only when absent; npm packages from the lock file; tools into .tools/.
set -euo pipefail
cd "$(dirname "$0")/.."

APT_PACKAGES=(
  # Tauri 2 on Linux (WebKitGTK 4.1) and its end-to-end driver under Xvfb.
  build-essential pkg-config curl wget file libwebkit2gtk-4.1-dev libxdo-dev libssl-dev
  libayatana-appindicator3-dev librsvg2-dev libsoup-3.0-dev xvfb xauth webkit2gtk-driver
  # PDF checks: pdftotext and pdftoppm, qpdf --check, QR decoding.
  poppler-utils qpdf zbar-tools
  # The district dashboard's browser tests: headless Chromium and its WebDriver.
  chromium chromium-driver
  # The district server's production backend, for its test suite.
  postgresql
  # Python venv for the independent lunar-calendar reference.
  python3-venv
  # chattr, for the store's read-only-file test (root ignores chmod).
  e2fsprogs
)

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
done
if ((${#missing[@]})); then
  echo "install-deps: installing Debian packages: ${missing[*]}"
  sudo_cmd=""; [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

command -v cargo >/dev/null || { echo "install-deps: Rust is missing: install rustup (https://rustup.rs), then run make again" >&2; exit 1; }
command -v npm >/dev/null || { echo "install-deps: Node.js 20+ with npm is missing: apt-get install nodejs npm" >&2; exit 1; }

# UI packages, exactly as locked; re-run only when the lock file changed.
if [ ! -f ui/node_modules/.package-lock.json ] || [ ui/package-lock.json -nt ui/node_modules/.package-lock.json ]; then
  (cd ui && npm ci --no-audit --no-fund --loglevel=error)
fi

mkdir -p .tools
# WebDriver bridge between the test and the app's WebKitGTK webview.
if [ ! -x .tools/bin/tauri-driver ]; then
  cargo install --quiet --locked --root .tools tauri-driver --version 2.1.0
fi

# An independent implementation of the Vietnamese lunar calendar, to check ours against
# (crates/domain/tests/lunar_reference.rs).
LUNAR_REF_PKG="vnlunar==1.0.5"
if ! .tools/venv/bin/python -c "import sys" 2>/dev/null; then
  python3 -m venv .tools/venv
fi
if ! .tools/venv/bin/pip show -q "${LUNAR_REF_PKG%%==*}" >/dev/null 2>&1; then
  .tools/venv/bin/pip install --quiet --disable-pip-version-check "$LUNAR_REF_PKG"
fi
