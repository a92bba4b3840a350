#!/usr/bin/env bash
# Re-capture the real /proc samples the q57, q58 and q59 graders compare with.
# Needs gcc and a Linux with CONFIG_NUMA and CONFIG_PROC_PAGE_MONITOR. Writes into this
# directory (q58/); the graders of q57 and q59 read the same files from here.
#   interview-q/src/test/resources/io/pagelab/questions/q58/capture.sh
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
work=/tmp/pagelab-capture
mkdir -p "$work"
gcc -O0 -Wall -o "$work/pagelab_capture" "$here/pagelab_capture.c"
# 8 pages of data, written back so that its page-cache pages are clean when mapped
head -c $((8 * 4096)) /dev/zero | tr '\0' 'p' > "$work/data.bin"
sync "$work/data.bin"
"$work/pagelab_capture" "$work/data.bin" "$here"
uname -r > "$here/kernel.txt"
echo "captured on $(uname -r) into $here"
