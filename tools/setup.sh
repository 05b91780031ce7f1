#!/usr/bin/env bash
# Installs the Debian packages ws2sim builds with, only those that are missing.
# Runs as root on a fresh Debian 12 machine (apt-get update once, then one install).
set -euo pipefail

packages=(
  cmake ninja-build g++ ccache pkg-config git
  libabsl-dev libprotobuf-dev protobuf-compiler
  libgtest-dev libgmock-dev libbenchmark-dev
  libboost-context-dev
  libimgui-dev libglfw3-dev libgl1-mesa-dev libgl1-mesa-dri libpng-dev xvfb xauth
  clang libclang-rt-14-dev lld
)

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  exit 0
fi

echo "setup: installing ${missing[*]}"
sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi
"${sudo_cmd[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
