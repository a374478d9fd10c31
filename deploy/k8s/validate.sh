#!/usr/bin/env bash
# Checks the manifests in this folder against the Kubernetes API schemas with kubernetes-validate
# (PyPI), installed into a throw-away virtualenv. Run from anywhere: bash deploy/k8s/validate.sh
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
venv=$(mktemp -d "${TMPDIR:-/tmp}/k8s-validate.XXXXXX")
trap 'rm -rf "$venv"' EXIT
python3 -m venv "$venv"
"$venv/bin/pip" install --quiet kubernetes-validate
"$venv/bin/kubernetes-validate" --strict "$here"/*.yaml
