#!/bin/sh
# capture.sh: compiles new_delete.cpp with this machine's g++ (x86-64, Itanium C++ ABI) and writes
# the fixture CxxHeapTest checks pagelab's new/delete model against:
#   mm-userspace/src/test/resources/io/pagelab/userspace/cxx/new-delete.g++.txt
# CI does not run this: the fixture is committed, so no compiler is needed there.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
module=$(cd "$here/../../.." && pwd)
out="$module/src/test/resources/io/pagelab/userspace/cxx/new-delete.g++.txt"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
[ "$(uname -m)" = x86_64 ] || { echo "capture.sh: needs x86-64 (the fixture is the x86-64 Itanium ABI)" >&2; exit 1; }
g++ -std=c++17 -O0 -Wall -Werror -o "$work/new_delete" "$here/new_delete.cpp"
mkdir -p "$(dirname "$out")"
{
    echo "# $(g++ --version | head -n 1), $(uname -m); produced by src/test/cxx/capture.sh"
    "$work/new_delete"
} > "$out"
echo "wrote $out"
