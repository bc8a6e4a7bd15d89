#!/usr/bin/env bash
# Installs what the browser test needs: Debian's Chromium and its chromedriver (selenium comes
# from the dev extras). Idempotent; never fails the build: without them the test skips itself.
set -u
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
if [ "${#missing[@]}" -eq 0 ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  (apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
      "${missing[@]}" >/dev/null) \
    || echo "test-setup: could not install ${missing[*]}; the browser test will be skipped"
else
  echo "test-setup: ${missing[*]} missing and cannot apt-get install (not root or no apt);" \
    "the browser test will be skipped"
fi
exit 0
