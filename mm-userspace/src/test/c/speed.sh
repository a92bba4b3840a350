#!/bin/sh
# speed.sh: times real glibc malloc (replay.c -n) and pagelab's model (MallocSpeed) on the bundled
# traces in the same run, and prints ns per call for each and their ratio. Not part of mvn verify.
#
#   mm-userspace/src/test/c/speed.sh [ALLOCATOR] [CALLS]
#
# ALLOCATOR defaults to ptmalloc; CALLS (default 2000000) is roughly how many calls each trace is
# replayed for (passes = CALLS / trace length, at least 1). The Java side warms up with one full
# run first, so the figures are for JIT-compiled code; each side reports its fastest of three runs. Needs gcc, setarch, java and mvn.
set -eu
allocator=${1:-ptmalloc}
target_calls=${2:-2000000}
here=$(cd "$(dirname "$0")" && pwd)
module=$(cd "$here/../../.." && pwd)
root=$(cd "$module/.." && pwd)
traces="$module/src/main/resources/io/pagelab/userspace/malloclab/traces"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

gcc -O2 -Wall -o "$work/replay" "$here/replay.c"
(cd "$root" && mvn -q -B -Dstyle.color=never -pl mm-userspace -am test-compile dependency:build-classpath \
    -Dmdep.outputFile="$work/cp.txt" -Dmdep.includeScope=runtime >/dev/null)
# without logback SLF4J is silent: the model's DEBUG narration must not be timed
deps=$(tr ':' '\n' < "$work/cp.txt" | grep -v '/ch/qos/logback/' | paste -sd: -)
cp="$module/target/classes:$module/target/test-classes:$deps"

printf '%-14s %10s %10s %10s %8s\n' trace calls glibc-ns model-ns ratio
total_c=0; total_j=0; total_calls=0; log_sum=0; n=0
for rep in $(grep -v '^#' "$traces/index.txt" | awk 'NF {print $1}'); do
    ops=$(sed -n 3p "$traces/$rep" | tr -d ' \r')
    passes=$(( target_calls / ops )); [ "$passes" -ge 1 ] || passes=1
    c=$(cd "$traces" && for i in 1 2 3; do setarch x86_64 -R env -i "$work/replay" -n "$passes" "$rep"; done \
        | sort -t= -k3 -n | head -n 1)  # the fastest of three, as MallocSpeed does
    j=$(java -Dslf4j.internal.verbosity=ERROR -cp "$cp" io.pagelab.userspace.malloclab.MallocSpeed "$allocator" "$passes" "$rep" | tail -n 1)
    calls=$(echo "$c" | sed 's/.*calls=\([0-9]*\).*/\1/')
    cns=$(echo "$c" | sed 's/.*ns=\([0-9]*\).*/\1/')
    jns=$(echo "$j" | sed 's/.*ns=\([0-9]*\).*/\1/')
    total_c=$((total_c + cns)); total_j=$((total_j + jns)); total_calls=$((total_calls + calls))
    log_sum=$(awk -v s="$log_sum" -v c="$cns" -v j="$jns" 'BEGIN { print s + log(j / c) }'); n=$((n + 1))
    awk -v t="$rep" -v n="$calls" -v c="$cns" -v j="$jns" \
        'BEGIN { printf "%-14s %10d %10.1f %10.1f %7.2fx\n", t, n, c / n, j / n, j / c }'
done
glibc=$(ldd --version | head -n 1 | awk '{print $NF}')
awk -v n="$total_calls" -v c="$total_c" -v j="$total_j" \
    'BEGIN { printf "%-14s %10d %10.1f %10.1f %7.2fx   (all calls: model time / glibc time)\n", "total", n, c / n, j / n, j / c }'
awk -v s="$log_sum" -v k="$n" -v a="$allocator" -v g="$glibc" \
    'BEGIN { printf "%-14s %43.2fx   (geometric mean of the per-trace ratios; %s vs glibc %s)\n", "geomean", exp(s / k), a, g }'
