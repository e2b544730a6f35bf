#!/usr/bin/env bash
# Regenerates everything under resources/demo/ (classifier, clip, diffusion, the folder targets,
# metric goldens, README). Needs Debian's python3 with python3-torch, python3-torchvision, python3-sklearn,
# python3-scipy, python3-numpy, python3-pil and the dataset-fashion-mnist package.
# Usage: tools/demo-kit/make_all.sh            (PYTHON=/path/to/python3 to override)
set -euo pipefail
cd "$(dirname "$0")"
PY="${PYTHON:-/usr/bin/python3}"
export OMP_WAIT_POLICY="${OMP_WAIT_POLICY:-PASSIVE}"
LOGDIR="${LOGDIR:-${TMPDIR:-/tmp}/mia-demo-kit-logs}"
mkdir -p "$LOGDIR"
run() {
  local name="$1"; shift
  echo "$(date +%H:%M:%S) start $name (log: $LOGDIR/$name.log)"
  nice -n 10 "$PY" "$@" > "$LOGDIR/$name.log" 2>&1 || { tail -20 "$LOGDIR/$name.log"; exit 1; }
  grep -v -i warning "$LOGDIR/$name.log" | tail -3
}
run metrics metrics_goldens.py
run classifier classifier.py
run label-only label_only_reference.py   # target_labels.onnx and goldens/label-only.json from classifier/target.onnx: after classifier
run qmia-goldens qmia_goldens.py   # phi and regressor goldens from classifier/goldens/parity.json: after classifier
run clip clip_family.py
run clip-combined clip_combined.py   # trains on clip/manifest.csv's members: after clip
run clip-bpe-parity clip_bpe_reference.py   # tests/fixtures/clip-bpe-parity.json from clip-combined/tokenizer.json
run diffusion diffusion.py
run hf-classifier hf_classifier.py   # trains on classifier/manifest.csv's members: after classifier
run latent-diffusion latent_pipeline.py   # copies records from clip/manifest.csv: after clip
run dit dit.py   # copies records from diffusion/manifest.csv and reuses the cached VAE: after diffusion, latent-diffusion
run suspect-sets suspect_sets.py   # draws from clip/ and diffusion/ manifests: after both
run readme make_readme.py
echo "resources/demo: $(du -s --apparent-size --block-size=1K ../../resources/demo | cut -f1) KiB (apparent), $(du -sh ../../resources/demo | cut -f1) on disk"
