# clustersim build. Plain GNU make, out-of-tree build/ (STYLE.md 17).
# Every target that compiles first makes sure the -dev packages are there:
# as root it installs them with apt-get, otherwise it names the command.

SHELL   := /bin/bash
CC      ?= cc
PKGS    := sqlite3 libcjson criterion
DEBS    := libsqlite3-dev libcjson-dev libcriterion-dev pkg-config sqlite3
BUILD   ?= build
OPT     ?= -O2 -g
WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wvla -Werror
# 32-bit x86 (i386, or -m32 in EXTRA_CFLAGS): SSE2 arithmetic, because
# x87's 80-bit registers round differently and change float results (and
# so traces) from every other target.
ARCH_CFLAGS := $(shell echo | $(CC) $(EXTRA_CFLAGS) -dM -E - 2>/dev/null \
                 | grep -q '__i386__' && echo -msse2 -mfpmath=sse)
CFLAGS  := -std=c11 -D_POSIX_C_SOURCE=200809L $(OPT) $(WARN) -ffp-contract=off -MMD -MP \
           -I. $(ARCH_CFLAGS) $(EXTRA_CFLAGS)
export LC_ALL := C

# Quiet builds: one "CC file" line per object; V=1 prints the commands.
ifeq ($(V),1)
Q :=
say = @:
else
Q := @
say = @echo "  $(1) $(2)"
endif

LIBSRC  := $(sort $(wildcard sim/*.c core/*/*.c net_model/*.c scenarios/*.c traces/*.c cli/*.c))
TESTSRC := $(sort $(wildcard tests/*.c))
LIBERL  := $(sort $(wildcard core/lib/*.erl))
# The library's Erlang sources, built into the binary (core/lib/embed.sh).
LIBOBJ  := $(LIBSRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/lib_sources.o
TESTOBJ := $(TESTSRC:%.c=$(BUILD)/%.o)
BIN     ?= bin/clustersim

.PHONY: all deps locale check-i386 demo test test-sweeps test-slurm docs check-docs unit regress golden regress-builds bench bench-instr bench-peers bench-scale asan clean check-engine check-layers layers-graph render-test cap-html-test fuzz mutants otp-deps otp-diff otp-expected

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
PKG_LIBS   = $(shell pkg-config --libs sqlite3 libcjson 2>/dev/null) -lm -pthread
CRIT_LIBS  = $(shell pkg-config --libs criterion 2>/dev/null)

deps:
	@if ! command -v pkg-config >/dev/null 2>&1 || ! pkg-config --exists $(PKGS) || \
	    ! command -v sqlite3 >/dev/null 2>&1; then \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing build dependencies: $(DEBS)"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq $(DEBS) >/dev/null; \
	  else \
	    echo "missing build dependencies; run as root:"; \
	    echo "  apt-get update && apt-get install -y $(DEBS)"; exit 1; \
	  fi; \
	fi

$(BUILD)/gen/lib_sources.c: $(LIBERL) core/lib/embed.sh
	@mkdir -p $(dir $@)
	$(call say,GEN,$@)
	$(Q)sh core/lib/embed.sh $@ $(LIBERL)

$(BUILD)/gen/lib_sources.o: $(BUILD)/gen/lib_sources.c
	$(call say,CC,$<)
	$(Q)$(CC) $(CFLAGS) -c $< -o $@

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(call say,CC,$<)
	$(Q)$(CC) $(CFLAGS) $(PKG_CFLAGS) -c $< -o $@

$(BIN): $(LIBOBJ) $(BUILD)/main.o
	@mkdir -p $(dir $@)
	$(call say,LD,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS) $(EXTRA_LDFLAGS)

$(BUILD)/unit: $(LIBOBJ) $(TESTOBJ)
	$(call say,LD,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $^ $(PKG_LIBS) $(CRIT_LIBS) $(EXTRA_LDFLAGS)

demo: all
	./$(BIN) run scenarios/book/cap.json

# Criterion units, then every scenario run for its expectations, then goldens.
test: deps locale
	$(MAKE) --no-print-directory $(BIN) $(BUILD)/unit
	$(BUILD)/unit --jobs 2
	sh tests/scenarios.sh ./$(BIN)
	sh tests/must_fail.sh ./$(BIN)
	sh tests/cli.sh ./$(BIN)
	sh tests/shrink.sh ./$(BIN)
	sh tests/trace_merge.sh ./$(BIN)
	sh tests/nemesis.sh ./$(BIN)
	sh tests/history.sh ./$(BIN)
	sh tests/cap.sh ./$(BIN)
	sh tests/sweep.sh ./$(BIN)
	$(MAKE) --no-print-directory test-sweeps
	$(MAKE) --no-print-directory otp-diff
	$(MAKE) --no-print-directory check-engine
	$(MAKE) --no-print-directory check-layers
	$(MAKE) --no-print-directory check-docs
	$(MAKE) --no-print-directory regress
	$(MAKE) --no-print-directory render-test
	$(MAKE) --no-print-directory asan

# The scale-out recipes of docs/sweeps.md (part of `make test`): its GNU
# parallel blocks run as written, on this machine (tests/sweep_parallel.sh;
# Debian's parallel installed when missing), and the Kubernetes manifests
# of docs/k8s/ checked as YAML, for their keys, and their scripts run
# here (tests/k8s_manifest.sh; python3-yaml installed when missing).
test-sweeps: deps
	$(MAKE) --no-print-directory $(BIN)
	$(call need,parallel,parallel)
	@py=$$(command -v /usr/bin/python3 || command -v python3); \
	 $$py -c 'import yaml' 2>/dev/null || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing python3-yaml"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3 python3-yaml >/dev/null; \
	  else \
	    echo "PyYAML missing; run as root:"; echo "  apt-get update && apt-get install -y python3-yaml"; exit 1; \
	  fi; }
	sh tests/sweep_parallel.sh ./$(BIN)
	sh tests/k8s_manifest.sh ./$(BIN)

# The Slurm recipe of docs/sweeps.md end to end (tests/test_slurm.sh): a
# one-node Slurm started on localhost in a temporary folder, the array
# script and its merge job, the result compared with one machine's; the
# daemons stopped and the folder removed whatever happens. As root, with
# Debian's slurm-wlm and munge (installed when missing). Where the daemons
# cannot run (not root, no packages, a daemon refusing), it fails, or,
# with WHEN_POSSIBLE=1 (CI), prints "test-slurm: SKIPPED: REASON" and
# succeeds. Not part of `make test`.
test-slurm: deps
	$(MAKE) --no-print-directory $(BIN)
	@if [ "$$(id -u)" = 0 ] && ! { command -v slurmctld && command -v slurmd && \
	     command -v sbatch && command -v munged; } >/dev/null 2>&1; then \
	  echo "installing slurm-wlm munge"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq slurm-wlm munge >/dev/null \
	    || echo "test-slurm: apt-get install slurm-wlm munge failed"; \
	fi
	sh tests/test_slurm.sh ./$(BIN) $(if $(WHEN_POSSIBLE),--when-possible)

# docs/functions.md is generated from the binary (clustersim lib
# --functions); check-docs fails when it is out of date, or when
# tests/docs.sh finds a user doc pointing outside the repository, a loader
# key or value scenarios/README.md does not name, or an example there that
# does not load.
FUNCTIONS_HEAD = \
	'\# Every function the nodes can call' '' \
	'Generated by `make docs` from `clustersim lib --functions`: the BIF registry,' \
	'the functions the VM runs itself, and the exports of the Erlang modules of' \
	'`core/lib/` (`clustersim lib NAME` prints one). A library module replaces' \
	'everything else of its name. Do not edit: run `make docs`.' ''

docs: $(BIN)
	@{ printf '%s\n' $(FUNCTIONS_HEAD); ./$(BIN) lib --functions; } >docs/functions.md
	@echo "docs/functions.md: $$(grep -c '^| `' docs/functions.md) functions"

check-docs: $(BIN)
	@{ printf '%s\n' $(FUNCTIONS_HEAD); ./$(BIN) lib --functions; } | cmp -s - docs/functions.md \
	  || { echo "check-docs: docs/functions.md is out of date: run make docs"; exit 1; }
	@sh tests/docs.sh ./$(BIN)
	@echo "check-docs: ok"

unit: deps locale
	$(MAKE) --no-print-directory $(BIN) $(BUILD)/unit
	$(BUILD)/unit --jobs 2

# A comma-decimal locale for tests/test_locale.c, generated into
# build/locale (no root needed) unless the machine has one. localedef's
# sources are Debian's `locales` package (installed as root when missing);
# without them the test skips its locale part, saying why.
locale:
	@if locale -a 2>/dev/null | grep -qix 'de_DE.utf-\?8' || [ -d build/locale/de_DE.UTF-8 ]; then :; \
	elif [ ! -e /usr/share/i18n/locales/de_DE ] && [ "$$(id -u)" = 0 ]; then \
	  echo "installing locales"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq locales >/dev/null; \
	fi
	@if ! locale -a 2>/dev/null | grep -qix 'de_DE.utf-\?8' && [ ! -d build/locale/de_DE.UTF-8 ]; then \
	  mkdir -p build/locale; \
	  localedef -i de_DE -f UTF-8 build/locale/de_DE.UTF-8 >/dev/null 2>&1 \
	    && echo "  GEN build/locale/de_DE.UTF-8" \
	    || echo "locale: cannot generate de_DE.UTF-8 (apt-get install locales); test_locale skips its locale part"; \
	fi

# The HTML render end to end: demos drawn, screenshots by headless Chromium
# (installed with apt-get as root when missing; the target fails, saying
# why, when it cannot be), the DOM checked. Screenshots: build/render/*.png.
render-test: deps
	$(MAKE) --no-print-directory $(BIN)
	sh tests/render.sh ./$(BIN)
	$(MAKE) --no-print-directory cap-html-test

# The page of `clustersim cap --html` end to end (tests/cap_html.sh): a
# small scenario under two strategies, the bytes deterministic, the DOM
# Chromium built checked, screenshots in build/cap_html/*.png.
cap-html-test: deps
	$(MAKE) --no-print-directory $(BIN)
	sh tests/cap_html.sh ./$(BIN)

# A sanitizer build in its own tree; LeakSanitizer reports make it fail
# (Criterion counts a leaking test as passed, STYLE.md 15).
asan: deps locale
	$(MAKE) --no-print-directory BUILD=build/asan BIN=build/asan/clustersim \
	  OPT="-O1 -g -fno-omit-frame-pointer" \
	  EXTRA_CFLAGS="-fsanitize=address,undefined -fno-sanitize-recover=undefined" \
	  EXTRA_LDFLAGS="-fsanitize=address,undefined" build/asan/unit build/asan/clustersim
	ASAN_OPTIONS=detect_leaks=1 build/asan/unit --jobs 2 2>&1 | tee build/asan/unit.log; \
	  status=$${PIPESTATUS[0]}; \
	  if grep -q LeakSanitizer build/asan/unit.log; then echo "asan: leaks reported"; exit 1; fi; \
	  exit $$status
	ONCE=1 ASAN_OPTIONS=detect_leaks=1 sh tests/scenarios.sh build/asan/clustersim
	ASAN_OPTIONS=detect_leaks=1 sh tests/must_fail.sh build/asan/clustersim
	ASAN_OPTIONS=detect_leaks=1 sh tests/cli.sh build/asan/clustersim
	ASAN_OPTIONS=detect_leaks=1 sh tests/shrink.sh build/asan/clustersim
	ASAN_OPTIONS=detect_leaks=1 sh tests/trace_merge.sh build/asan/clustersim
	ASAN_OPTIONS=detect_leaks=1 sh tests/history.sh build/asan/clustersim
	ASAN_OPTIONS=detect_leaks=1 sh tests/sweep.sh build/asan/clustersim
	ASAN_OPTIONS=detect_leaks=1 build/asan/clustersim $(REGRESS)
	$(MAKE) --no-print-directory $(BIN) build/chaos_gen
	sh tests/chaos.sh build/chaos_gen ./$(BIN) build/asan/clustersim 1 $(CHAOS_SEEDS)

# 32-bit x86: the evaluator, the term printer and the PRNG built for i686
# (Debian's gcc-i686-linux-gnu, installed as root when missing; static, so
# no i386 libraries are needed) must print what the host build prints
# (tests/arch/check.c), and every source must compile for i686. The i686
# build gets ARCH_CFLAGS like any other.
ARCH_SRC = $(sort $(wildcard core/term/*.c core/erl/*.c)) sim/rng.c
$(BUILD)/arch_check: tests/arch/check.c $(ARCH_SRC)
	@mkdir -p $(dir $@)
	$(call say,LD,$@)
	$(Q)$(CC) $(CFLAGS) -o $@ $^ -lm $(EXTRA_LDFLAGS)

check-i386:
	$(call need,i686-linux-gnu-gcc,gcc-i686-linux-gnu libc6-dev-i386-cross)
	$(MAKE) --no-print-directory $(BUILD)/arch_check
	$(MAKE) --no-print-directory BUILD=build/i386 CC=i686-linux-gnu-gcc \
	  EXTRA_LDFLAGS=-static build/i386/arch_check
	$(BUILD)/arch_check >$(BUILD)/arch_check.out
	build/i386/arch_check >build/i386/arch_check.out
	@# and every source compiles for i686 (no __int128: core/term/i128.h)
	$(Q)for f in $(LIBSRC) main.c; do \
	  i686-linux-gnu-gcc -std=c11 -D_POSIX_C_SOURCE=200809L $(WARN) -msse2 \
	    -mfpmath=sse -I. $(PKG_CFLAGS) -idirafter /usr/include \
	    -fsyntax-only $$f || exit 1; done
	@cmp $(BUILD)/arch_check.out build/i386/arch_check.out \
	  && echo "check-i386: ok (i686 prints what $$(uname -m) prints)" \
	  || { diff $(BUILD)/arch_check.out build/i386/arch_check.out; exit 1; }

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

# libFuzzer on the scenario loader, on the Erlang-subset evaluator and on
# the history reader and checker (clang); FUZZ_SECONDS each, corpora
# seeded from the scenarios and tests/fuzz/history/.
FUZZ_SECONDS ?= 60
FUZZ_FLAGS = -std=c11 -D_POSIX_C_SOURCE=200809L -g -O1 -I. \
             -fsanitize=fuzzer,address,undefined $(PKG_CFLAGS)
EVAL_SRC = $(wildcard core/term/*.c core/erl/*.c)
fuzz: deps
	$(call need,clang,clang)
	@mkdir -p build/fuzz/loader build/fuzz/eval build/fuzz/module build/fuzz/history
	$(MAKE) --no-print-directory $(BUILD)/gen/lib_sources.c
	clang $(FUZZ_FLAGS) -o build/fuzz/fuzz_loader tests/fuzz/fuzz_loader.c \
	  $(filter-out cli/%,$(LIBSRC)) $(BUILD)/gen/lib_sources.c $(PKG_LIBS)
	clang $(FUZZ_FLAGS) -o build/fuzz/fuzz_eval tests/fuzz/fuzz_eval.c $(EVAL_SRC) -lm
	clang $(FUZZ_FLAGS) -o build/fuzz/fuzz_module tests/fuzz/fuzz_module.c $(EVAL_SRC) -lm
	clang $(FUZZ_FLAGS) -o build/fuzz/fuzz_history tests/fuzz/fuzz_history.c \
	  traces/history.c traces/lincheck.c core/term/xalloc.c -lm
	cp scenarios/*/*.json tests/good/*.json tests/bad/*.json tests/cases/*.json build/fuzz/loader/
	python3 tests/fuzz/eval_corpus.py build/fuzz/eval
	cp tests/otp/modules/*.erl scenarios/*/*.erl bench/*.erl build/fuzz/module/
	cp tests/fuzz/history/* build/fuzz/history/
	build/fuzz/fuzz_loader -max_total_time=$(FUZZ_SECONDS) -max_len=4096 build/fuzz/loader
	build/fuzz/fuzz_eval -max_total_time=$(FUZZ_SECONDS) -max_len=512 -timeout=5 build/fuzz/eval
	build/fuzz/fuzz_module -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -timeout=5 build/fuzz/module
	build/fuzz/fuzz_history -max_total_time=$(FUZZ_SECONDS) -max_len=4096 -timeout=5 build/fuzz/history

bench: deps
	$(MAKE) --no-print-directory $(BUILD)/bench_engine $(BUILD)/bench_store $(BUILD)/bench_history
	$(BUILD)/bench_engine
	$(BUILD)/bench_store 2000000 $(BUILD)/bench_store.db
	$(BUILD)/bench_history
	$(call need,valgrind,valgrind)
	$(call need,/usr/bin/time,time)
	$(MAKE) --no-print-directory $(BIN)
	sh bench/messages.sh ./$(BIN)
	sh bench/idle.sh ./$(BIN)
	sh bench/cap.sh ./$(BIN)
	sh bench/store_e2e.sh ./$(BIN)
	$(MAKE) --no-print-directory $(BUILD)/bench_sweep_base
	sh bench/sweep.sh ./$(BIN) $(BUILD)/bench_sweep_base
	$(MAKE) --no-print-directory bench-peers

# clustersim side by side with SimGrid and real Erlang (bench/peers.sh):
# the peers' packages are installed here when missing, never by `make test`.
bench-peers: $(BIN) $(BUILD)/bench_simgrid
	$(call need,erl,erlang-base)
	$(call need,/usr/bin/time,time)
	sh bench/peers.sh ./$(BIN) $(BUILD)/bench_simgrid

# callgrind instructions per message, clustersim and SimGrid (bench/instr.sh)
bench-instr: $(BIN) $(BUILD)/bench_simgrid
	$(call need,valgrind,valgrind)
	sh bench/instr.sh ./$(BIN) $(BUILD)/bench_simgrid

# the mesh scenario at growing N (bench/scale.sh): wall time, RSS, trace
# events and the fitted growth exponent. Minutes long, so not in `make bench`.
# SIZES, RUNS and BUDGET go to the script from the command line or the env.
bench-scale: $(BIN)
	$(call need,/usr/bin/time,time)
	SIZES="$(or $(SIZES),50 100 200 300 500 1000)" RUNS="$(or $(RUNS),3)" BUDGET="$(or $(BUDGET),120)" \
	  sh bench/scale.sh ./$(BIN)

# SimGrid 3.32's s4u is C++: Debian's libsimgrid-dev, and g++.
CXX_BENCH ?= g++
$(BUILD)/bench_simgrid: bench/simgrid/sg_bench.cpp
	$(call need,$(CXX_BENCH),g++)
	@pkg-config --exists simgrid || { \
	  if [ "$$(id -u)" = 0 ]; then \
	    echo "installing libsimgrid-dev"; \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libsimgrid-dev >/dev/null; \
	  else \
	    echo "SimGrid missing; run as root:"; echo "  apt-get update && apt-get install -y libsimgrid-dev"; exit 1; \
	  fi; }
	@mkdir -p $(BUILD)
	$(CXX_BENCH) -O2 -o $@ $< $$(pkg-config --cflags --libs simgrid)

$(BUILD)/bench_engine: bench/engine.c $(LIBOBJ)
	@mkdir -p $(BUILD)
	$(CC) $(CFLAGS) -O2 -o $@ $^ $(PKG_LIBS)

$(BUILD)/bench_history: bench/history.c $(LIBOBJ)
	@mkdir -p $(BUILD)
	$(CC) $(CFLAGS) -O2 -o $@ $^ $(PKG_LIBS)

$(BUILD)/bench_sweep_base: bench/sweep_base.c $(LIBOBJ)
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

# Golden traces (traces/README.md): `regress` replays every scenario
# (`clustersim regress`: twice, stored, compared with
# traces/golden/NAME.trace, printing the first differing line); `golden`
# rewrites them on purpose. It and `otp-expected` are the only targets
# that write into the source tree.
REGRESS = regress scenarios --golden traces/golden
regress: deps
	$(MAKE) --no-print-directory $(BIN)
	./$(BIN) $(REGRESS)

golden: deps
	$(MAKE) --no-print-directory $(BIN)
	./$(BIN) $(REGRESS) --update

# The goldens must hold for every build (traces/README.md): an -O0 build and a
# clang build, each in its own tree, replay them too.
regress-builds: deps
	$(call need,clang,clang)
	$(MAKE) --no-print-directory BUILD=build/O0 BIN=build/O0/clustersim \
	  OPT="-O0 -g" build/O0/clustersim
	build/O0/clustersim $(REGRESS)
	$(MAKE) --no-print-directory BUILD=build/clang BIN=build/clang/clustersim \
	  CC=clang build/clang/clustersim
	build/clang/clustersim $(REGRESS)

# sim/ core/ net_model/ must not call the clock, libc randomness or stdio
# (xalloc, which keeps the memory bound, is the exception: it measures the
# process's memory and its default hard stop writes one line to stderr).
check-engine: $(LIBOBJ)
	@bad=$$(nm -u $(filter-out $(BUILD)/core/term/xalloc.o,$(filter $(BUILD)/sim/% $(BUILD)/core/% $(BUILD)/net_model/%,$(LIBOBJ))) \
	  | grep -E ' (time|clock_gettime|gettimeofday|rand|srand|random|printf|fprintf|puts|fopen|getenv|getpid)$$' | sort -u); \
	  if [ -n "$$bad" ]; then echo "check-engine: forbidden calls:"; echo "$$bad"; exit 1; fi; \
	  echo "check-engine: ok"

# Dependencies point down (core/README.md): no file includes or calls
# into a layer above its own; cJSON only in scenarios/, cli/ and main.c, SQLite
# only in traces/. `layers-graph` prints the include graph between folders.
check-layers: $(LIBOBJ) $(BUILD)/main.o
	@sh tests/check_layers.sh $(BUILD)

layers-graph:
	@sh tests/check_layers.sh --graph

clean:
	rm -rf build bin

-include $(LIBOBJ:.o=.d) $(TESTOBJ:.o=.d) $(BUILD)/main.d
