# clustersim build. Plain GNU make, out-of-tree build/ (STYLE.md 17).
# Every target that compiles first makes sure the -dev packages are there:
# as root it installs them with apt-get, otherwise it names the command.

SHELL   := /bin/bash
CC      ?= cc
PKGS    := sqlite3 libcjson criterion
DEBS    := libsqlite3-dev libcjson-dev libcriterion-dev pkg-config
BUILD   ?= build
OPT     ?= -O2 -g
WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla -Werror
CFLAGS  := -std=c11 -D_POSIX_C_SOURCE=200809L $(OPT) $(WARN) -ffp-contract=off -MMD -MP \
           -I. $(EXTRA_CFLAGS)
export LC_ALL := C

LIBSRC  := $(sort $(wildcard sim/*.c core/*/*.c net_model/*.c scenarios/*.c traces/*.c))
TESTSRC := $(sort $(wildcard tests/*.c))
LIBOBJ  := $(LIBSRC:%.c=$(BUILD)/%.o)
TESTOBJ := $(TESTSRC:%.c=$(BUILD)/%.o)
BIN     ?= bin/clustersim

.PHONY: all deps demo test unit regress golden regress-builds bench asan clean check-engine check-layers layers-graph render-test fuzz mutants otp-deps otp-diff otp-expected

all: deps $(BIN)

# $(call need,COMMAND,PACKAGE): a tool a target needs. When COMMAND is
# missing, root gets Debian's PACKAGE installed with apt-get; anyone else
# is told the command to run, and the target fails.
need = @command -v $(1) >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing $(2)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(2) >/dev/null; \
	  else \
	    echo "$(1) missing; run as root:"; echo "  apt-get update && apt-get install -y $(2)"; exit 1; \
	  fi; }

# Resolve pkg-config flags lazily so that `deps` can install them first.
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   = $(shell pkg-config --libs sqlite3 libcjson 2>/dev/null) -lm
CRIT_LIBS  = $(shell pkg-config --libs criterion 2>/dev/null)

deps:
	@if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists $(PKGS); then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing build dependencies: $(DEBS)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEBS) >/dev/null; \
	  else \
	    echo "missing build dependencies; run as root:"; \
	    echo "  apt-get update && apt-get install -y $(DEBS)"; exit 1; \
	  fi; \
	fi

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(PKG_CFLAGS) -c $< -o $@

$(BIN): $(LIBOBJ) $(BUILD)/main.o
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS) $(EXTRA_LDFLAGS)

$(BUILD)/unit: $(LIBOBJ) $(TESTOBJ)
	$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS) $(CRIT_LIBS) $(EXTRA_LDFLAGS)

demo: all
	./$(BIN) run scenarios/book/cap.json

# Criterion units, then every scenario run for its expectations, then goldens.
test: deps
	$(MAKE) --no-print-directory $(BIN) $(BUILD)/unit
	$(BUILD)/unit --jobs 2
	sh tests/scenarios.sh ./$(BIN)
	sh tests/must_fail.sh ./$(BIN)
	$(MAKE) --no-print-directory otp-diff
	$(MAKE) --no-print-directory check-engine
	$(MAKE) --no-print-directory check-layers
	$(MAKE) --no-print-directory regress
	$(MAKE) --no-print-directory render-test
	$(MAKE) --no-print-directory asan

unit: deps
	$(MAKE) --no-print-directory $(BIN) $(BUILD)/unit
	$(BUILD)/unit --jobs 2

# The HTML render end to end: demos drawn, screenshots by headless Chromium
# (installed with apt-get as root when missing; the target fails, saying
# why, when it cannot be), the DOM checked. Screenshots: build/render/*.png.
render-test: deps
	$(MAKE) --no-print-directory $(BIN)
	sh tests/render.sh ./$(BIN)

# A sanitizer build in its own tree; LeakSanitizer reports make it fail
# (Criterion counts a leaking test as passed, STYLE.md 15).
asan: deps
	$(MAKE) --no-print-directory BUILD=build/asan BIN=build/asan/clustersim \
	  OPT="-O1 -g -fno-omit-frame-pointer" \
	  EXTRA_CFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=undefined" \
	  EXTRA_LDFLAGS="-fsanitize=address,undefined" build/asan/unit build/asan/clustersim
	ASAN_OPTIONS=detect_leaks=1 build/asan/unit --jobs 2 2>&1 | tee build/asan/unit.log; \
	  status=$${PIPESTATUS[0]}; \
	  if grep -q LeakSanitizer build/asan/unit.log; then echo "asan: leaks reported"; exit 1; fi; \
	  exit $$status
	ASAN_OPTIONS=detect_leaks=1 sh tests/scenarios.sh build/asan/clustersim
	ASAN_OPTIONS=detect_leaks=1 sh tests/must_fail.sh build/asan/clustersim
	ASAN_OPTIONS=detect_leaks=1 sh tests/regress.sh build/asan/clustersim
	$(MAKE) --no-print-directory $(BIN) build/chaos_gen
	sh tests/chaos.sh build/chaos_gen ./$(BIN) build/asan/clustersim 1 $(CHAOS_SEEDS)

# Random scenarios for tests/chaos.sh (make asan runs CHAOS_SEEDS of them).
CHAOS_SEEDS ?= 200
build/chaos_gen: tests/chaos/gen.c sim/rng.c
	@mkdir -p build
	$(CC) $(CFLAGS) -o $@ $^

# The differential test against real OTP 25 (tests/otp/README.md): the
# corpus, the modules and OTP_DIFF_SEEDS generated expressions, run by
# clustersim and by real erl/erlc (Debian's erlang-base, installed with
# apt-get as root when missing, as the -dev packages are), compared with
# tests/otp/expected/ and with tests/otp/known.txt. `otp-expected`
# rewrites tests/otp/expected/ from real erl on purpose; review the diff.
OTP_DIFF_SEEDS ?= 200
otp-deps:
	$(call need,erlc,erlang-base)

otp-diff: deps otp-deps
	$(MAKE) --no-print-directory $(BIN) build/otp_gen
	OTP_DIFF_SEEDS=$(OTP_DIFF_SEEDS) sh tests/otp_diff.sh ./$(BIN) build/otp_gen

otp-expected: otp-deps
	sh tests/otp_diff.sh --expected

build/otp_gen: tests/otp/gen.c sim/rng.c
	@mkdir -p build
	$(CC) $(CFLAGS) -o $@ $^

# libFuzzer on the scenario loader and on the Erlang-subset evaluator
# (clang); FUZZ_SECONDS each, corpora seeded from the scenarios.
FUZZ_SECONDS ?= 60
FUZZ_FLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 -I. \
             -fsanitize=fuzzer,address,undefined $(PKG_CFLAGS)
EVAL_SRC = $(wildcard core/term/*.c core/erl/*.c)
fuzz: deps
	$(call need,clang,clang)
	@mkdir -p build/fuzz/loader build/fuzz/eval build/fuzz/module
	clang $(FUZZ_FLAGS) -o build/fuzz/fuzz_loader tests/fuzz/fuzz_loader.c \
	  scenarios/loader.c scenarios/load_values.c scenarios/load_timeline.c \
	  scenarios/jsonpos.c scenarios/plan.c net_model/latency.c \
	  sim/rng.c $(EVAL_SRC) $(PKG_LIBS)
	clang $(FUZZ_FLAGS) -o build/fuzz/fuzz_eval tests/fuzz/fuzz_eval.c $(EVAL_SRC) -lm
	clang $(FUZZ_FLAGS) -o build/fuzz/fuzz_module tests/fuzz/fuzz_module.c $(EVAL_SRC) -lm
	cp scenarios/*/*.json tests/good/*.json tests/bad/*.json tests/cases/*.json build/fuzz/loader/
	python3 tests/fuzz/eval_corpus.py build/fuzz/eval
	cp tests/otp/modules/*.erl scenarios/*/*.erl bench/*.erl build/fuzz/module/
	build/fuzz/fuzz_loader -max_total_time=$(FUZZ_SECONDS) -max_len=4096 build/fuzz/loader
	build/fuzz/fuzz_eval -max_total_time=$(FUZZ_SECONDS) -max_len=512 -timeout=5 build/fuzz/eval
	build/fuzz/fuzz_module -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -timeout=5 build/fuzz/module

bench: deps
	$(MAKE) --no-print-directory $(BUILD)/bench_engine $(BUILD)/bench_store
	$(BUILD)/bench_engine
	$(BUILD)/bench_store 2000000 $(BUILD)/bench_store.db
	$(call need,valgrind,valgrind)
	$(MAKE) --no-print-directory $(BIN)
	sh bench/messages.sh ./$(BIN)

$(BUILD)/bench_engine: bench/engine.c $(LIBOBJ)
	@mkdir -p $(BUILD)
	$(CC) $(CFLAGS) -O2 -o $@ $^ $(PKG_LIBS)

$(BUILD)/bench_store: bench/store.c $(LIBOBJ)
	@mkdir -p $(BUILD)
	$(CC) $(CFLAGS) -O2 -o $@ $^ $(PKG_LIBS)

# The suite's own test (tests/mutants.sh): every deliberate bug listed in
# tests/mutants/list, applied to a scratch copy under build/mutants/, must
# make one of its tests fail. MUTANTS_JOBS at a time; MUTANTS=NAME... runs
# only those.
MUTANTS_JOBS ?= 2
mutants: deps otp-deps
	$(MAKE) --no-print-directory $(BIN) $(BUILD)/unit $(BUILD)/otp_gen
	bash tests/mutants.sh -j $(MUTANTS_JOBS) $(MUTANTS)

# Golden traces (traces/README.md): `regress` replays every scenario and
# compares its canonical trace with traces/golden/NAME.trace, printing the
# first differing line; `golden` rewrites them on purpose. It and
# `otp-expected` are the only targets that write into the source tree.
regress: deps
	$(MAKE) --no-print-directory $(BIN)
	sh tests/regress.sh ./$(BIN)

golden: deps
	$(MAKE) --no-print-directory $(BIN)
	sh tests/regress.sh --golden ./$(BIN)

# The goldens must hold for every build (DESIGN.md): an -O0 build and a
# clang build, each in its own tree, replay them too.
regress-builds: deps
	$(call need,clang,clang)
	$(MAKE) --no-print-directory BUILD=build/O0 BIN=build/O0/clustersim \
	  OPT="-O0 -g" build/O0/clustersim
	sh tests/regress.sh build/O0/clustersim
	$(MAKE) --no-print-directory BUILD=build/clang BIN=build/clang/clustersim \
	  CC=clang build/clang/clustersim
	sh tests/regress.sh build/clang/clustersim

# sim/ core/ net_model/ must not call the clock, libc randomness or stdio
# (xalloc's one out-of-memory line on the way to abort() is the exception).
check-engine: $(LIBOBJ)
	@bad=$$(nm -u $(filter-out $(BUILD)/core/term/xalloc.o,$(filter $(BUILD)/sim/% $(BUILD)/core/% $(BUILD)/net_model/%,$(LIBOBJ))) \
	  | grep -E ' (time|clock_gettime|gettimeofday|rand|srand|random|printf|fprintf|puts|fopen|getenv|getpid)$$' | sort -u); \
	  if [ -n "$$bad" ]; then echo "check-engine: forbidden calls:"; echo "$$bad"; exit 1; fi; \
	  echo "check-engine: ok"

# Dependencies point down (core/README.md): no file includes or calls
# into a layer above its own; cJSON only in scenarios/ and main.c, SQLite
# only in traces/. `layers-graph` prints the include graph between folders.
check-layers: $(LIBOBJ) $(BUILD)/main.o
	@sh tests/check_layers.sh $(BUILD)

layers-graph:
	@sh tests/check_layers.sh --graph

clean:
	rm -rf build bin

-include $(LIBOBJ:.o=.d) $(TESTOBJ:.o=.d) $(BUILD)/main.d
