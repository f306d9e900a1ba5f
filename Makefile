# noticeconf: make conform (the main job), make test (everything CI runs).
GO            ?= go
BIN           ?= bin/noticeconf
STATICCHECK   ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2
GOFILES        = $(shell git ls-files -co --exclude-standard '*.go')
VERIFY_FLAGS  ?=

# Fuzz targets, as package:Target; `make fuzz` runs each for FUZZTIME.
FUZZ_TARGETS  = ./internal/mock:FuzzMockUpdate
FUZZTIME     ?= 5s

# The date the shipped cassettes carry in place of every wall-clock value (see
# `noticeconf cassette normalize`); change it when regenerating them on purpose.
CASSETTE_DATE ?= 2026-01-01T00:00:00Z

.PHONY: all build test lint fmt-check vet staticcheck unit fuzz soak cassette-audit mock conform cassettes clean

all: build

## build: compile bin/noticeconf
build:
	$(GO) build -o $(BIN) ./cmd/noticeconf

## test: formatting, vet, staticcheck, every test with the race detector, the cassette
## audit and brief fuzzing
test: lint unit cassette-audit fuzz

## lint: gofmt, go vet and staticcheck (pinned, fetched through the module proxy)
lint: fmt-check vet staticcheck

fmt-check:
	@out=$$(gofmt -l $(GOFILES)); if [ -n "$$out" ]; then echo "not gofmt'd:"; echo "$$out"; exit 1; fi

vet:
	$(GO) vet ./...

staticcheck:
	$(GO) run $(STATICCHECK) ./...

unit:
	$(GO) test -race -count=1 ./...

## fuzz: run every fuzz target briefly (FUZZTIME each)
fuzz:
	@for t in $(FUZZ_TARGETS); do \
		pkg=$${t%%:*}; name=$${t##*:}; \
		echo "fuzz $$name ($$pkg) for $(FUZZTIME)"; \
		$(GO) test -run '^$$' -fuzz "^$$name$$" -fuzztime $(FUZZTIME) $$pkg || exit 1; \
	done

## soak: the long load tests (200 clients for 20 s against each server)
soak:
	NOTICECONF_SOAK=20s $(GO) test -race -count=1 -run 'UnderLoad' -v -timeout 30m ./...

## cassette-audit: fail if a committed cassette holds a secret
cassette-audit:
	$(GO) run ./cmd/noticeconf cassette audit cassettes/

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
