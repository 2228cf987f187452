# Một Cửa: two commands. `make run` installs what is missing and starts the app;
# `make test` installs what is missing and passes every test. Both are idempotent.
SHELL := /bin/bash
CARGO ?= cargo
export PATH := $(CURDIR)/.tools/bin:$(PATH)

.PHONY: run test deps ui ui-types lint test-rust test-ui e2e e2e-web bench bench-store bench-print bench-sync bench-desktop fmt

run: deps ui
	$(CARGO) build -p motcua-desktop
	@if [ -n "$$DISPLAY$$WAYLAND_DISPLAY" ]; then ./target/debug/motcua-desktop; \
	else echo "No display: starting under Xvfb (screenshots only)"; xvfb-run -a ./target/debug/motcua-desktop; fi

test: deps ui lint test-ui test-rust e2e e2e-web
	@echo "make test: every check passed"

deps:
	@scripts/install-deps.sh

# The IPC payload types are generated from the Rust types (ts-rs) before the UI is type-checked
# or built; they are not committed.
ui: ui-types
	cd ui && npm run --silent build

ui-types:
	rm -rf ui/src/lib/api/generated
	$(CARGO) run -q -p motcua-app --bin export-ts-types -- ui/src/lib/api/generated

lint: ui-types
	$(CARGO) fmt --all -- --check
	$(CARGO) clippy --workspace --all-targets -- -D warnings
	cd ui && npm run --silent check

test-ui: ui-types
	cd ui && npx vitest run

# The server's test suite runs against SQLite and a real PostgreSQL started on loopback.
test-rust:
	url=$$(scripts/start-test-postgres.sh) && MOTCUA_TEST_POSTGRES_URL=$$url $(CARGO) test --workspace

# The real desktop app in a real WebKitGTK webview under Xvfb, driven through tauri-driver.
# The binaries and the e2e tests are built with the same selection as `cargo test --workspace`
# (every package, bins and tests): building one package alone resolves the dependencies'
# features differently and recompiled ~200 crates twice on a cold CI machine.
BUILD_BINS = $(CARGO) build --workspace --bins --tests

e2e: ui
	$(BUILD_BINS)
	xvfb-run -a -s "-screen 0 1280x800x24" $(CARGO) test --workspace --test desktop -- --ignored --test-threads=1

# The district dashboard and the public lookup page in headless Chromium through chromedriver,
# against the real motcua-server fed by a real counter.
e2e-web:
	$(BUILD_BINS)
	$(CARGO) test --workspace --test dashboard -- --ignored --test-threads=1

fmt:
	$(CARGO) fmt --all

# Benchmarks run by their own command, never in `make test`; results go to BENCHMARKS.md.
bench: bench-store bench-print bench-sync bench-desktop

bench-store:
	$(CARGO) run --release -p motcua-store --bin store-bench -- --dossiers 1000000

# Start to an intake form and Enter-to-slip on a counter holding 1,000,000 dossiers.
bench-desktop: deps ui
	$(CARGO) run --release -p motcua-app --bin desk-bench -- --dossiers 1000000 --dir target/bench-desk --reuse
	$(BUILD_BINS)
	MOTCUA_BENCH_DATA_DIR=$(CURDIR)/target/bench-desk xvfb-run -a -s "-screen 0 1280x800x24" \
		$(CARGO) test --workspace --test desktop_start -- --ignored --nocapture

bench-print:
	$(CARGO) bench -p motcua-printing

bench-sync: deps
	url=$$(scripts/start-test-postgres.sh) && MOTCUA_TEST_POSTGRES_URL=$$url $(CARGO) run --release -p motcua-server --bin sync-bench
