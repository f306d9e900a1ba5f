#!/bin/sh
# compare.sh BASE OUT: the benchmarks of internal/benchmarks at the git revision BASE
# ("old") and in the working tree ("new"), each built once, run interleaved (old, new,
# old, new...: BENCH_COUNT rounds of BENCH_TIME each, the benchmarks matching the
# regex BENCH), then compared by benchstat. Leaves the raw runs (old.txt, new.txt) and
# benchstat's comparison (benchstat.txt) in OUT. `make bench-compare` runs it.
#
# BASE's tree is exported with git archive into a temporary directory, removed on
# exit; each version's benchmarks run from its own tree, so that BenchmarkVerify
# builds that version's noticeconf.
set -eu

base=${1:?usage: compare.sh BASE OUT}
out=${2:?usage: compare.sh BASE OUT}
go=${GO:-go}
benchstat=${BENCHSTAT:?BENCHSTAT: the benchstat module to go run}
filter=${BENCH:-.}
count=${BENCH_COUNT:-6}
benchtime=${BENCH_TIME:-1s}

rev=$(git rev-parse --verify --quiet "$base^{commit}") || {
	echo "bench-compare: BASE=$base is not a commit of this repository (try a branch, a tag or a hash)" >&2
	exit 2
}
case $count in '' | *[!0-9]* | 0)
	echo "bench-compare: BENCH_COUNT=$count: want a whole number of rounds, at least 1" >&2
	exit 2
	;;
esac
top=$(git rev-parse --show-toplevel)
mkdir -p "$out"
out=$(cd "$out" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT INT TERM

git archive --prefix=old/ "$rev" | tar -x -C "$tmp"
if [ ! -d "$tmp/old/internal/benchmarks" ]; then
	echo "bench-compare: BASE=$base ($rev) has no internal/benchmarks to run" >&2
	exit 2
fi
echo "bench-compare: building old ($rev) and new (the working tree)" >&2
(cd "$tmp/old" && "$go" test -c -o "$out/old.test" ./internal/benchmarks/)
(cd "$top" && "$go" test -c -o "$out/new.test" ./internal/benchmarks/)

: >"$out/old.txt"
: >"$out/new.txt"
i=1
while [ "$i" -le "$count" ]; do
	for v in old new; do
		echo "bench-compare: round $i of $count: $v" >&2
		dir=$top/internal/benchmarks
		[ "$v" = old ] && dir=$tmp/old/internal/benchmarks
		if ! (cd "$dir" && "$out/$v.test" -test.run '^$' -test.bench "$filter" -test.benchtime "$benchtime" \
			-test.count 1 -test.timeout 90m) >"$tmp/run.txt"; then
			cat "$tmp/run.txt" >&2
			echo "bench-compare: the $v benchmarks failed in round $i" >&2
			exit 1
		fi
		cat "$tmp/run.txt" >>"$out/$v.txt"
		grep '^Benchmark' "$tmp/run.txt" >&2 || true
	done
	i=$((i + 1))
done
if ! grep -q '^Benchmark' "$out/new.txt"; then
	echo "bench-compare: no benchmark matches BENCH=$filter" >&2
	exit 1
fi
{
	echo "old: $rev ($base)"
	echo "new: the working tree"
	echo
	"$go" run "$benchstat" old="$out/old.txt" new="$out/new.txt"
} >"$out/benchstat.txt"
cat "$out/benchstat.txt"
echo "bench-compare: written to $out/benchstat.txt" >&2
