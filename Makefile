# noticeconf: make conform (the main job), make test (everything CI runs).
GO            ?= go
BIN           ?= bin/noticeconf
STATICCHECK   ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2
GOFILES        = $(shell git ls-files -co --exclude-standard '*.go')
VERIFY_FLAGS  ?=
# Where `make thirdparty` leaves the JSON reports that `make docs-mocks` reads.
THIRDPARTY_REPORTS ?= out/thirdparty
# npm writes this file on every install; it is newer than the lockfile after `npm ci`.
THIRDPARTY_STAMP   = fixtures/thirdparty/node_modules/.package-lock.json
THIRDPARTY_TEST    = NOTICECONF_THIRDPARTY_REPORTS=$(abspath $(THIRDPARTY_REPORTS)) $(GO) test -tags thirdparty -count=1 -timeout 5m ./suites/thirdparty/

# Fuzz targets, as package:Target or package:Target:time; `make fuzz` runs each for its
# time, FUZZTIME if none. The leak test sends each input through every output (about
# 50 ms an input) and gathers its baseline over its placements first: FUZZTIME_LEAK.
FUZZ_TARGETS  = ./fixtures/mock:FuzzMockUpdate ./cassettes/cassette:FuzzParse ./cassettes/cassette:FuzzEncodeFast \
                ./cassettes/replay:FuzzCanonicalJSON ./cassettes/replay:FuzzReplayMatch ./internal/redact:FuzzRedact \
                ./internal/leaktest:FuzzNoOutputHoldsASecret:$(FUZZTIME_LEAK)
FUZZTIME     ?= 5s
FUZZTIME_LEAK ?= 20s

# The date the shipped cassettes carry in place of every wall-clock value (see
# `noticeconf cassette normalize`); change it when regenerating them on purpose.
CASSETTE_DATE ?= 2026-01-01T00:00:00Z

# `make bench`: the benchmarks of internal/benchmarks, BENCH_COUNT runs each, summarised
# by benchstat (pinned) into docs/benchmarks.md. Not part of `make test`.
BENCHSTAT    ?= golang.org/x/perf/cmd/benchstat@v0.0.0-20260908200009-22c9c6c9d4da
BENCH_COUNT  ?= 6
BENCH_RAW    ?= bin/bench.txt

.PHONY: all bench build test lint fmt-check vet staticcheck unit fuzz soak cassette-audit mock conform cassettes clean thirdparty-deps thirdparty docs-mocks

all: build

## build: compile bin/noticeconf
build:
	$(GO) build -o $(BIN) ./cmd/noticeconf

## test: formatting, vet, staticcheck, every test with the race detector, the cassette
## audit, brief fuzzing, and the third-party mocks (needs Node 20 and Java 17)
test: lint unit cassette-audit fuzz thirdparty

## lint: gofmt, go vet and staticcheck (pinned, fetched through the module proxy)
lint: fmt-check vet staticcheck

fmt-check:
	@out=$$(gofmt -l $(GOFILES)); if [ -n "$$out" ]; then echo "not gofmt'd:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...
	$(GO) vet -tags thirdparty ./suites/thirdparty/...

staticcheck:
	$(GO) run $(STATICCHECK) ./...
	$(GO) run $(STATICCHECK) -tags thirdparty ./suites/thirdparty/...

# The broken-server suite runs verify some two hundred times under -race: on a busy
# 2-core machine that passes go test's default 10-minute bound per package.
unit:
	$(GO) test -race -count=1 -timeout 25m ./...

## fuzz: run every fuzz target briefly (FUZZTIME each; the leak test FUZZTIME_LEAK)
fuzz:
	@for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; rest=$${t#*:}; name=$${rest%%:*}; time=$(FUZZTIME); \
		case $$rest in *:*) time=$${rest#*:};; esac; \
		echo "fuzz $$name ($$pkg) for $$time"; \
		$(GO) test -run '^$$' -fuzz "^$$name$$" -fuzztime $$time $$pkg || exit 1; \
	done

## soak: the long load tests (200 clients for 20 s against each server)
soak:
	NOTICECONF_SOAK=20s $(GO) test -race -count=1 -run 'UnderLoad' -v -timeout 30m ./...

## bench: run the benchmarks BENCH_COUNT times and write docs/benchmarks.md; the runs are
##   rounds of every benchmark once, so that each baseline and noticeconf alternate
bench:
	@mkdir -p $(dir $(BENCH_RAW))
	$(GO) test -c -o $(BENCH_RAW).test ./internal/benchmarks/
	@: > $(BENCH_RAW)
	@for i in $$(seq $(BENCH_COUNT)); do \
		echo "bench: round $$i of $(BENCH_COUNT)"; \
		{ (cd internal/benchmarks && $(abspath $(BENCH_RAW).test) -test.run '^$$' -test.bench . -test.benchtime 1s \
			-test.count 1 -test.timeout 90m); echo $$? > $(BENCH_RAW).rc; } | tee -a $(BENCH_RAW); \
		[ "$$(cat $(BENCH_RAW).rc)" = 0 ] || { echo "bench: the benchmarks failed in round $$i"; exit 1; }; \
	done; rm -f $(BENCH_RAW).rc
	$(GO) run $(BENCHSTAT) $(BENCH_RAW) > $(BENCH_RAW).stat
	$(GO) run ./internal/benchmarks/cmd/benchreport -in $(BENCH_RAW) -benchstat $(BENCH_RAW).stat -out docs/benchmarks.md

## bench-compare: a change's before and after in one run: the benchmarks of BASE (a git
##   revision) and of the working tree, run interleaved (old, new, old, new...: BENCH_COUNT
##   rounds; BENCH, a -bench regex, picks the benchmarks), compared by benchstat; printed,
##   and written with the raw runs to bin/bench-compare/. E.g.
##   make bench-compare BASE=main BENCH='BenchmarkProxy/.*/c=1$$' BENCH_COUNT=6
BENCH      ?= .
BENCH_TIME ?= 1s
.PHONY: bench-compare
bench-compare:
	@test -n "$(BASE)" || { echo "usage: make bench-compare BASE=<git rev> [BENCH=regex] [BENCH_COUNT=n] [BENCH_TIME=1s]"; exit 2; }
	GO="$(GO)" BENCHSTAT="$(BENCHSTAT)" BENCH='$(BENCH)' BENCH_COUNT="$(BENCH_COUNT)" BENCH_TIME="$(BENCH_TIME)" \
		sh internal/benchmarks/compare.sh "$(BASE)" bin/bench-compare

## catalogue: write suites/conformance.yaml, every check of verify with the broken servers
##   of suites/brokentest that prove it can fail; `make test` fails when it is stale
.PHONY: catalogue
catalogue:
	$(GO) test -count=1 ./suites/brokentest/ -args -update -ginkgo.label-filter=catalogue

## bench-http: the replay server and the recording proxy over HTTP, each in its own
##   process under load from another, against WireMock, a bare net/http server and a
##   bare httputil.ReverseProxy; profiles both; writes its section of docs/benchmarks.md (needs
##   Java 17, installed with apt-get when missing and root). Each target is judged by
##   the median of its per-round ratios and that median's 95% confidence interval (met,
##   not met, inconclusive), bounded from 6 rounds on; the default 8 rounds keep the
##   servers under load for about 6 minutes (8 rounds x 9 servers x 2 connection counts
##   x 2.5 s), some 8 minutes in all with the set-up, the warm-up pass and the profiles.
##   Not part of `make test`. BENCH_HTTP_FLAGS adds flags (e.g. "-rounds 12 -duration 3s";
##   -rounds is at most 20).
BENCH_HTTP_DIR   ?= bin/bench-http
BENCH_HTTP_FLAGS ?=
.PHONY: bench-http
bench-http: thirdparty-deps
	@command -v java >/dev/null || { \
		if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
			apt-get update && apt-get install -y --no-install-recommends openjdk-17-jre-headless; \
		else echo "bench-http needs Java 17 for WireMock: apt-get install openjdk-17-jre-headless"; exit 2; fi; }
	@mkdir -p $(BENCH_HTTP_DIR)
	$(GO) build -o $(BENCH_HTTP_DIR)/noticeconf ./cmd/noticeconf
	$(GO) build -o $(BENCH_HTTP_DIR)/loadgen ./internal/benchmarks/cmd/loadgen
	$(GO) build -o $(BENCH_HTTP_DIR)/benchserve ./internal/benchmarks/cmd/benchserve
	$(GO) build -o $(BENCH_HTTP_DIR)/benchhttp ./internal/benchmarks/cmd/benchhttp
	$(BENCH_HTTP_DIR)/benchhttp -bin $(BENCH_HTTP_DIR) -profile $(BENCH_HTTP_DIR)/profiles -out docs/benchmarks.md \
		-wiremock-jar "$$(ls fixtures/thirdparty/node_modules/wiremock/build/wiremock-standalone-*.jar | head -n 1)" $(BENCH_HTTP_FLAGS)

## cassette-audit: fail if a committed cassette holds a secret
# The shipped cassettes: every committed YAML file under cassettes/ but the Go packages'
# testdata there (malformed and secret-laden on purpose).
SHIPPED_CASSETTES = $(shell git ls-files 'cassettes/*.yaml' ':!:cassettes/**/testdata/**')
cassette-audit:
	$(GO) run ./cmd/noticeconf cassette audit $(SHIPPED_CASSETTES)

## thirdparty-deps: install the pinned Prism and WireMock (npm ci) when the lockfile changed
thirdparty-deps: $(THIRDPARTY_STAMP)

$(THIRDPARTY_STAMP): fixtures/thirdparty/package.json fixtures/thirdparty/package-lock.json
	npm ci --prefix fixtures/thirdparty --no-audit --no-fund
	touch $@

## thirdparty: start Prism and WireMock on loopback, run noticeconf verify against each
##   and assert every check's verdict (suites/thirdparty); reports go to THIRDPARTY_REPORTS
thirdparty: thirdparty-deps
	$(THIRDPARTY_TEST)

## docs-mocks: write docs/mocks.md from the reports of a fresh third-party run
docs-mocks: thirdparty-deps
	$(THIRDPARTY_TEST) -args -ginkgo.skip='docs/mocks.md'
	$(GO) run ./suites/thirdparty/mocksdoc -reports $(THIRDPARTY_REPORTS) -out docs/mocks.md

## mock: serve the reference mock on 127.0.0.1:8080 with the demo profile
mock: build
	$(BIN) mock

## conform: the conformance suite against the built-in reference mock; the shipped
##   cassettes re-sent to the built-in mock (the cassette oracle); the conformance suite
##   against the replay of the shipped cassettes
##   (VERIFY_FLAGS adds flags to each run, e.g. VERIFY_FLAGS="-v")
conform: build
	@echo "== the documented contract, against the built-in reference mock"
	$(BIN) verify $(VERIFY_FLAGS)
	@echo "== the shipped cassettes, re-sent to the built-in reference mock"
	$(BIN) verify --cassettes cassettes/reference-mock --cassettes cassettes/seed-example.yaml --label-filter cassette $(VERIFY_FLAGS)
	@echo "== the documented contract, against the replay of the shipped cassettes"
	$(BIN) verify --target replay:cassettes/reference-mock --fault-injection $(VERIFY_FLAGS)

## cassettes: record cassettes/reference-mock/ again (the conformance suite through the
##   recording proxy in front of the reference mock); re-running gives no diff
cassettes: build
	./cassettes/record-reference-mock.sh $(BIN) cassettes/reference-mock $(CASSETTE_DATE)

clean:
	rm -rf bin
