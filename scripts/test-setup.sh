#!/usr/bin/env bash
# Installs what the browser test needs (Debian's Chromium); the test skips itself without it.
set -u
if command -v chromium >/dev/null 2>&1; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
    || echo "test-setup: could not install chromium; the browser test will be skipped"
else
  echo "test-setup: chromium missing and not root; the browser test will be skipped"
fi
exit 0
