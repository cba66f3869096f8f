# Haven build. Entry points: make (build/haven), make run, make test, make bench, make fmt.
include config.mk

SRC      := $(filter-out src/main.c,$(wildcard src/*/*.c src/*/*/*.c))
WEB      := $(wildcard web/*.html web/*.js web/*.css web/i18n/*.json)
SQL      := $(wildcard src/store/sql/*/*.sql)
CONF     := $(wildcard config/*.json config/*/*.json config/*/*/*.json config/*/*.csv)
UNIT_SRC := $(wildcard tests/unit/*.c)

# Three flavours: release, test (settable clock, cheap KDF allowed) and sanitised test.
REL_OBJ  := $(patsubst %.c,build/rel/%.o,$(SRC) src/main.c) build/rel/assets.o
TST_OBJ  := $(patsubst %.c,build/tst/%.o,$(SRC)) build/tst/assets.o
ASN_OBJ  := $(patsubst %.c,build/asn/%.o,$(SRC)) build/asn/assets.o
SAN      := -fsanitize=address,undefined -fno-omit-frame-pointer -fno-sanitize-recover=undefined

# node's test runner learnt --test-concurrency in 20.10; Debian 12's own nodejs is 18.
NODE_MAJOR := $(shell node -p 'process.versions.node.split(".")[0]' 2>/dev/null)
CONC = $(if $(filter 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19,$(NODE_MAJOR)),,--test-concurrency=$(1))

.PHONY: all run test test-unit test-api test-e2e test-asan deps bench fuzz fmt clean
all: build/haven

deps:
	tools/deps.sh

build/embed: tools/embed.c
	@mkdir -p build
	$(CC) -O2 -o $@ $< -lz

build/gen/assets.c: build/embed $(WEB) $(SQL) $(CONF)
	@mkdir -p build/gen
	build/embed $@ $(foreach f,$(SQL) $(CONF),$(patsubst src/store/%,%,$(f))=$(f)) \
	    -z $(foreach f,$(WEB),$(f)=$(f))

build/gen/version.h: config.mk
	@mkdir -p build/gen
	echo '#define HAVEN_VERSION "$(VERSION)"' > $@

build/rel/%.o: %.c build/gen/version.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(HV_CFLAGS) $(WERROR) $(CFLAGS) -MMD -MP -c -o $@ $<
build/tst/%.o: %.c build/gen/version.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -DHAVEN_TESTING $(HV_CFLAGS) $(WERROR) $(CFLAGS) -MMD -MP -c -o $@ $<
build/asn/%.o: %.c build/gen/version.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -DHAVEN_TESTING $(HV_CFLAGS) $(WERROR) -O1 -g $(SAN) -MMD -MP -c -o $@ $<
build/rel/assets.o build/tst/assets.o build/asn/assets.o: build/gen/assets.c
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) -O0 -c -o $@ $<

build/haven: $(REL_OBJ)
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)
build/test/haven: $(TST_OBJ) build/tst/src/main.o
	@mkdir -p build/test
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)
build/test/unit: $(TST_OBJ) $(patsubst %.c,build/tst/%.o,$(UNIT_SRC))
	@mkdir -p build/test
	$(CC) $(CFLAGS) -o $@ $^ $(LDLIBS)
build/asan/haven: $(ASN_OBJ) build/asn/src/main.o
	@mkdir -p build/asan
	$(CC) $(SAN) -o $@ $^ $(LDLIBS)
build/asan/unit: $(ASN_OBJ) $(patsubst %.c,build/asn/%.o,$(UNIT_SRC))
	@mkdir -p build/asan
	$(CC) $(SAN) -o $@ $^ $(LDLIBS)

# make run: install what is missing, build, create the demo database once, serve.
run: deps build/haven
	@mkdir -p haven-data
	@if [ -f haven-data/haven.db ]; then \
	    echo "demo logins, password haven-demo: admin, supervisor, caseworker, caseworker2, screener, analyst, provider"; \
	else build/haven init --db haven-data/haven.db --demo; fi
	build/haven serve --db haven-data/haven.db --listen 127.0.0.1:8080

test: deps test-unit test-api test-e2e test-asan

test-unit: build/test/unit
	build/test/unit
	node --test tests/web/

test-api: build/test/haven
	HAVEN_BIN=build/test/haven node --test $(call CONC,2) tests/api/

test-e2e: build/test/haven
	HAVEN_BIN=build/test/haven node --test $(call CONC,1) tests/e2e/

test-asan: build/asan/unit build/asan/haven
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 build/asan/unit
	ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1 \
	    HAVEN_BIN=build/asan/haven node --test $(call CONC,1) tests/api/

bench: build/haven
	bench/run.sh

# make fuzz: 60 seconds of libFuzzer on each harness in tests/fuzz (needs clang).
.SECONDARY: # keep the objects of every build: the fuzz objects are otherwise intermediates, rebuilt each time
FUZZ_OBJ := $(patsubst %.c,build/fuzz/%.o,$(SRC)) build/fuzz/assets.o
build/fuzz/%.o: %.c build/gen/version.h
	@mkdir -p $(dir $@)
	clang $(CPPFLAGS) -DHAVEN_TESTING $(HV_CFLAGS) -O1 -g -fsanitize=fuzzer-no-link,address,undefined -c -o $@ $<
build/fuzz/assets.o: build/gen/assets.c
	@mkdir -p $(dir $@)
	clang $(CPPFLAGS) -O0 -c -o $@ $<
build/fuzz/fuzz_%: tests/fuzz/fuzz_%.c $(FUZZ_OBJ)
	clang $(CPPFLAGS) $(HV_CFLAGS) -O1 -g -fsanitize=fuzzer,address,undefined -o $@ $^ $(LDLIBS)
fuzz: $(patsubst tests/fuzz/%.c,build/fuzz/%,$(wildcard tests/fuzz/fuzz_*.c))
	for f in $^; do $$f -max_total_time=60 -max_len=4096 || exit 1; done

fmt:
	clang-format -i src/*.c src/*/*.c src/*/*.h tests/unit/*.c

clean:
	rm -rf build

-include $(shell find build -name '*.d' 2>/dev/null)
