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


.PHONY: deps build test lint format clean

deps:
	@scripts/install-deps

$(BUILD)/build.ninja:
	cmake -S . -B $(BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Release

build: $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

$(TEST_BUILD)/build.ninja:
	cmake -S . -B $(TEST_BUILD) $(CMAKE_GEN) -DCMAKE_BUILD_TYPE=Debug -DKEYFED_SANITIZE=ON \
	  -DKEYFED_BENCH=OFF -DCMAKE_CXX_FLAGS_DEBUG="-O1 -g"

test: deps $(TEST_BUILD)/build.ninja
	cmake --build $(TEST_BUILD) -j $(JOBS)
	cd $(TEST_BUILD) && ctest --output-on-failure -j $(JOBS) --timeout 300

lint: deps $(BUILD)/build.ninja
	scripts/lint $(BUILD)

format:
	scripts/lint --fix

clean:
	rm -rf $(BUILD) $(TEST_BUILD) $(FUZZ_BUILD)
