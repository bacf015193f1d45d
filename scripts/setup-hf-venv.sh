#!/usr/bin/env bash
# Creates target/hf-venv with the real huggingface_hub 2.x, for the differential tests
# (tests/differential.rs). Those tests say SKIPPED and pass when this venv is absent.
set -euo pipefail
cd "$(dirname "$0")/.."
venv=target/hf-venv
version="${HF_HUB_VERSION:-2.4.0}"
if [ -x "$venv/bin/python" ] && "$venv/bin/python" -c "import huggingface_hub as h; assert h.__version__ == '$version'" 2>/dev/null; then
  echo "hf-venv: huggingface_hub $version already present"
  exit 0
fi
command -v python3 >/dev/null || { echo "hf-venv: no python3; differential tests will be skipped"; exit 0; }
mkdir -p target
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet --disable-pip-version-check "huggingface_hub==$version"
"$venv/bin/python" -c "import huggingface_hub as h; print('hf-venv: huggingface_hub', h.__version__)"
