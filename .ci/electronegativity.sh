#!/usr/bin/env bash
# Static review of the Electron app with Doyensec's Electronegativity: scans main, preload and renderer sources
# together (its "global" checks, such as navigation limits, only see the whole app at once) and fails on any
# HIGH or CRITICAL finding. LOW/MEDIUM findings are printed for review; docs/SECURITY.md says what each one means.
# Usage: .ci/electronegativity.sh [report.csv]   (needs the npm registry once; the scan itself runs offline)
set -euo pipefail
cd "$(dirname "$0")/.."

version=1.10.3
report=${1:-}
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT

# A staged copy: scanning the repository root would walk node_modules, and the tool reads the Electron version
# from package.json.
cp -r src-main src-preload src-shared src-renderer package.json "$stage"/
npx -y "@doyensec/electronegativity@${version}" -i "$stage" -r -o "$stage/report.csv" >"$stage/log.txt" 2>&1 || {
  cat "$stage/log.txt"
  echo "electronegativity: the scan itself failed" >&2
  exit 2
}
[ -n "$report" ] && cp "$stage/report.csv" "$report"

# Columns: issue, severity, confidence, filename, location, sample, description, url. The first two never hold
# commas, so splitting on commas is safe for them.
findings=$(tail -n +2 "$stage/report.csv" | wc -l)
blocking=$(tail -n +2 "$stage/report.csv" | awk -F',' '$2 ~ /"(HIGH|CRITICAL)"/' || true)
echo "electronegativity ${version}: ${findings} finding(s)"
tail -n +2 "$stage/report.csv" | awk -F',' '{ printf "  %-10s %-36s %s %s\n", $2, $1, $4, $5 }'
if [ -n "$blocking" ]; then
  echo "electronegativity: HIGH or CRITICAL findings (see above); fix them or document why they do not apply." >&2
  exit 1
fi
