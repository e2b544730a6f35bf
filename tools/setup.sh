#!/usr/bin/env bash
# One-command set-up on Debian (`npm run setup`): the Debian packages the tests, the demo and the benchmarks need,
# then `npm ci` and the build. As root it installs the missing packages with apt-get; otherwise it prints the
# apt-get line to run and stops (`--skip-system` goes on without them: the tests that need them fail or skip).
# `--check` only reports what is missing. It runs before node_modules exists, so it uses bash, node/npm and the
# system's own tools, nothing from npm.
# Usage: tools/setup.sh [--check | --skip-system]
set -euo pipefail
cd "$(dirname "$0")/.."

mode=install
case "${1:-}" in
  '') ;;
  --check) mode=check ;;
  --skip-system) mode=skip-system ;;
  *)
    echo "tools/setup.sh: unknown option '$1'; expected --check, --skip-system or nothing." >&2
    exit 2
    ;;
esac

# The Python the training bridge and the bench use by default (Debian's, where torch is installed).
python=/usr/bin/python3
python_has() { [ -x "$python" ] && "$python" -c "import $1" >/dev/null 2>&1; }

# Whether a Debian package is present, checked by what the project uses from it rather than by dpkg, so a
# chromium or a Python module that came from elsewhere counts too.
package_present() {
  case "$1" in
    # The browser tests: tests/e2e/chromium.ts takes $MIA_CHROMIUM, chromium or chromium-browser.
    chromium) [ -n "${MIA_CHROMIUM:-}" ] || command -v chromium >/dev/null 2>&1 || command -v chromium-browser >/dev/null 2>&1 ;;
    # The PDF report tests render pages with pdftoppm.
    poppler-utils) command -v pdftoppm >/dev/null 2>&1 ;;
    fonts-dejavu-core) [ -f /usr/share/fonts/truetype/dejavu/DejaVuSans.ttf ] ;;
    # The real Fashion-MNIST: the IDX import test and the 60,000-record memory benchmark skip without it.
    dataset-fashion-mnist) [ -d /usr/share/datasets/fashion-mnist ] ;;
    # PyTorch: the training-bridge tests skip without it; the bench's PyTorch side needs it with Pillow and SciPy
    # (the demo kit's model code imports scipy).
    python3-torch) python_has torch ;;
    python3-pil) python_has PIL ;;
    python3-scipy) python_has scipy ;;
    # torchvision: tools/preprocess-reference/ regenerates the preprocessing parity fixture with it.
    python3-torchvision) python_has torchvision ;;
    # The Slurm tests start a one-node cluster (tools/slurm/start-cluster.sh): its daemons live in /usr/sbin, which
    # is not on every user's PATH.
    slurm-wlm) { command -v slurmctld >/dev/null 2>&1 || [ -x /usr/sbin/slurmctld ]; } && command -v sbatch >/dev/null 2>&1 ;;
    munge) command -v munged >/dev/null 2>&1 || [ -x /usr/sbin/munged ] ;;
    *) return 1 ;;
  esac
}

needed=(chromium poppler-utils fonts-dejavu-core dataset-fashion-mnist python3-torch python3-pil python3-scipy python3-torchvision slurm-wlm munge)
# Only for testing this script: names counted as missing whatever is installed (tests/integration/setup-script.test.ts).
read -r -a forced <<<"${MIA_SETUP_ASSUME_MISSING:-}"

missing=()
for package in "${needed[@]}"; do
  package_present "$package" || missing+=("$package")
done
missing+=("${forced[@]}")

if [ ${#missing[@]} -eq 0 ]; then
  echo "Debian packages: all present (${needed[*]})."
elif [ "$mode" = check ]; then
  echo "Debian packages missing: ${missing[*]}"
  echo "Install them with: sudo apt-get install -y ${missing[*]}"
  exit 1
elif [ "$mode" = skip-system ]; then
  echo "Debian packages missing, left out (--skip-system): ${missing[*]}"
elif [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian packages: ${missing[*]}"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq "${missing[@]}" >/dev/null
else
  echo "Debian packages missing: ${missing[*]}" >&2
  echo "Install them as root, then run npm run setup again:" >&2
  echo "  sudo apt-get install -y ${missing[*]}" >&2
  echo "(or run npm run setup -- --skip-system to go on without them)" >&2
  exit 1
fi
[ "$mode" = check ] && exit 0

node --version
npm --version
npm ci --no-audit --no-fund
npm run build
