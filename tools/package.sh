#!/usr/bin/env bash
# Packaging steps of `make install` and `make release` (also run by the acceptance tests with the
# debug binary).
#
#   tools/package.sh install BINARY VERSION
#       copies BINARY to the implied local mirror that `terraform init` searches:
#       $HOME/.terraform.d/plugins/registry.terraform.io/crosscluster/crosscluster/VERSION/OS_ARCH/
#           terraform-provider-crosscluster_vVERSION
#   tools/package.sh release BINARY VERSION DIST
#       writes the files the Terraform registry expects into DIST:
#         terraform-provider-crosscluster_VERSION_OS_ARCH.zip  (holds terraform-provider-crosscluster_vVERSION)
#         terraform-provider-crosscluster_VERSION_manifest.json  (terraform-registry-manifest.json)
#         terraform-provider-crosscluster_VERSION_SHA256SUMS  (of the zip and the manifest)
#         terraform-provider-crosscluster_VERSION_SHA256SUMS.sig  (only with a signing key, below)
#       The zip is made with `zip` when present, else with python3's zipfile
#       (PACKAGE_ZIP=python forces python3).
#       Signing: with GPG_FINGERPRINT (or GPG_KEY_ID) set, the sums file gets a detached binary
#       GPG signature (.sig) by that key, as the Terraform registry requires; GPG_PASSPHRASE, if
#       set, unlocks the key (read from the environment, never put on a command line), GNUPGHOME
#       chooses the keyring, GPG (default gpg) the program.
set -euo pipefail

NAME=terraform-provider-crosscluster
SOURCE=registry.terraform.io/crosscluster/crosscluster

die() { echo "package.sh: $*" >&2; exit 1; }

platform() {
    local os arch
    os=$(uname -s | tr '[:upper:]' '[:lower:]')
    case "$(uname -m)" in
        x86_64 | amd64) arch=amd64 ;;
        aarch64 | arm64) arch=arm64 ;;
        i386 | i686) arch=386 ;;
        *) arch=$(uname -m) ;;
    esac
    echo "${os}_${arch}"
}

cmd=${1:-}
bin=${2:-}
version=${3:-}
[[ -n "$cmd" && -n "$bin" && -n "$version" ]] || die "usage: $0 install|release BINARY VERSION [DIST]"
[[ -x "$bin" ]] || die "no executable at $bin (build it first)"
plat=$(platform)

case "$cmd" in
install)
    [[ -n "${HOME:-}" ]] || die "HOME is not set"
    dir="$HOME/.terraform.d/plugins/$SOURCE/$version/$plat"
    mkdir -p "$dir"
    install -m 0755 "$bin" "$dir/${NAME}_v$version"
    echo "installed $dir/${NAME}_v$version"
    echo "use it with: terraform { required_providers { crosscluster = { source = \"crosscluster/crosscluster\", version = \"$version\" } } }"
    ;;
release)
    dist=${4:-}
    [[ -n "$dist" ]] || die "usage: $0 release BINARY VERSION DIST"
    mkdir -p "$dist"
    dist=$(cd "$dist" && pwd)
    stage=$(mktemp -d)
    trap 'rm -rf "$stage"' EXIT
    exe="${NAME}_v$version"
    install -m 0755 "$bin" "$stage/$exe"
    zipname="${NAME}_${version}_${plat}.zip"
    rm -f "$dist/$zipname"
    if [[ "${PACKAGE_ZIP:-}" != python ]] && command -v zip >/dev/null 2>&1; then
        (cd "$stage" && zip -q -X "$dist/$zipname" "$exe")
    else
        command -v python3 >/dev/null 2>&1 || die "neither zip nor python3 is available"
        python3 - "$stage/$exe" "$exe" "$dist/$zipname" <<'PY'
import sys, zipfile
src, arcname, out = sys.argv[1:4]
with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
    info = zipfile.ZipInfo.from_file(src, arcname)
    info.compress_type = zipfile.ZIP_DEFLATED
    with open(src, "rb") as f:
        z.writestr(info, f.read())
PY
    fi
    manifest="${NAME}_${version}_manifest.json"
    root=$(cd "$(dirname "$0")/.." && pwd)
    [[ -f "$root/terraform-registry-manifest.json" ]] || die "no terraform-registry-manifest.json at $root"
    cp "$root/terraform-registry-manifest.json" "$dist/$manifest"
    sums="${NAME}_${version}_SHA256SUMS"
    (cd "$dist" && sha256sum "$zipname" "$manifest" >"$sums")
    rm -f "$dist/$sums.sig"
    echo "wrote $dist/$zipname"
    echo "wrote $dist/$manifest"
    echo "wrote $dist/$sums"
    key=${GPG_FINGERPRINT:-${GPG_KEY_ID:-}}
    if [[ -n "$key" ]]; then
        gpg=${GPG:-gpg}
        command -v "$gpg" >/dev/null 2>&1 || die "GPG_FINGERPRINT/GPG_KEY_ID is set but $gpg is not installed"
        args=(--batch --yes --local-user "$key" --detach-sign --output "$dist/$sums.sig")
        if [[ -n "${GPG_PASSPHRASE:-}" ]]; then
            args+=(--pinentry-mode loopback --passphrase-fd 0)
            printf '%s' "$GPG_PASSPHRASE" | "$gpg" "${args[@]}" "$dist/$sums" || die "gpg could not sign $sums with key $key"
        else
            "$gpg" "${args[@]}" "$dist/$sums" </dev/null || die "gpg could not sign $sums with key $key"
        fi
        echo "wrote $dist/$sums.sig (detached signature by $key)"
    else
        echo "not signed: set GPG_FINGERPRINT (or GPG_KEY_ID) to sign $sums"
    fi
    ;;
*)
    die "unknown command $cmd (install or release)"
    ;;
esac
