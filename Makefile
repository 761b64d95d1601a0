# poverty_aid — PGXS build.
#
#   make                 build the module and the install script
#   make install         install into the PostgreSQL that pg_config names
#   make installcheck    run the pg_regress tests against a running server
#
# The install script of the current version is assembled from sql/ext/*.sql,
# one file per concern, in the order of their numeric prefixes.  Released
# install scripts are frozen in sql/releases/ and never change; each later
# version is reached by an upgrade script in sql/upgrade/.  C sources are
# every src/*.c; one shared library serves every version's SQL.

EXTENSION   = poverty_aid
EXTVERSION  = $(shell sed -n "s/^default_version *= *'\(.*\)'/\1/p" $(EXTENSION).control)

MODULE_big  = poverty_aid
OBJS        = $(patsubst %.c,%.o,$(sort $(wildcard src/*.c)))

EXT_SOURCES = $(sort $(wildcard sql/ext/*.sql))
# Upgrade scripts of the version in development: sql/upgrade/OLD--NEW/*.sql,
# one piece per concern, are concatenated into $(EXTENSION)--OLD--NEW.sql.
# A released version's upgrade script is frozen in sql/releases/ like its
# install script (docs/upgrading.md).
UPGRADES    = $(notdir $(wildcard sql/upgrade/*--*))
UPGRADE_SCRIPTS = $(patsubst %,$(EXTENSION)--%.sql,$(UPGRADES))

DATA_built  = $(EXTENSION)--$(EXTVERSION).sql $(UPGRADE_SCRIPTS)
DATA        = $(wildcard sql/releases/$(EXTENSION)--*.sql)

REGRESS     = $(patsubst sql/%.sql,%,$(sort $(wildcard sql/*.sql)))
REGRESS_OPTS = --load-extension=btree_gist --load-extension=$(EXTENSION)

PG_CPPFLAGS = -I$(srcdir)/src
PG_CFLAGS   = -Wall -Wextra -Werror -Wno-unused-parameter -Wno-missing-field-initializers

EXTRA_CLEAN = $(DATA_built)

PG_CONFIG  ?= pg_config
PGXS       := $(shell $(PG_CONFIG) --pgxs)
include $(PGXS)

# The official division code list (reference data, sql/data/README.md) ends
# the install script and every upgrade script as one call of
# division_code_reload(), so each version ships the list it was built with.
DIVISION_CODES = sql/data/division_codes.csv
DIVISION_CODES_SQL = ( echo; echo "-- ---- $(DIVISION_CODES)"; \
	  echo 'SELECT @extschema@.division_code_reload($$division_codes$$'; \
	  sed '1s/^\xEF\xBB\xBF//' $(DIVISION_CODES); echo '$$division_codes$$);' )

$(EXTENSION)--$(EXTVERSION).sql: $(EXT_SOURCES) $(DIVISION_CODES) $(EXTENSION).control
	( echo "-- $(EXTENSION) $(EXTVERSION): generated from sql/ext/*.sql by the Makefile; edit those."; \
	  printf '%s\n' '\echo Use "CREATE EXTENSION $(EXTENSION)" to load this file. \quit'; \
	  for f in $(EXT_SOURCES); do echo; echo "-- ---- $$f"; cat $$f; done; \
	  $(DIVISION_CODES_SQL) ) > $@

# A piece's line "-- @include sql/ext/FILE.sql" stands for that file's text:
# objects new in a version are created by the very file a fresh install runs.
$(EXTENSION)--%.sql: sql/upgrade/%/*.sql $(EXT_SOURCES) $(DIVISION_CODES) $(EXTENSION).control
	( echo "-- $(EXTENSION) $*: upgrade script generated from sql/upgrade/$*/*.sql by the Makefile; edit those."; \
	  printf '%s\n' '\echo Use "ALTER EXTENSION $(EXTENSION) UPDATE" to load this file. \quit'; \
	  for f in $(sort $(wildcard sql/upgrade/$*/*.sql)); do echo; echo "-- ---- $$f"; \
	    awk '/^-- @include [^ ]+$$/ { f = $$3; while ((getline line < f) > 0) print line; close(f); next } { print }' $$f; done; \
	  $(DIVISION_CODES_SQL) ) > $@

# PGXS knows no header dependencies: rebuild every object when a header changes.
$(OBJS): $(wildcard src/*.h)
