#!/usr/bin/env sh
# Runs the simulator's contract scenario, dumps its request log as JSONL and checks it with
# ../shared/tools/check-contract (--spec cloud and --spec es). Called by `make test`.
# PYTHON: a Python with the `jsonschema` package (default: .venv/bin/python of the repo).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
tool="$repo/../shared/tools/check-contract"
if [ ! -f "$tool" ]; then
    echo "check-contract: ../shared not found, skipping the simulator contract check"
    exit 0
fi
py=${PYTHON:-$repo/.venv/bin/python}
if ! "$py" -c 'import jsonschema' 2>/dev/null; then
    echo "check-contract: $py has no jsonschema (pip install jsonschema into the venv)" >&2
    exit 2
fi
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
cd "$repo"
SIM_CONTRACT_DIR="$out" CHECK_CONTRACT_PYTHON="$py" \
    cargo test -q -p crosscluster-sim --test contract >/dev/null
"$py" "$tool" --spec cloud -q --requests "$out/sim-requests-cloud.jsonl"
"$py" "$tool" --spec es -q --requests "$out/sim-requests-es.jsonl"
