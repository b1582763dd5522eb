# Warpdesk. `make run` starts the app against its built-in demo server;
# `make test` runs every test headless (it installs what it needs as root).
GO      ?= go
BIN     := bin/warpdesk
export CGO_ENABLED := 1

.PHONY: all deps build run test test-pure vet cross fuzz bench package clean

all: vet test

deps:
	@scripts/deps.sh

build: deps
	$(GO) build -o $(BIN) .

run: build
	./$(BIN) -demo

vet:
	$(GO) vet ./...

# The pure packages build and test without any GUI package.
test-pure:
	$(GO) test -race -count=1 ./socket/... ./notify/... ./internal/...

cross:
	GOOS=darwin  CGO_ENABLED=0 $(GO) build ./socket/... ./notify/...
	GOOS=windows CGO_ENABLED=0 $(GO) build ./socket/... ./notify/...

test: deps
	$(GO) vet ./...
	$(MAKE) cross
	scripts/headless.sh $(GO) test -race -count=1 -timeout 20m ./...

clean:
	rm -rf bin dist
