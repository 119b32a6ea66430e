# pxOS: the two commands of the README, and their building blocks.
#   make demo   set up, build and boot the demo guest
#   make test   set up, build and run the whole test suite (also under ASan+UBSan)
BUILD ?= build
ASAN_BUILD ?= build-asan
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps pxos demo test test-asan clean

all: pxos

deps:
	@scripts/deps.sh

$(BUILD)/build.ninja: | deps
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS)

pxos: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

demo: pxos
	$(BUILD)/pxos run --boot-sector $(BUILD)/guests/demo.bin

test: pxos
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	$(MAKE) --no-print-directory test-asan

# The unit and guest tests again, built with AddressSanitizer and
# UndefinedBehaviorSanitizer: any report fails the run.
test-asan: deps
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DPXOS_SANITIZE=ON $(CMAKE_FLAGS)
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS) -L 'unit|guest'

clean:
	rm -rf $(BUILD) $(ASAN_BUILD)
