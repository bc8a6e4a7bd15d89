#!/usr/bin/env bash
# Installs what the browser and OCR tests need: Debian's Chromium and its chromedriver
# (selenium comes from the dev extras), and tesseract with the Dutch language data.
# Idempotent; never fails the build: without them those tests skip themselves.
set -u
missing=()
command -v chromium >/dev/null 2>&1 || missing+=(chromium)
command -v chromedriver >/dev/null 2>&1 || missing+=(chromium-driver)
command -v tesseract >/dev/null 2>&1 || missing+=(tesseract-ocr)
[ -e /usr/share/tesseract-ocr/5/tessdata/nld.traineddata ] \
  || ls /usr/share/tesseract-ocr/*/tessdata/nld.traineddata >/dev/null 2>&1 \
  || missing+=(tesseract-ocr-nld)
if [ "${#missing[@]}" -eq 0 ]; then exit 0; fi
if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
  (apt-get update -qq \
    && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
      "${missing[@]}" >/dev/null) \
    || echo "test-setup: could not install ${missing[*]}; the browser/OCR tests will be skipped"
else
  echo "test-setup: ${missing[*]} missing and cannot apt-get install (not root or no apt);" \
    "the browser and OCR tests will be skipped"
fi
exit 0
