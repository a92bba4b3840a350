#!/bin/sh
# capture.sh: replays every bundled malloc-lab trace on this machine's glibc and writes the
# fixtures the fidelity test (PtmallocFidelityTest) compares pagelab's ptmalloc model with.
#
#   mm-userspace/src/test/c/capture.sh [--force]
#
# Each trace runs under `setarch x86_64 -R` (no ASLR: same layout every run) and `env -i` (no
# MALLOC_*/GLIBC_TUNABLES from the caller's environment). The fixtures pin glibc 2.36; on any
# other version the script stops unless --force is given (then the fixtures would describe that
# glibc, and the model, which follows 2.36, would be expected to differ).
# CI does not run this: the fixtures are committed, so no compiler is needed there.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
module=$(cd "$here/../../.." && pwd)
traces="$module/src/main/resources/io/pagelab/userspace/malloclab/traces"
fixtures="$module/src/test/resources/io/pagelab/userspace/malloclab/fixtures"
want=2.36

glibc=$(ldd --version | head -n 1)
version=$(printf '%s\n' "$glibc" | awk '{print $NF}')
if [ "$version" != "$want" ] && [ "${1:-}" != "--force" ]; then
    echo "capture.sh: this machine has glibc $version, the fixtures pin $want (use --force to capture anyway)" >&2
    exit 1
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
gcc -O2 -Wall -Werror -o "$work/replay" "$here/replay.c"
compiler=$(gcc --version | head -n 1)
mkdir -p "$fixtures"
cd "$traces"
for rep in *.rep; do
    name=${rep%.rep}
    setarch x86_64 -R env -i "$work/replay" "$rep" > "$work/$name.1"
    setarch x86_64 -R env -i "$work/replay" "$rep" > "$work/$name.2"
    if ! cmp -s "$work/$name.1" "$work/$name.2"; then
        echo "capture.sh: two runs of $rep differ; is ASLR really off?" >&2
        exit 1
    fi
    {
        echo "# glibc $version malloc offsets of $rep, written by mm-userspace/src/test/c/capture.sh"
        echo "# ldd --version: $glibc"
        echo "# compiler: $compiler (gcc -O2 replay.c)"
        echo "# run: setarch x86_64 -R env -i ./replay $rep"
        cat "$work/$name.1"
    } > "$fixtures/$name.offsets"
    echo "$rep: $(wc -l < "$work/$name.1") lines -> $fixtures/$name.offsets"
done
