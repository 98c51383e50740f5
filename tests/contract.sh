#!/usr/bin/env bash
# Checks the request logs that the test runs recorded (target/contract-logs/{cloud,es}/*.jsonl)
# against the vendor contracts with ../shared/tools/check-contract.
# Usage: tests/contract.sh SHARED_DIR PYTHON
set -euo pipefail
shared="${1:-../shared}"
python="${2:-python3}"
logs="target/contract-logs"
if [ ! -x "$shared/tools/check-contract" ] && [ ! -f "$shared/tools/check-contract" ]; then
  echo "contract: $shared/tools/check-contract not found, skipping the contract check"
  exit 0
fi
status=0
# The Cloud contract: the shared subset plus the operations in specs/cloud-api.extra.json (specs/README.md).
merged="$logs/cloud-contract.json"
mkdir -p "$logs"
"$python" - "$shared/specs/cloud-api.subset.json" specs/cloud-api.extra.json "$merged" <<'PY'
import json, sys
base, extra = (json.load(open(f)) for f in sys.argv[1:3])
for path, item in extra["paths"].items():
    if path in base["paths"]:
        sys.exit("contract: %s is in both documents" % path)
    base["paths"][path] = item
for name, d in extra["definitions"].items():
    if base["definitions"].setdefault(name, d) != d:
        sys.exit("contract: definition %s differs between the documents" % name)
json.dump(base, open(sys.argv[3], "w"))
PY
for spec in cloud es; do
  files=$(ls "$logs/$spec"/*.jsonl 2>/dev/null || true)
  if [ -z "$files" ]; then
    echo "contract: no $spec request logs under $logs/$spec (no acceptance test called that API)"
    continue
  fi
  # shellcheck disable=SC2086
  if ! cat $files | "$python" "$shared/tools/check-contract" -q --spec "$spec" \
       $([ "$spec" = cloud ] && echo --spec-file "$merged") --requests - \
       > "$logs/$spec.report" 2>&1; then
    echo "contract: $spec problems:"
    head -n 40 "$logs/$spec.report"
    status=1
  else
    echo "contract: $spec: $(tail -n1 "$logs/$spec.report")"
  fi
done
exit $status
