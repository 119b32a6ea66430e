# pxOS: the two commands of the README, and their building blocks.
#   make demo   set up, build and boot the demo guest
#   make test   set up, build and run the whole test suite (also under ASan+UBSan),
#               then a short run of every fuzzer (make fuzz-smoke, docs/SECURITY.md)
BUILD ?= build
ASAN_BUILD ?= build-asan
FUZZ_BUILD ?= build-fuzz
FUZZ_SECONDS ?= 60
JOBS ?= $(shell nproc)
CMAKE_FLAGS ?=

.PHONY: all deps pxos demo test test-asan fuzz-smoke clean

all: pxos

deps:
	@scripts/deps.sh

$(BUILD)/build.ninja: | deps
	cmake -S . -B $(BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo $(CMAKE_FLAGS)

pxos: deps $(BUILD)/build.ninja
	cmake --build $(BUILD) -j $(JOBS)

demo: pxos
	$(BUILD)/pxos run --boot-sector $(BUILD)/guests/demo.bin

# The pixel device (docs/PIXEL_DEVICE.md): a PXI driver built from a text,
# on a floppy with pxboot, which loads it with INT 13h and runs it on the
# pixel device. Standard output is exactly the text (from COM1); pxboot's
# statistics (debug console) go to standard error.
.PHONY: demo-pixel
PIXEL_TEXT ?= Hello from a pixel driver: pxboot read me with INT 13h, the pixel device ran me and drove COM1.
PIXEL_BACKEND ?= auto
demo-pixel: pxos
	$(BUILD)/pxos pxi build --text '$(PIXEL_TEXT)' -o $(BUILD)/demo-pixel.png
	$(BUILD)/pxos pxi floppy $(BUILD)/demo-pixel.png -o $(BUILD)/demo-pixel.img
	$(BUILD)/pxos run --floppy $(BUILD)/demo-pixel.img --serial stdio --display none --debugcon stderr \
	  --pixel-backend $(PIXEL_BACKEND) --timeout 60
	@echo

# Linux to a shell (issue 9): Debian's stock 686 kernel and busybox (fetched
# with apt-get download into build/linux, never committed), an initramfs
# whose /init starts a shell on the serial console, booted on the software
# engine. Type commands; `poweroff -f` (ACPI S5: status 0) or
# Ctrl-A x ends the session. LINUX_ENGINE=kvm, LINUX_PROTOCOL=32 to vary.
.PHONY: demo-linux
LINUX_ENGINE ?= soft
LINUX_PROTOCOL ?= 16
demo-linux: pxos
	scripts/fetch-linux.sh $(BUILD)/linux
	$(BUILD)/pxos initramfs --busybox $(BUILD)/linux/busybox --init scripts/linux/init-shell -o $(BUILD)/linux/initramfs-shell.gz
	@echo "pxos: booting Linux on the serial console"
	$(BUILD)/pxos run --engine $(LINUX_ENGINE) --kernel $(BUILD)/linux/bzImage --initrd $(BUILD)/linux/initramfs-shell.gz \
	  --append "console=ttyS0" --boot-protocol $(LINUX_PROTOCOL) --serial stdio --debugcon none; \
	  status=$$?; [ $$status = 0 ] || [ $$status = 127 ] || exit $$status

# A real Debian (issue 19): a Debian 12 i386 system disk built once with
# debootstrap (scripts/debian_image.sh, as root: minutes; cached in
# $(BUILD)/debian), booted on the software engine from virtio-blk, with
# slirp networking, to a login prompt on the serial console (root, pxos).
# DEBIAN_NET= boots it without a network.
.PHONY: demo-debian debian-image
DEBIAN_DIR ?= $(BUILD)/debian
DEBIAN_NET ?= --net user
debian-image:
	scripts/debian_image.sh $(DEBIAN_DIR)

demo-debian: pxos
	@for flag in --disk $(DEBIAN_NET); do \
	  case $$flag in --*) ;; *) continue ;; esac; \
	  $(BUILD)/pxos run --help 2>&1 | grep -q -- "^ *$$flag " || \
	    { echo "pxos: make demo-debian needs pxos run $$flag, which this pxos does not have yet (issue 19)" >&2; exit 1; }; \
	done
	scripts/debian_image.sh $(DEBIAN_DIR)
	@echo "pxos: booting Debian on the serial console; log in as root, password pxos"
	$(BUILD)/pxos run --engine soft --kernel $(DEBIAN_DIR)/vmlinuz --initrd $(DEBIAN_DIR)/initrd.img \
	  --append "root=/dev/vda console=ttyS0 rw" --disk $(DEBIAN_DIR)/disk.img $(DEBIAN_NET) --serial stdio --display none

test: pxos
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)
	$(MAKE) --no-print-directory test-asan
	$(MAKE) --no-print-directory fuzz-smoke

# The unit and guest tests again, built with AddressSanitizer and
# UndefinedBehaviorSanitizer: any report fails the run.
test-asan: deps
	cmake -S . -B $(ASAN_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=Debug -DPXOS_SANITIZE=ON $(CMAKE_FLAGS)
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	  ctest --output-on-failure -j $(JOBS) -L 'unit|guest'

# The libFuzzer targets (src/fuzz, clang, ASan+UBSan), each run for
# FUZZ_SECONDS from the seed corpora, JOBS at a time: any crash, leak or
# sanitizer report fails the run (docs/SECURITY.md).
fuzz-smoke: deps
	CC=clang CXX=clang++ cmake -S . -B $(FUZZ_BUILD) -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPXOS_SANITIZE=ON \
	  -DPXOS_FUZZ=ON -DPXOS_PXI_VULKAN=OFF -DPXOS_PXI_CUDA=OFF $(CMAKE_FLAGS)
	cmake --build $(FUZZ_BUILD) -j $(JOBS) --target fuzz
	scripts/fuzz.sh $(FUZZ_BUILD) $(FUZZ_SECONDS) $(JOBS)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) $(FUZZ_BUILD)
