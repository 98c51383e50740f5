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
for spec in cloud es; do
  files=$(ls "$logs/$spec"/*.jsonl 2>/dev/null || true)
  if [ -z "$files" ]; then
    echo "contract: no $spec request logs under $logs/$spec (no acceptance test called that API)"
    continue
  fi
  # shellcheck disable=SC2086
  if ! cat $files | "$python" "$shared/tools/check-contract" -q --spec "$spec" --requests - \
       > "$logs/$spec.report" 2>&1; then
    echo "contract: $spec problems:"
    head -n 40 "$logs/$spec.report"
    status=1
  else
    echo "contract: $spec: $(tail -n1 "$logs/$spec.report")"
  fi
done
exit $status
