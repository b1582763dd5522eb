# Warpdesk. `make run` starts the app against its built-in demo server;
# `make test` runs every test headless (it installs what it needs as root).
GO        ?= go
BIN       := bin/warpdesk
FYNE_TOOL := fyne.io/tools/cmd/fyne@v1.7.4
FUZZTIME  ?= 10s
export CGO_ENABLED := 1

# The pure packages: no GUI import, no cgo needed beyond -race.
PURE := ./socket/... ./notify/... ./settings/... ./internal/...

.PHONY: all deps build run test test-pure vet cross fuzz-brief fuzz bench package clean

all: test

deps:
	@scripts/deps.sh

build: deps
	$(GO) build -o $(BIN) .

run: build
	./$(BIN) -demo

# vet with -race shares the race build cache with the tests (Fyne's cgo is
# the slow part of a cold build; compiling it once saves minutes).
vet:
	$(GO) vet -race ./...

test-pure:
	$(GO) test -race -count=1 $(PURE)

# The library and the notifier must build for the other desktops.
cross:
	GOOS=darwin  CGO_ENABLED=0 $(GO) build ./socket/... ./notify/... ./settings/...
	GOOS=windows CGO_ENABLED=0 $(GO) build ./socket/... ./notify/... ./settings/...

# Each fuzz target briefly, as part of the tests.
FUZZ_PKGS := ./socket/ ./notify/
fuzz-brief:
	@for p in $(FUZZ_PKGS); do \
	  for f in $$($(GO) test -list '^Fuzz' $$p | grep '^Fuzz'); do \
	    echo "fuzz $$p $$f for $(FUZZTIME)"; \
	    $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$p || exit 1; \
	  done; \
	done

fuzz:
	$(MAKE) fuzz-brief FUZZTIME=3m

test: deps vet cross
	scripts/headless.sh $(GO) test -race -count=1 -timeout 25m ./...
	$(MAKE) fuzz-brief

# Ratios against baselines measured in the same run (docs/BENCHMARKS.md).
# Rewrites docs/reconnect-herd.png and .csv.
bench: deps
	$(GO) test -run='^$$' -bench='^BenchmarkReceive$$' -benchtime=1000000x -count=5 -benchmem ./bench/
	$(GO) test -run='^$$' -bench='^BenchmarkEnvelope$$' -benchtime=200000x -count=3 -benchmem ./bench/
	$(GO) test -run='^$$' -bench='^Benchmark(Latency|FloodRSS|IdleClient|ReconnectHerd)$$' -benchtime=1x ./bench/
	$(GO) test -run='^$$' -bench='^BenchmarkCall$$' -benchtime=20000x -count=3 -benchmem ./bench/
	$(GO) test -run='^$$' -bench='^BenchmarkNotifyLatency$$' -benchtime=200x ./bench/
	scripts/headless.sh $(GO) test -run='^$$' -bench='^BenchmarkAppIdle$$' -benchtime=1x ./bench/

package: deps
	$(GO) install $(FYNE_TOOL)
	cd . && $$($(GO) env GOPATH)/bin/fyne package -os linux -release

clean:
	rm -rf bin dist *.tar.xz
