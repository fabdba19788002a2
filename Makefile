# SPDX-License-Identifier: LGPL-2.1-or-later
# A thin layer over Meson: build, demo, check.  See README.md.
BUILD ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 20
MESON ?= meson

.PHONY: all deps build demo check test test-asan fuzz-smoke format check-format bench clean

all: build

deps:
	@./scripts/install-deps.sh

$(BUILD)/build.ninja:
	$(MESON) setup $(BUILD)

build: deps $(BUILD)/build.ninja
	ninja -C $(BUILD)

demo: build
	@./scripts/demo.sh $(BUILD)/cli/scprof

test: build
	$(MESON) test -C $(BUILD) --print-errorlogs

$(ASAN_BUILD)/build.ninja:
	$(MESON) setup $(ASAN_BUILD) -Db_sanitize=address,undefined -Db_lundef=false -Dbuildtype=debug

test-asan: deps $(ASAN_BUILD)/build.ninja
	ninja -C $(ASAN_BUILD)
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		$(MESON) test -C $(ASAN_BUILD) --print-errorlogs --suite unit --suite fuzz --suite scprof

$(FUZZ_BUILD)/build.ninja:
	CC=clang $(MESON) setup $(FUZZ_BUILD) -Dfuzz=true -Db_sanitize=address,undefined -Db_lundef=false

fuzz-smoke: deps $(FUZZ_BUILD)/build.ninja
	ninja -C $(FUZZ_BUILD)
	for f in $(FUZZ_BUILD)/tests/fuzz/fuzz-*; do [ -f $$f ] || continue; ./scripts/fuzz-smoke.sh $$f $(FUZZ_SECONDS) || exit 1; done

check-format:
	./scripts/check-format.sh

format:
	clang-format -i $$(git ls-files '*.c' '*.h')

check: deps
	@./scripts/check.sh

bench: build
	./bench/run.sh $(BUILD)/cli/scprof
	./bench/record.sh $(BUILD)/cli/scprof
	./bench/resolve.sh $(BUILD)/cli/scprof
	./bench/audit.sh $(BUILD)/cli/scprof
	./bench/oci.sh $(BUILD)/cli/scprof
	./bench/k8s-lint.sh $(BUILD)/cli/scprof

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
