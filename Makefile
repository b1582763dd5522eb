# Warpdesk. `make run` starts the app against its built-in demo server;
# `make test` runs every test headless (it installs what it needs as root).
GO        ?= go
BIN       := bin/warpdesk
FYNE_TOOL := fyne.io/tools/cmd/fyne@v1.7.4
# A count, not a duration: Go 1.26's fuzz coordinator can fail a run with a
# bare "context deadline exceeded" when a -fuzztime duration ends under CPU
# load (golang/go#75804, fixed in Go 1.27); a count has no deadline.
FUZZTIME  ?= 40000x
export CGO_ENABLED := 1

# The pure packages: no GUI import, no cgo needed beyond -race.
PURE := ./socket/... ./notify/... ./settings/... ./history/... ./internal/...

.PHONY: all deps build run test test-pure vet cross-pure cross fuzz-brief fuzz bench package clean

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

# The packages without a GUI toolkit must build for the other desktops, and
# the Windows-only files (socket/osenv) must pass vet. Seconds; part of `make
# test`. Nothing needing macOS's SDK (IOKit sleep events, the tray) is
# compiled here: darwin builds are CGO_ENABLED=0 only.
CROSS_PURE := ./socket/... ./notify/... ./settings/... ./store/... ./history/... ./internal/buildinfo/
cross-pure:
	GOOS=darwin  CGO_ENABLED=0 $(GO) build $(CROSS_PURE)
	GOOS=windows CGO_ENABLED=0 $(GO) build $(CROSS_PURE) ./tray/ ./assets/trayicon/
	GOOS=windows CGO_ENABLED=0 $(GO) vet $(CROSS_PURE) ./tray/ ./assets/trayicon/

# The whole app for Windows (amd64), cgo through mingw-w64: bin/warpdesk.exe.
# Cold: ~9.5 min on 2 cores (Fyne's GL bindings dominate); warm: ~2 min. It
# runs at the end of `make test`. The binary cannot be run here: Debian 12's
# Wine 8.0 stops Go 1.26 binaries at start (bcryptprimitives.dll).
WIN_ENV := GOOS=windows GOARCH=amd64 CGO_ENABLED=1 CC=x86_64-w64-mingw32-gcc
cross: deps cross-pure
	$(WIN_ENV) $(GO) build -o bin/warpdesk.exe .
	$(WIN_ENV) $(GO) vet ./socket/osenv/ ./tray/
	@file bin/warpdesk.exe | grep -q 'PE32+ executable.*x86-64' || { file bin/warpdesk.exe; exit 1; }

# Each fuzz target briefly, as part of the tests.
FUZZ_PKGS := ./socket/ ./notify/ ./ops/ ./ipc/ ./settings/
fuzz-brief:
	@for p in $(FUZZ_PKGS); do \
	  for f in $$($(GO) test -list '^Fuzz' $$p | grep '^Fuzz'); do \
	    echo "fuzz $$p $$f for $(FUZZTIME)"; \
	    $(GO) test -run '^$$' -fuzz "^$$f$$" -fuzztime $(FUZZTIME) $$p || exit 1; \
	  done; \
	done

fuzz:
	$(MAKE) fuzz-brief FUZZTIME=1000000x

# The Windows build and the Linux package come last: warm they take ~2 min
# each, cold ~10 and ~4 min on 2 cores (docs in their targets below).
test: deps vet cross-pure
	scripts/headless.sh $(GO) test -race -count=1 -timeout 25m ./...
	$(MAKE) fuzz-brief
	$(MAKE) cross
	$(MAKE) package

# Ratios against baselines measured in the same run (docs/BENCHMARKS.md).
# Rewrites docs/reconnect-herd.png and .csv.
bench: deps
	$(GO) test -run='^$$' -bench='^BenchmarkReceive$$' -benchtime=1000000x -count=5 -benchmem ./bench/
	$(GO) test -run='^$$' -bench='^BenchmarkEnvelope$$' -benchtime=200000x -count=3 -benchmem ./bench/
	$(GO) test -run='^$$' -bench='^Benchmark(Latency|FloodRSS|IdleClient|ReconnectHerd)$$' -benchtime=1x ./bench/
	$(GO) test -run='^$$' -bench='^BenchmarkCall$$' -benchtime=20000x -count=3 -benchmem ./bench/
	$(GO) test -run='^$$' -bench='^BenchmarkNotifyLatency$$' -benchtime=200x ./bench/
	$(GO) test -run='^$$' -bench='^BenchmarkStoreEvent$$' -benchtime=2000x -count=3 ./bench/
	$(GO) test -run='^$$' -bench='^BenchmarkServers$$' -benchtime=1x -count=3 ./bench/
	$(GO) test -run='^$$' -bench='^BenchmarkAckAcrossDesktops$$' -benchtime=20x ./bench/
	scripts/headless.sh $(GO) test -run='^$$' -bench='^BenchmarkAppIdle$$' -benchtime=1x -timeout=30m ./bench/

# The Linux archive fyne builds from FyneApp.toml (Warpdesk.tar.xz), then
# checked: unpacked, validated, installed into a temporary root with its own
# `make install` (scripts/package_test.sh). fyne raises Build in FyneApp.toml
# after every package; it is put back, so internal/buildinfo stays the one
# source (raise both by hand for a release). ~20 min cold on a loaded 2-core
# machine (fyne rebuilds the app, GL bindings included, with release flags);
# ~2 min warm.
PACKAGE := Warpdesk.tar.xz
package: deps
	$(GO) install $(FYNE_TOOL)
	rm -f $(PACKAGE)
	cp FyneApp.toml .FyneApp.toml.keep
	$$($(GO) env GOPATH)/bin/fyne package -os linux -release; s=$$?; mv .FyneApp.toml.keep FyneApp.toml; exit $$s
	scripts/package_test.sh $(PACKAGE)

clean:
	rm -rf bin dist *.tar.xz
