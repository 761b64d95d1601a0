/*-------------------------------------------------------------------------
 *
 * poverty_aid.c
 *	  Module entry point of the poverty_aid extension.
 *
 * Every other concern lives in its own file: region codes in
 * region_code.c, resident ID numbers in resident_id.c, the ratio type in
 * ratio.c and its aggregates in ratio_aggs.c, exact sums in money.c and the
 * distinct-unit set of coverage() in coverage.c, the guard against dropping
 * a register that holds rows in drop_guard.c.
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
