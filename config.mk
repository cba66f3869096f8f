# Build settings shared by every target. Override on the command line: make CC=clang
CC ?= cc
PKGS = libmicrohttpd jansson libsodium sqlite3 icu-uc icu-i18n zlib
WARN = -std=c17 -Wall -Wextra -Wpedantic -Wshadow -Wformat=2 -Wstrict-prototypes \
       -Wmissing-prototypes -Wvla -Wno-unused-parameter
CFLAGS ?= -O2 -g
CPPFLAGS += -D_GNU_SOURCE -Isrc -Ibuild/gen -include src/base/banned.h
HV_CFLAGS = $(WARN) $(shell pkg-config --cflags $(PKGS))
LDLIBS = $(shell pkg-config --libs $(PKGS)) -lpthread -lm
VERSION = 0.1.0
ifeq ($(CI),true)
WERROR = -Werror
endif
