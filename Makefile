# noticeconf: make conform (the main job), make test (everything CI runs).
GO            ?= go
BIN           ?= bin/noticeconf
STATICCHECK   ?= honnef.co/go/tools/cmd/staticcheck@v0.8.2
GOFILES        = $(shell git ls-files -co --exclude-standard '*.go')

.PHONY: all build test lint fmt-check vet staticcheck unit cassette-audit mock conform clean

all: build

## build: compile bin/noticeconf
build:
	$(GO) build -o $(BIN) ./cmd/noticeconf

## test: formatting, vet, staticcheck, every test with the race detector, and the cassette audit
test: lint unit cassette-audit

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

## cassette-audit: fail if a committed cassette holds a secret
cassette-audit:
	$(GO) run ./cmd/noticeconf cassette audit cassettes/

## mock: serve the reference mock on 127.0.0.1:8080 with the demo profile
mock: build
	$(BIN) mock

## conform: the conformance suite against the built-in reference mock
conform: build
	$(BIN) verify

clean:
	rm -rf bin
