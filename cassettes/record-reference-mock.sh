#!/bin/sh
# Records cassettes/reference-mock/ (run by `make cassettes`): the reference mock, the
# recording proxy in front of it (reverse mode), and the conformance suite run through
# the proxy with the demo profile's credentials. The result is then normalized
# (`noticeconf cassette normalize`) so that re-running gives byte-identical files.
#
# usage: record-reference-mock.sh BIN OUTDIR DATE
set -eu
bin=$1
out=$2
date=$3

# The demo profile (fixtures/profile.json): demo values, not secrets.
token=noticeconf-demo-token
ak=NOTICECONFDEMOAK0001
sk=noticeconf-demo-sk
forbidden=noticeconf-forbidden-token
job=48c66c6002964721be537cdc6ce0297b
missing=00000000000000000000000000000000 # verify.ReplayMissingJobID

work=$(mktemp -d)
pids=
cleanup() {
	for p in $pids; do kill "$p" 2>/dev/null || true; done
	for p in $pids; do wait "$p" 2>/dev/null || true; done
	rm -rf "$work"
}
trap cleanup EXIT INT TERM

# listening FILE: wait for the "listening on URL" line a server prints first; print URL.
listening() {
	i=0
	while [ $i -lt 300 ]; do
		line=$(head -n 1 "$1" 2>/dev/null || true)
		case $line in "listening on "*) echo "${line#listening on }"; return 0 ;; esac
		i=$((i + 1))
		sleep 0.1
	done
	echo "record-reference-mock: no 'listening on' line in $1" >&2
	return 1
}

"$bin" mock --listen 127.0.0.1:0 >"$work/mock.out" 2>"$work/mock.log" &
pids="$pids $!"
mock=$(listening "$work/mock.out")

mkdir -p "$work/out"
# The demo token, forbidden token and access key are recorded under the names
# `noticeconf verify --target replay:PATH` gives its own credentials (token, forbidden,
# aksk), so each replays its own answers in any order; other tokens (the invalid ones
# the checks send) stay unnamed, and so do requests signed with the access key whose
# signature does not verify with its secret key (the tampered ones).
NOTICECONF_TOKEN=$token NOTICECONF_FORBIDDEN_TOKEN=$forbidden NOTICECONF_AK=$ak NOTICECONF_SK=$sk \
	"$bin" record --upstream "$mock" --cassette "$work/out/conformance.yaml" --listen 127.0.0.1:0 \
	--credential token=NOTICECONF_TOKEN --credential forbidden=NOTICECONF_FORBIDDEN_TOKEN --credential aksk=NOTICECONF_AK:NOTICECONF_SK \
	>"$work/record.out" 2>"$work/record.log" &
rec=$!
pids="$pids $rec"
proxy=$(listening "$work/record.out")

# One run with every kind of credentials: the token for the valid requests, AK/SK for
# the signed ones, the forbidden token, fault injection, and a fixed missing job id.
# Specs run one at a time in a fixed order (verify's fixed seed), so ids and order
# are stable. The generated checks are left out: their requests are not the
# documented examples a replay is checked with.
NOTICECONF_TOKEN=$token NOTICECONF_AK=$ak NOTICECONF_SK=$sk NOTICECONF_FORBIDDEN_TOKEN=$forbidden \
	"$bin" verify --target "$proxy" --job-id "$job" --missing-job-id "$missing" --fault-injection --label-filter '!generated' \
	>"$work/verify.out" 2>&1 || { cat "$work/verify.out" >&2; exit 1; }

kill -TERM "$rec"
wait "$rec"
"$bin" cassette normalize --date "$date" --host reference-mock.invalid \
	--note "The reference mock (noticeconf mock: the demo profile, result style object) on an ephemeral loopback port, answering the conformance suite (noticeconf verify with the demo token, AK/SK and forbidden token, recorded as the named credentials token, aksk and forbidden, fault injection, missing job id $missing) through the recording proxy. Regenerate with: make cassettes." \
	"$work/out/conformance.yaml" >/dev/null

mkdir -p "$out"
rm -f "$out"/*.yaml "$out"/*.provenance.json
cp "$work/out/conformance.yaml" "$work/out/conformance.yaml.provenance.json" "$out/"
echo "recorded $out/conformance.yaml"
