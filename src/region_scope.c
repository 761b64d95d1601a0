/*-------------------------------------------------------------------------
 *
 * region_scope.c
 *	  The subtree tests behind the row-level security policies.
 *
 * A role's access scope is an array of division codes (the region
 * subtrees assigned to it in poverty_aid.region_assignment), or NULL for a
 * role that may see every region.  The policies call these functions once
 * per row, with the scope computed once per query, so they are written in C
 * and do no catalogue or table access.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/array.h"
#include "utils/builtins.h"

#include "region_code.h"

/* Number of significant digits of a code at each level. */
static const int significant_digits[] = {2, 4, 6, 9, 12};

/*
 * Walk the non-NULL elements of a scope array and report whether any of
 * them contains "code" (inside_only) or contains it or lies inside it.
 */
static bool
scope_matches(const char *code, RegionLevel code_level, ArrayType *scope,
			  bool inside_only)
{
	Datum	   *elems;
	bool	   *nulls;
	int			nelems;
	int			i;

	if (ARR_NDIM(scope) > 1)
		ereport(ERROR,
				(errcode(ERRCODE_ARRAY_SUBSCRIPT_ERROR),
				 errmsg("region scope must be a one-dimensional array")));
	deconstruct_array(scope, TEXTOID, -1, false, TYPALIGN_INT,
					  &elems, &nulls, &nelems);
	for (i = 0; i < nelems; i++)
	{
		char		assigned[REGION_CODE_LEN + 1];
		text	   *element;
		RegionLevel assigned_level;
		int			common;

		if (nulls[i])
			continue;
		element = DatumGetTextPP(elems[i]);
		assigned_level = region_code_parse(VARDATA_ANY(element),
										   VARSIZE_ANY_EXHDR(element),
										   assigned);
		/* "code" is inside the assigned subtree */
		common = significant_digits[assigned_level];
		if (memcmp(assigned, code, common) == 0)
			return true;
		/* the assigned subtree lies inside "code" (code is an ancestor) */
		if (!inside_only)
		{
			common = significant_digits[code_level];
			if (memcmp(assigned, code, common) == 0)
				return true;
		}
	}
	return false;
}

/*
 * region_in_scope(code text, scope text[]) returns boolean
 *		Whether a region lies inside one of the subtrees of a scope; true
 *		for every code when the scope is NULL (unrestricted), false for a
 *		NULL code (a row not bound to a known region is not in any subtree).
 */
PG_FUNCTION_INFO_V1(pa_region_in_scope);
Datum
pa_region_in_scope(PG_FUNCTION_ARGS)
{
	char		code[REGION_CODE_LEN + 1];
	text	   *arg;
	RegionLevel level;

	if (PG_ARGISNULL(1))
		PG_RETURN_BOOL(true);
	if (PG_ARGISNULL(0))
		PG_RETURN_BOOL(false);
	arg = PG_GETARG_TEXT_PP(0);
	level = region_code_parse(VARDATA_ANY(arg), VARSIZE_ANY_EXHDR(arg), code);
	PG_RETURN_BOOL(scope_matches(code, level, PG_GETARG_ARRAYTYPE_P(1), true));
}

/*
 * region_touches_scope(code text, scope text[]) returns boolean
 *		Whether a region lies inside a subtree of the scope or contains one:
 *		the rows of poverty_aid.region a clerk may read are her subtrees and
 *		the provinces and prefectures above them.
 */
PG_FUNCTION_INFO_V1(pa_region_touches_scope);
Datum
pa_region_touches_scope(PG_FUNCTION_ARGS)
{
	char		code[REGION_CODE_LEN + 1];
	text	   *arg;
	RegionLevel level;

	if (PG_ARGISNULL(1))
		PG_RETURN_BOOL(true);
	if (PG_ARGISNULL(0))
		PG_RETURN_BOOL(false);
	arg = PG_GETARG_TEXT_PP(0);
	level = region_code_parse(VARDATA_ANY(arg), VARSIZE_ANY_EXHDR(arg), code);
	PG_RETURN_BOOL(scope_matches(code, level, PG_GETARG_ARRAYTYPE_P(1), false));
}
