# noticeconf: make conform (the main job), make test (everything CI runs).
GO            ?= go
BIN           ?= bin/noticeconf
STATICCHECK   ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2
GOFILES        = $(shell git ls-files -co --exclude-standard '*.go')
VERIFY_FLAGS  ?=

# Fuzz targets, as package:Target; `make fuzz` runs each for FUZZTIME.
FUZZ_TARGETS  = ./internal/mock:FuzzMockUpdate ./internal/cassette:FuzzEncodeItem ./proxy/redact:FuzzRedact
FUZZTIME     ?= 5s

.PHONY: all build test lint fmt-check vet staticcheck unit fuzz soak cassette-audit mock conform clean

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

## conform: the conformance suite against the built-in reference mock
##   (VERIFY_FLAGS adds flags, e.g. VERIFY_FLAGS="--markdown-report out/verify.md")
conform: build
	$(BIN) verify $(VERIFY_FLAGS)

clean:
	rm -rf bin
