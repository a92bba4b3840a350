#!/bin/sh
# Capture the real-kernel transcripts of the proc-script scenarios (pagelab issue 6, maps fidelity).
# Compiles procscript.c to a fixed path (so the binary's own maps lines are stable), runs every
# mm-kernel/src/test/resources/io/pagelab/kernel/mm/scenarios/*.ps with ASLR off and an empty
# environment, and writes NAME.transcript next to it: a header of '#' lines (kernel, glibc,
# command), then the transcript exactly as procscript printed it. Lines starting with '#' never
# occur in a transcript itself, so a reader drops the leading '#' lines and diffs the rest.
#
# Usage: capture-maps.sh [NAME...]   (no NAME: every scenario; NAME: only NAME.ps)
# The binary is replaced only when its bytes change, so re-capturing with an unchanged
# procscript.c keeps its inode, and the transcripts captured before stay byte for byte the same.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dir="$here/../resources/io/pagelab/kernel/mm/scenarios"
bindir=/tmp/pagelab-procscript
mkdir -p "$bindir"
cc -O1 -Wall -Werror -o "$bindir/procscript.new" "$here/procscript.c"
if cmp -s "$bindir/procscript.new" "$bindir/procscript"; then
    rm -f "$bindir/procscript.new"
else
    mv "$bindir/procscript.new" "$bindir/procscript"
fi
if [ $# -eq 0 ]; then
    set -- $(cd "$dir" && ls *.ps | sed 's/\.ps$//')
fi
for name in "$@"; do
    [ -f "$dir/$name.ps" ] || { echo "no scenario $dir/$name.ps" >&2; exit 2; }
    {
        echo "# kernel: $(uname -r) $(uname -m)"
        echo "# glibc: $(ldd --version | head -1 | sed 's/.* //')"
        echo "# command: setarch x86_64 -R env -i $bindir/procscript $name.ps"
        (cd "$dir" && setarch x86_64 -R env -i "$bindir/procscript" "$name.ps")
    } > "$dir/$name.transcript"
    echo "wrote $dir/$name.transcript"
done
