#!/bin/sh
# Q55 capture: compile brk_mmap.c and run each scenario in a fresh process with ASLR off.
# Writes brk_mmap.out next to this script. Needs gcc and glibc 2.36 on x86-64.
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
gcc -O0 -Wall -o "$tmp/brk_mmap" brk_mmap.c
{
  echo "# glibc: $(ldd --version | head -n 1)"
  echo "# kernel: $(uname -srm)"
  echo "# cpus: $(nproc)"
  for s in fresh big trim notrim nodyn max nommap edge32m; do
    setarch x86_64 -R "$tmp/brk_mmap" "$s"
  done
} > brk_mmap.out
cat brk_mmap.out
