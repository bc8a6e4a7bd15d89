#!/usr/bin/env bash
# Regenerate the fictional test reports: scripts/reports/src/*.md -> eval/reports/*.pdf + *.truth.json.
# Extra arguments go to make_reports.py (e.g. --only wonen, --keep-docx /tmp/docx).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
py="$root/.venv/bin/python"

if ! command -v soffice >/dev/null 2>&1; then
  echo "make-reports: LibreOffice is needed to turn the .docx files into PDF, but 'soffice' is not on PATH." >&2
  echo "make-reports: install it (Debian: apt-get install libreoffice-writer-nogui) and run this again." >&2
  exit 2
fi
if [ ! -x "$py" ]; then
  echo "make-reports: $py not found; run 'make dev' first." >&2
  exit 2
fi
if ! "$py" -c "import docx, pypdfium2" 2>/dev/null; then
  echo "make-reports: python-docx and pypdfium2 are needed in the venv; run 'make dev'." >&2
  exit 2
fi
if [ ! -e /usr/share/hyphen/hyph_nl_NL.dic ]; then
  echo "make-reports: warning: no Dutch hyphenation dictionary (apt-get install hyphen-nl);" \
    "the PDFs will have no hyphenated line ends." >&2
fi
if command -v fc-list >/dev/null 2>&1; then
  for font in "Liberation Sans" "Liberation Serif" "DejaVu Sans"; do
    if ! fc-list | grep -q "$font"; then
      echo "make-reports: warning: font '$font' is missing (fonts-liberation, fonts-dejavu-core);" \
        "LibreOffice will substitute another." >&2
    fi
  done
fi
exec "$py" "$here/make_reports.py" "$@"
