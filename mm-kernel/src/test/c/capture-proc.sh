#!/bin/sh
# Capture real /proc samples for the procfs renderer tests (pagelab issue 6).
# Compiles proc_samples.c, runs it with ASLR off and an empty environment, and writes the
# snapshots to mm-kernel/src/test/resources/io/pagelab/kernel/procfs/samples/.
# Re-run only on purpose: the tests' hand-derived numbers describe these exact captures.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../resources/io/pagelab/kernel/procfs/samples"
bindir=/tmp/pagelab-proc-samples            # fixed path: the binary's own smaps lines stay stable
bin="$bindir/proc_samples"
mkdir -p "$out" "$bindir"
cc -O1 -Wall -Werror -o "$bin" "$here/proc_samples.c"
setarch x86_64 -R env -i "$bin" "$out"
{
    echo "kernel: $(uname -r) $(uname -m)"
    echo "glibc: $(ldd --version | head -1 | sed 's/.* //')"
    echo "command: setarch x86_64 -R env -i proc_samples <this directory>"
    echo "transparent_hugepage: $(cat /sys/kernel/mm/transparent_hugepage/enabled)"
} > "$out/ENVIRONMENT.txt"
echo "wrote $out"
