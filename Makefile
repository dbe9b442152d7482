# Wattson — build, test and run targets. `make test` and `make demo` work on a
# fresh Debian machine with Go installed; `make test` installs redis-server.

GO       ?= go
VERSION  ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
LDFLAGS  := -s -w -X main.version=$(VERSION)
BIN      := bin/wattson

.PHONY: build test lint e2e demo docker deps clean

build:
	CGO_ENABLED=0 $(GO) build -trimpath -ldflags '$(LDFLAGS)' -o $(BIN) ./cmd/wattson

# deps installs what the tests need and the machine lacks: a real redis-server.
deps:
	@./scripts/install-deps

test: deps
	$(GO) test -race -timeout 20m ./...

lint:
	$(GO) mod tidy -diff
	$(GO) vet ./...
	$(GO) tool staticcheck ./...
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [ -n "$$out" ]; then echo "gofmt needed:"; echo "$$out"; exit 1; fi

# e2e runs only the black-box tests of the built binary in test/.
e2e: deps
	$(GO) test -race -count=1 ./test/...

demo: build
	./$(BIN) demo

docker:
	docker build -t wattson:$(VERSION) .

clean:
	rm -rf bin
