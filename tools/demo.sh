#!/usr/bin/env bash
# The quickstart, end to end, against the simulator (`make demo` runs this after the build).
#
#   tools/demo.sh TERRAFORM PROVIDER_BIN SIM_BIN
#
# 1. starts crosscluster-sim (default fixture) in a temporary directory and waits for its ready
#    file; 2. writes terraform.tfvars.json from it and a CLI configuration whose dev_overrides
#    point at PROVIDER_BIN (TF_CLI_CONFIG_FILE: the user's ~/.terraformrc is never read or
#    written); 3. init + apply of a copy of examples/quickstart; 4. prints the alias table and
#    local's _remote/info; 5. a second plan must have no changes; 6. destroy; 7. the simulator's
#    state must be as before the apply (see `footprint` below); 8. stops the simulator (also on
#    failure). Exits 0 only when every alias connected and destroy restored the fixture.
#
# Environment: DEMO_KEEP=1 keeps the temporary directory; DEMO_PLAN_MS (default 200) is the
# simulated Cloud plan duration.

set -euo pipefail

TERRAFORM=$(realpath "$1")
PROVIDER_BIN=$(realpath "$2")
SIM_BIN=$(realpath "$3")
ROOT=$(cd "$(dirname "$0")/.." && pwd)
PLAN_MS=${DEMO_PLAN_MS:-200}

if [[ -t 1 ]]; then BOLD=$'\033[1m' RED=$'\033[31m' GREEN=$'\033[32m' PLAIN=$'\033[0m'; else BOLD="" RED="" GREEN="" PLAIN=""; fi
step_no=0
step() {
    step_no=$((step_no + 1))
    printf '\n%s==> [%d] %s%s\n' "$BOLD" "$step_no" "$*" "$PLAIN"
}
info() { printf '    %s\n' "$*"; }
fail() {
    printf '\n%sDEMO FAILED: %s%s\n' "$RED" "$*" "$PLAIN" >&2
    exit 1
}
# The lines of an apply or destroy worth showing.
progress() { grep -E ': (Creating|Creation complete|Modifying|Modifications complete|Destroying|Destruction complete|Still)|complete! Resources|Error' | sed 's/^/    /' || true; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/crosscluster-demo.XXXXXX")
SIM_PID=""
cleanup() {
    local rc=$?
    trap - EXIT PIPE
    # Stop the simulator first (the output may be a closed pipe: print afterwards).
    if [[ -n "$SIM_PID" ]] && kill -0 "$SIM_PID" 2>/dev/null; then
        kill -TERM "$SIM_PID" 2>/dev/null || true
        wait "$SIM_PID" 2>/dev/null || true
        echo "    stopped the simulator (pid $SIM_PID)" 2>/dev/null || true
    fi
    if [[ "${DEMO_KEEP:-0}" == 1 || $rc -ne 0 ]]; then
        echo "    working files kept in $WORK (terraform.tfvars.json holds the simulator's keys)" 2>/dev/null || true
    else
        rm -rf "$WORK"
    fi
    exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM HUP
trap 'exit 141' PIPE

started=$(date +%s.%N)

# Only what this script sets reaches Terraform and the provider.
unset TF_LOG TF_LOG_PROVIDER TF_LOG_PATH TF_CLI_ARGS TF_CLI_ARGS_plan TF_CLI_ARGS_apply \
    EC_ENDPOINT EC_HOST EC_API_KEY EC_USERNAME EC_PASSWORD EC_INSECURE \
    ELASTICSEARCH_ENDPOINTS ELASTICSEARCH_USERNAME ELASTICSEARCH_PASSWORD \
    ELASTICSEARCH_API_KEY ELASTICSEARCH_BEARER_TOKEN ELASTICSEARCH_CA_FILE ELASTICSEARCH_INSECURE
export TF_IN_AUTOMATION=1 TF_INPUT=0 CHECKPOINT_DISABLE=1
# The simulator's plans take PLAN_MS: poll them more often than the default 2s.
export CROSSCLUSTER_PLAN_POLL_INTERVAL=100ms

# ---------------------------------------------------------------------------------------------
step "Starting the simulator (default fixture: organization 1 with local 9.1.0, old-local 8.12.2, legacy 7.5.2, legacy-remote 7.17.25; organization 2 with remote 9.1.0)"
READY="$WORK/sim/ready.json"
mkdir -p "$WORK/sim"
"$SIM_BIN" --ready-file "$READY" --plan-ms "$PLAN_MS" >"$WORK/sim/stdout.log" 2>"$WORK/sim/stderr.log" &
SIM_PID=$!
for _ in $(seq 1 200); do
    [[ -s "$READY" ]] && break
    kill -0 "$SIM_PID" 2>/dev/null || fail "the simulator exited: $(cat "$WORK/sim/stderr.log")"
    sleep 0.05
done
[[ -s "$READY" ]] || fail "no ready file after 10s"
CLOUD_URL=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["cloud_url"])' "$READY")
info "pid $SIM_PID, Cloud API at $CLOUD_URL, ready file $READY"

# Small helpers on the ready file (passwords and keys stay in files, never on the screen).
sim_json() { # GET a path of the control API as JSON
    python3 - "$CLOUD_URL$1" <<'EOF'
import json, sys, urllib.request
print(json.dumps(json.load(urllib.request.urlopen(sys.argv[1]))))
EOF
}

# What the quickstart may change, per deployment, from /_sim/state. Left out: fields that move
# with every write (resource_version, plan_attempts, pending_plan), the API keys (destroy
# invalidates the cross-cluster key but Elasticsearch keeps listing it), and the keystore: the
# sealed delivery of crosscluster_api_key leaves cluster.remote.<alias>.credentials in local's
# keystore on destroy (documented: a newer key may already be there), so that one entry is
# reported, not compared.
footprint() {
    python3 - "$1" "$2" <<'EOF'
import json, sys
state = json.load(open(sys.argv[1]))
deps = state["deployments"]
if isinstance(deps, list):
    deps = {d["id"]: d for d in deps}
left = sys.argv[2]
out = {}
for dep_id, d in sorted(deps.items()):
    d = dict(d)
    for volatile in ("resource_version", "plan_attempts", "pending_plan", "api_keys"):
        d.pop(volatile, None)
    for k in ("keystore", "keystore_keys", "loaded_keystore_keys"):
        if isinstance(d.get(k), list):
            d[k] = sorted(x for x in d[k] if x != left)
        elif isinstance(d.get(k), dict):
            d[k] = {x: v for x, v in d[k].items() if x != left}
    out[d.get("name", dep_id)] = d
print(json.dumps(out, indent=1, sort_keys=True))
EOF
}

# ---------------------------------------------------------------------------------------------
step "Writing terraform.tfvars.json from the ready file and a CLI configuration with dev_overrides"
QS="$WORK/quickstart"
mkdir -p "$QS" "$WORK/modules"
cp "$ROOT"/examples/quickstart/*.tf "$QS/"
cp -r "$ROOT"/examples/modules/. "$WORK/modules/"
python3 - "$READY" "$QS/terraform.tfvars.json" <<'EOF'
import json, os, sys
ready = json.load(open(sys.argv[1]))
by_name = {d["name"]: dict(d, id=i) for i, d in ready["deployments"].items()}
def org_key(name):
    return ready["organizations"][by_name[name]["organization_id"]]["api_key"]
tfvars = {
    "cloud_url": ready["cloud_url"],
    "local_org_api_key": org_key("local"),
    "remote_org_api_key": org_key("remote"),
    "deployment_ids": {
        "local": by_name["local"]["id"],
        "remote": by_name["remote"]["id"],
        "legacy": by_name["legacy"]["id"],
        "legacy_remote": by_name["legacy-remote"]["id"],
    },
    "es_urls": {n: by_name[n]["es_url"] for n in ("local", "remote", "legacy")},
    "es_username": by_name["local"]["username"],
    "es_passwords": {n: by_name[n]["password"] for n in ("local", "remote", "legacy")},
    "connection_timeout": "30s",
}
fd = os.open(sys.argv[2], os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
with os.fdopen(fd, "w") as f:
    json.dump(tfvars, f, indent=2)
for n in ("local", "remote", "legacy", "legacy-remote"):
    d = by_name[n]
    print(f"    {n:<14} {d['id']}  {d['version']:<8} organization {d['organization_id']}")
EOF
export TF_CLI_CONFIG_FILE="$WORK/terraformrc"
cat >"$TF_CLI_CONFIG_FILE" <<EOF
provider_installation {
  dev_overrides {
    "registry.terraform.io/crosscluster/crosscluster" = "$(dirname "$PROVIDER_BIN")"
  }
  direct {}
}
EOF
info "TF_CLI_CONFIG_FILE=$TF_CLI_CONFIG_FILE (provider from $(dirname "$PROVIDER_BIN"))"
info "working copy of the quickstart: $QS (secrets only in terraform.tfvars.json, mode 600)"

tf() { "$TERRAFORM" -chdir="$QS" "$@"; }

sim_json /_sim/state >"$WORK/state-before.json"

# ---------------------------------------------------------------------------------------------
step "terraform init (installs the local modules; the provider comes from dev_overrides)"
tf init -input=false -no-color >"$WORK/init.log" 2>&1 || { cat "$WORK/init.log"; fail "terraform init"; }
info "ok"

# ---------------------------------------------------------------------------------------------
step "terraform apply: API-key model local -> remote, certificate model remote <-> local, legacy 7.5 sniff alias"
apply_started=$(date +%s.%N)
set +e
tf apply -input=false -no-color -auto-approve 2>&1 | tee "$WORK/apply.log" | progress
code=${PIPESTATUS[0]}
set -e
[[ $code -eq 0 ]] || { cat "$WORK/apply.log"; fail "terraform apply"; }
info "apply took $(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}s')" "$apply_started" "$(date +%s.%N)")"

# ---------------------------------------------------------------------------------------------
step "Every alias and its connected status (terraform output alias_table)"
tf output -raw alias_table | sed 's/^/    /'
echo
tf output -json connected >"$WORK/connected.json"
not_connected=$(python3 -c 'import json,sys; print(" ".join(k for k, v in json.load(open(sys.argv[1])).items() if v is not True))' "$WORK/connected.json")
count=$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))))' "$WORK/connected.json")
[[ -z "$not_connected" ]] || fail "not connected: $not_connected"
info "all $count aliases connected"

# ---------------------------------------------------------------------------------------------
step "GET _remote/info on local (as the elastic user; the password comes from the ready file and is not shown)"
python3 - "$READY" <<'EOF'
import base64, json, sys, urllib.request
ready = json.load(open(sys.argv[1]))
d = next(d for d in ready["deployments"].values() if d["name"] == "local")
auth = base64.b64encode(f"{d['username']}:{d['password']}".encode()).decode()
req = urllib.request.Request(d["es_url"] + "/_remote/info", headers={"Authorization": "Basic " + auth})
info = json.load(urllib.request.urlopen(req))
for line in json.dumps(info, indent=2, sort_keys=True).splitlines():
    print("    " + line)
EOF

# ---------------------------------------------------------------------------------------------
step "terraform plan -detailed-exitcode: a second plan must have no changes"
set +e
tf plan -input=false -no-color -detailed-exitcode >"$WORK/plan.log" 2>&1
code=$?
set -e
case $code in
0) info "$(grep -E 'No changes' "$WORK/plan.log" | head -n1)" ;;
2) cat "$WORK/plan.log"; fail "the second plan has changes" ;;
*) cat "$WORK/plan.log"; fail "terraform plan failed" ;;
esac

# ---------------------------------------------------------------------------------------------
step "terraform destroy"
set +e
tf destroy -input=false -no-color -auto-approve 2>&1 | tee "$WORK/destroy.log" | progress
code=${PIPESTATUS[0]}
set -e
[[ $code -eq 0 ]] || { cat "$WORK/destroy.log"; fail "terraform destroy"; }

# ---------------------------------------------------------------------------------------------
step "Comparing the simulator's /_sim/state before the apply and after the destroy"
sim_json /_sim/state >"$WORK/state-after.json"
SEALED="cluster.remote.remote_api_key.credentials"
footprint "$WORK/state-before.json" "" >"$WORK/footprint-before.json"
footprint "$WORK/state-after.json" "" >"$WORK/footprint-after.json"
if ! diff -u "$WORK/footprint-before.json" "$WORK/footprint-after.json" >"$WORK/footprint.diff"; then
    sed 's/^/    /' "$WORK/footprint.diff"
    fail "destroy did not leave the fixture as it found it"
fi
python3 - "$WORK/state-before.json" "$WORK/state-after.json" "$SEALED" <<'EOF' || fail "an API key or keystore entry created by the apply is still there"
import json, sys
def deployments(path):
    deps = json.load(open(path))["deployments"]
    return list(deps.values()) if isinstance(deps, dict) else deps
before = {k["id"] for d in deployments(sys.argv[1]) for k in d.get("api_keys", [])}
valid = 0
for d in deployments(sys.argv[2]):
    for k in d.get("api_keys", []):
        if k["id"] in before:
            continue
        print(f"    {d['name']}: API key {k['name']!r} ({k.get('type')}) invalidated={k.get('invalidated')}")
        valid += k.get("invalidated") is not True
    for k in ("keystore_keys", "keystore"):
        if sys.argv[3] in (d.get(k) or []):
            print(f"    {d['name']}: keystore entry {sys.argv[3]} left in place")
            valid += 1
            break
sys.exit(1 if valid else 0)
EOF
info "trust, keystores, cluster settings, roles and connections of every deployment are as before"

elapsed=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$started" "$(date +%s.%N)")
printf '\n%sDEMO OK: %s aliases connected, no changes on the second plan, destroy restored the fixture (%ss after the build)%s\n' "$GREEN" "$count" "$elapsed" "$PLAIN"
