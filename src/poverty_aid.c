/*-------------------------------------------------------------------------
 *
 * poverty_aid.c
 *	  Module entry point of the poverty_aid extension.
 *
 * Every other concern lives in its own file:
 *	  region_code.c		division codes: parse, level, parent, zone
 *	  region_scope.c	region subtrees of row security (assigned codes)
 *	  division_code.c	division codes as users write them (6, 9 or 12 digits)
 *	  resident_id.c		GB 11643 resident ID numbers
 *	  exact_decimal.c	exact int128 decimals with 4 fractional digits
 *	  ratio.c			the ratio type, its I/O, comparison and accessors
 *	  ratio_aggs.c		the ratio aggregates (rate_agg, exit_rate, ...)
 *	  coverage.c		coverage(): the distinct-unit set and its rollup
 *	  poverty_measures.c	FGT, Watts, Gini and income quantiles
 *	  csv_parser.c		csv_records(): CSV text into records
 *	  csv_load.c		checking staged CSV field values without raising errors
 *	  drop_guard.c		refusing to drop a register that holds rows
 *
 * SQL-callable C functions are named after the SQL function they implement
 * (ratio_in, coverage_trans); those whose SQL name is too general for a C
 * symbol carry the pa_ prefix (pa_region_code).  Symbols that the frozen
 * 1.0 script names never change, so one library serves every version.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"

#include "coverage.h"
#include "drop_guard.h"

PG_MODULE_MAGIC;

void		_PG_init(void);

/*
 * Module load: define the extension's settings.
 */
void
_PG_init(void)
{
	coverage_define_settings();
	drop_guard_init();
}
