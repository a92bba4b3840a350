#!/bin/sh
# Q54 capture: compile arenas.c and run each scenario in a fresh process with ASLR off.
# Writes arenas.out next to this script. Needs gcc and glibc 2.36 on x86-64.
# "arenas1" runs the arena scenario pinned to one CPU (taskset -c 0): the Debian 2.36 build
# counts online CPUs (__get_nprocs), not the affinity mask, so the limit does not change.
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
gcc -O0 -Wall -pthread -o "$tmp/arenas" arenas.c
{
  echo "# glibc: $(ldd --version | head -n 1)"
  echo "# kernel: $(uname -srm)"
  echo "# cpus: $(nproc --all) online, ulimit -s $(ulimit -s)"
  setarch x86_64 -R "$tmp/arenas" heap
  setarch x86_64 -R "$tmp/arenas" heaps
  setarch x86_64 -R "$tmp/arenas" arenas 20
  setarch x86_64 -R taskset -c 0 "$tmp/arenas" arenas 20 | sed 's/^arenas\./arenas1./'
  setarch x86_64 -R "$tmp/arenas" arenatest
  setarch x86_64 -R "$tmp/arenas" arenamax
  setarch x86_64 -R "$tmp/arenas" exit
  setarch x86_64 -R "$tmp/arenas" tcache
} | sed 's#/tmp/tmp\.[A-Za-z0-9]*/#/tmp/#' > arenas.out
cat arenas.out
# The system calls behind the "heaps" scenario, from the first thread stack on, as strace prints
# them without the flags and fd arguments (what PtmallocArenas.VirtualMemory.calls() logs).
if command -v strace >/dev/null 2>&1; then
  setarch x86_64 -R strace -f -e trace=mmap,munmap,mprotect -o "$tmp/strace" "$tmp/arenas" heaps >/dev/null
  sed -e 's/^[0-9]* *//' -e '/exited with/d' -e 's/, MAP_[A-Z_|]*, -1, 0)/)/' -e 's/) *= 0$/)/' \
      -e 's/ \{2,\}/ /g' "$tmp/strace" | sed -n '/MAP_STACK\|8392704/,$p' > heaps.strace
  cat heaps.strace
fi
