/*-------------------------------------------------------------------------
 *
 * coverage.h
 *	  The distinct-unit sets of coverage(): what the module entry point needs.
 *
 *-------------------------------------------------------------------------
 */
#ifndef POVERTY_AID_COVERAGE_H
#define POVERTY_AID_COVERAGE_H

/* Define poverty_aid.coverage_memory_limit. */
extern void coverage_define_settings(void);

#endif							/* POVERTY_AID_COVERAGE_H */
