#!/bin/sh
# Re-captures the fixture of mm-userspace LoaderTest: the program headers of a small PIE
# (readelf -lW) and its /proc/self/maps under setarch -R (ASLR off), on this machine.
# Needs gcc, binutils and a Linux kernel; CI does not run it (the outputs are committed).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
out="$here/../../resources/io/pagelab/userspace/loader"
work=/tmp/pagelab-loader
mkdir -p "$work" "$out"
gcc -O1 -o "$work/hello_maps" "$here/hello_maps.c"
readelf -lW "$work/hello_maps" > "$out/hello_maps.readelf"
{
  echo "# kernel: $(uname -r) $(uname -m)"
  echo "# glibc: $(ldd --version | head -1 | sed 's/.* //')"
  echo "# command: setarch $(uname -m) -R env -i $work/hello_maps"
  setarch "$(uname -m)" -R env -i "$work/hello_maps"
} > "$out/hello_maps.maps"
echo "wrote $out/hello_maps.readelf and $out/hello_maps.maps"
