#!/usr/bin/env bash
# Build guildhall's image and run its `test` target (the smoke test) on a machine with no
# container daemon and no registry image: a local Debian base made with debootstrap from
# the machine's apt mirror, imported into podman (kept between runs), then
# `podman build --isolation=chroot`. Usage: deploy/build-image.sh [TARGET] (default test;
# the runtime image is tagged guildhall:local as well). Prints the time and image size.
set -euo pipefail
cd "$(dirname "$0")/.."
start=$(date +%s)
target=${1:-test}
suite=${GUILDHALL_BASE_SUITE:-bookworm}
base=${GUILDHALL_BASE_IMAGE:-localhost/guildhall-base:$suite}

sudo_() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi; }

if ! command -v podman >/dev/null || ! command -v debootstrap >/dev/null; then
  echo "installing podman and debootstrap"
  sudo_ apt-get update -qq
  sudo_ env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq podman debootstrap >/dev/null
fi

# The first Debian mirror apt is configured with (deb822 .sources or sources.list).
apt_mirror() {
  local uri
  uri=$(grep -hs '^URIs:' /etc/apt/sources.list.d/*.sources | awk '{print $2}' \
        | grep -v -- '-security' | head -1 || true)
  if [ -z "$uri" ]; then
    uri=$(grep -hs '^deb ' /etc/apt/sources.list /etc/apt/sources.list.d/*.list \
          | awk '{print $2}' | grep -i debian | grep -v -- '-security' | head -1 || true)
  fi
  echo "${uri:-http://deb.debian.org/debian}"
}

if podman image exists "$base"; then
  echo "base image $base: cached"
else
  mirror=$(apt_mirror)
  rootfs=$(mktemp -d /var/tmp/guildhall-base.XXXXXX)
  trap 'sudo_ rm -rf "$rootfs"' EXIT
  echo "debootstrap $suite from $mirror"
  sudo_ debootstrap --variant=minbase --include=python3,python3-venv,ca-certificates \
    "$suite" "$rootfs" "$mirror" >/dev/null
  sudo_ rm -rf "$rootfs"/var/cache/apt/archives/*.deb "$rootfs"/var/lib/apt/lists/* \
    "$rootfs"/var/cache/apt/*.bin
  sudo_ tar -C "$rootfs" -c . | podman import --change 'CMD ["/bin/bash"]' - "$base" >/dev/null
  echo "base image $base imported"
fi

# A machine whose pip trusts its own CA bundle lends it to pip inside the build.
bundle_args=()
bundle=$(python3 -m pip config get global.cert 2>/dev/null || true)
bundle=${PIP_CERT:-$bundle}
if [ -n "$bundle" ] && [ -f "$bundle" ]; then
  bundle_args=(-v "$bundle:/host-ca.crt:ro" --build-arg PIP_CA_BUNDLE=/host-ca.crt)
fi

build() {
  podman build --isolation=chroot --format docker --build-arg BASE_IMAGE="$base" \
    "${bundle_args[@]}" \
    --target "$1" -t "guildhall:$2" -f deploy/Containerfile .
}
build runtime local
if [ "$target" != runtime ]; then build "$target" "$target"; fi
size=$(podman image inspect guildhall:local --format '{{.Size}}')
echo "image guildhall:local: $((size / 1024 / 1024)) MiB; built in $(( $(date +%s) - start )) s"
