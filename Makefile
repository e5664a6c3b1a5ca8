# drover — see README.md. `make` builds ./drover; `make test` and `make demo`
# first install what a fresh Debian 12 machine lacks (scripts/deps.sh).

PKGS      := libssh2 yaml-0.1 libcrypto libpcre2-8 jansson sqlite3 libcrypt
CC        ?= cc
SANITIZE  ?=
WARNINGS  := -Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
             -Wwrite-strings -Wvla -Wformat=2
CFLAGS    ?= -O2 -g
CPPFLAGS  += -D_GNU_SOURCE -Iinclude
PKG_CFLAGS = $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   = $(shell pkg-config --libs $(PKGS)) -lm

ifeq ($(SANITIZE),)
BUILD     := build
PROGRAM   := drover
else
BUILD     := build-san
PROGRAM   := build-san/drover
CFLAGS    := -O1 -g -fno-omit-frame-pointer -fsanitize=$(SANITIZE) -fno-sanitize-recover=all
LDFLAGS   += -fsanitize=$(SANITIZE)
endif

ALL_CFLAGS = -std=gnu11 $(WARNINGS) $(CFLAGS) $(CPPFLAGS) $(PKG_CFLAGS) -MMD -MP

SRCS      := $(wildcard src/*.c)
OBJS      := $(SRCS:src/%.c=$(BUILD)/%.o) $(BUILD)/modules_embed.o $(BUILD)/helper_embed.o
LIB_OBJS  := $(filter-out $(BUILD)/main.o,$(OBJS))
MODULES   := $(sort $(wildcard modules/*.sh))
HELPER_SRCS := $(sort $(wildcard modules/remote/*.c))
HELPER_MODS := $(sort $(wildcard modules/remote/mod_*.c))
UNIT_SRCS := $(wildcard tests/unit/test_*.c)
UNIT_BINS := $(UNIT_SRCS:tests/unit/%.c=$(BUILD)/tests/%)

.PHONY: all unit test test-unit test-integration demo deps bench clean san

all: $(PROGRAM)

$(PROGRAM): $(OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(PKG_LIBS)

$(BUILD)/%.o: src/%.c
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# Modules travel inside the binary: one C array per modules/NAME.sh.
$(BUILD)/modules_embed.c: $(MODULES) scripts/embed-modules.sh
	@mkdir -p $(dir $@)
	sh scripts/embed-modules.sh $(MODULES) > $@.tmp && mv $@.tmp $@

$(BUILD)/modules_embed.o: $(BUILD)/modules_embed.c
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# The host helper (modules/remote/): static, small, never sanitized (it runs
# on hosts), built for this machine's architecture and embedded whole.
$(BUILD)/drover-remote: $(HELPER_SRCS) $(wildcard modules/remote/*.h)
	@mkdir -p $(dir $@)
	$(CC) -std=gnu11 $(WARNINGS) -D_GNU_SOURCE -static -Os -s -o $@.tmp $(HELPER_SRCS) && mv $@.tmp $@

$(BUILD)/helper_embed.c: $(BUILD)/drover-remote $(HELPER_MODS) scripts/embed-helper.sh
	sh scripts/embed-helper.sh $(CURDIR)/$(BUILD)/drover-remote $(HELPER_MODS) > $@.tmp && mv $@.tmp $@

$(BUILD)/helper_embed.o: $(BUILD)/helper_embed.c $(BUILD)/drover-remote
	$(CC) $(ALL_CFLAGS) -c -o $@ $<

# Only the test's own .c is compiled: test_remote.c includes modules/remote/util.c,
# which -MMD then lists among the prerequisites.
$(BUILD)/tests/%: tests/unit/%.c $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(shell pkg-config --cflags cmocka) $(LDFLAGS) -o $@ $< $(filter %.o,$^) \
		$(PKG_LIBS) $(shell pkg-config --libs cmocka)

unit: $(UNIT_BINS)

deps:
	@sh scripts/deps.sh

# Every unit test, then every integration test, with the plain build and
# again with AddressSanitizer + UBSan.
test: deps
	$(MAKE) all unit
	$(MAKE) SANITIZE=address,undefined all unit
	sh tests/run-unit.sh build/tests build-san/tests
	sh tests/run.sh ./drover build-san/drover

demo: deps
	$(MAKE) all
	sh scripts/demo.sh

bench: deps
	$(MAKE) all
	sh bench/adhoc.sh 50

clean:
	rm -rf build build-san drover

-include $(OBJS:.o=.d) $(UNIT_BINS:=.d)

# --- sshprobe (tests/helpers/sshprobe.c): drover's SSH transport against a real sshd ---
$(BUILD)/sshprobe: tests/helpers/sshprobe.c $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(ALL_CFLAGS) $(LDFLAGS) -o $@ $(filter %.c %.o,$^) $(PKG_LIBS)

unit: $(BUILD)/sshprobe
# --- end sshprobe ---
