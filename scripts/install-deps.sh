#!/bin/sh
# SPDX-License-Identifier: LGPL-2.1-or-later
# Install, with apt-get, the Debian packages scprof needs to build and test that are missing.
set -eu

pkgs="gcc make pkg-config meson ninja-build libseccomp-dev libyaml-dev zlib1g-dev libcmocka-dev
bats clang clang-format libclang-rt-14-dev gcc-multilib python3 strace seccomp runc busybox-static
libbpf-dev bpftool auditd
libcurl4-openssl-dev libssl-dev docker-registry skopeo apache2-utils openssl curl
sqlite3 git perl xz-utils gzip tar procps util-linux time bc"

missing=""
for p in $pkgs; do
	if ! dpkg-query -W -f '${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
		missing="$missing $p"
	fi
done
[ -z "$missing" ] && exit 0

echo "installing:$missing"
if [ "$(id -u)" -ne 0 ]; then
	SUDO=sudo
else
	SUDO=
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
