# keyfed front door. `make run` and `make test` are all a new machine needs.
SHELL := /bin/bash
JOBS  ?= $(shell nproc)
CMAKE_GEN := -G Ninja

BUILD      := build            # release: binaries in build/bin
TEST_BUILD := build-asan       # sanitizers (ASan + UBSan), used by `make test`
FUZZ_BUILD := build-fuzz       # clang + libFuzzer
BUILD      := $(strip $(BUILD))
TEST_BUILD := $(strip $(TEST_BUILD))
FUZZ_BUILD := $(strip $(FUZZ_BUILD))


.PHONY: deps build test run bench fuzz lint format clean

deps:
	@scripts/install-deps

$(BUILD)/build.ninja:
	scripts/install-deps
	cmake -S . -B $(BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Release

build: $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

$(TEST_BUILD)/build.ninja:
	cmake -S . -B $(TEST_BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Debug -DKEYFED_SANITIZE=ON \
	  -DKEYFED_BENCH=OFF -DCMAKE_CXX_FLAGS_DEBUG="-Og -g1"

test: deps $(TEST_BUILD)/build.ninja
	cmake --build $(TEST_BUILD) -j $(JOBS)
	cd $(TEST_BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 300

# First run creates var/keyfed.toml and a self-signed certificate for localhost.
run: deps build
	scripts/first-run
	$(BUILD)/bin/keyfed --config var/keyfed.toml

bench: deps
	cmake -S . -B $(BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Release -DKEYFED_BENCH=ON
	cmake --build $(BUILD) -j $(JOBS)
	scripts/run-benchmarks $(BUILD)

# libFuzzer needs clang; FUZZ_SECONDS per target (default 600).
fuzz:
	scripts/install-deps fuzz
	CC=clang CXX=clang++ cmake -S . -B $(FUZZ_BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=RelWithDebInfo \
	  -DKEYFED_FUZZ=ON -DKEYFED_TESTS=OFF -DKEYFED_BENCH=OFF
	cmake --build $(FUZZ_BUILD) -j $(JOBS)
	scripts/run-fuzzers $(FUZZ_BUILD)

lint: $(BUILD)/build.ninja
	scripts/install-deps lint
	scripts/lint $(BUILD)

format:
	scripts/install-deps lint
	scripts/lint --fix

clean:
	rm -rf $(BUILD) $(TEST_BUILD) $(FUZZ_BUILD)
