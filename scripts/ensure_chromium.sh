#!/usr/bin/env bash
# Install Debian's `chromium` for the report's headless-browser test (tests/test_report.py).
# Idempotent: does nothing, silently, when `chromium` is already on PATH.
# Needs root (or sudo): the CI machines and dev containers run as root.
set -euo pipefail

if command -v chromium >/dev/null 2>&1; then
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi

export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# Recommended packages are kept on purpose: they bring the fonts the screenshot needs.
$SUDO apt-get install -y -qq chromium >/dev/null

if ! command -v chromium >/dev/null 2>&1; then
    echo "ensure_chromium: apt-get finished but 'chromium' is still not on PATH" >&2
    exit 1
fi
echo "ensure_chromium: installed $(chromium --version 2>/dev/null || echo chromium)"
