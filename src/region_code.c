/*-------------------------------------------------------------------------
 *
 * region_code.c
 *	  Statistical division codes: the 12-digit codes of the National Bureau
 *	  of Statistics whose first six digits are the GB/T 2260 code.
 *
 * A code is PP CC DD TTT VVV: province, prefecture, county, township and
 * village.  The level of a unit follows from the code: a province is
 * PP0000000000, a prefecture PPCC00000000, a county PPCCDD000000, a
 * township PPCCDDTTT000 and a village uses all twelve digits.  Once a part
 * is zero every later part must be zero too, so each code names exactly one
 * place in the tree and its parent is the code with its last non-zero part
 * cleared.  The one exception are Hainan's county codes of 1988-2001
 * (4600xx), counties directly under the province with a zero prefecture
 * part; their parent is the province.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "access/htup_details.h"
#include "catalog/pg_enum.h"
#include "catalog/pg_proc.h"
#include "fmgr.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/syscache.h"

#include "region_code.h"

/* 6, 9 or 12: the lengths a code may be given with */
#define VALID_CODE_LENGTH(n)	((n) == 6 || (n) == 9 || (n) == REGION_CODE_LEN)

/* Digit offsets at which each level's part ends, by level. */
static const int level_end[] = {2, 4, 6, 9, 12};
static const char *const level_names[] = {
	"province", "prefecture", "county", "township", "village"
};

/*
 * Check a code given as 6, 9 or 12 digits.  On success fill "out" with its
 * 12-digit form, set *level and return NULL; otherwise return the detail of
 * the error, naming the code.  Shared by the raising and the non-raising
 * functions so that both accept exactly the same codes.
 */
static char *
code_fault(const char *text, int len, char *out, int *level)
{
	int			nchars = pg_mbstrlen_with_len(text, len);
	const char *c = text;
	int			i;

	if (!VALID_CODE_LENGTH(len) && !VALID_CODE_LENGTH(nchars))
		return psprintf("Code \"%.*s\" has %d characters; a division code has 12 digits (6 or 9 are accepted and padded with zeros).",
						pg_mbcliplen(text, len, 40), text, nchars);
	/*
	 * Walk by characters, so that a multibyte character is named whole.
	 * Until the first character that is not an ASCII digit, characters and
	 * bytes coincide, and there are at most 12 of them.
	 */
	for (i = 0; c < text + len; i++, c++)
	{
		if (*c < '0' || *c > '9')
		{
			int			char_len = Min(pg_mblen(c), len - (int) (c - text));
			pg_wchar	code_point = 0;

			if (GetDatabaseEncoding() == PG_UTF8 &&
				char_len == pg_utf_mblen((const unsigned char *) c))
				code_point = utf8_to_unicode((const unsigned char *) c);
			if (code_point >= 0xFF10 && code_point <= 0xFF19)
				return psprintf("Code \"%.*s\" has the full-width digit \"%.*s\" at position %d; division codes are written with the digits 0-9 (here \"%c\").",
								len, text, char_len, c, i + 1,
								(char) ('0' + (code_point - 0xFF10)));
			return psprintf("Code \"%.*s\" contains \"%.*s\" at position %d, which is not a digit.",
							len, text, char_len, c, i + 1);
		}
		Assert(i < REGION_CODE_LEN);
		out[i] = *c;
	}
	for (; i < REGION_CODE_LEN; i++)
		out[i] = '0';
	out[REGION_CODE_LEN] = '\0';

	/* The level is the last part that is not all zeros. */
	*level = -1;
	for (i = 0; i < 5; i++)
	{
		int			start = (i == 0) ? 0 : level_end[i - 1];
		bool		zero = true;
		int			j;

		for (j = start; j < level_end[i]; j++)
			if (out[j] != '0')
				zero = false;
		if (!zero)
		{
			/* Hainan's county codes of 1988-2001 (4600xx): see region_code.h */
			if (i == REGION_COUNTY && *level == REGION_PROVINCE &&
				memcmp(out, REGION_COUNTIES_UNDER_PROVINCE, 2) == 0)
				*level = REGION_PREFECTURE;
			if (*level != i - 1)
				return psprintf("Code \"%s\" has a non-zero %s part under a zero %s part.",
								out, level_names[i], level_names[i - 1]);
			*level = i;
		}
	}
	if (*level < 0)
		return psprintf("Code \"%s\" has a zero province part.", out);
	return NULL;
}

/*
 * The fault of a code given as 6, 9 or 12 digits (the errdetail that
 * region_code_parse would report), or NULL when it is valid; never raises.
 */
char *
region_code_fault(const char *text, int len, char *out, int *level)
{
	return code_fault(text, len, out, level);
}

/*
 * Parse a code given as 6, 9 or 12 digits into 12 digits in "out" and
 * return its level; report an invalid code as an error that names it.
 */
RegionLevel
region_code_parse(const char *text, int len, char *out)
{
	int			level;
	char	   *fault = code_fault(text, len, out, &level);

	if (fault != NULL)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid division code"),
				 errdetail_internal("%s", fault)));
	return (RegionLevel) level;
}

/* Parse a text argument; convenience for the SQL-callable functions. */
static RegionLevel
parse_arg(text *arg, char *out)
{
	return region_code_parse(VARDATA_ANY(arg), VARSIZE_ANY_EXHDR(arg), out);
}

/* Clear every digit after the end of "level" in a normalised code. */
static void
truncate_to_level(char *code, RegionLevel level)
{
	int			i;

	for (i = level_end[level]; i < REGION_CODE_LEN; i++)
		code[i] = '0';
}

const char *
region_level_name(RegionLevel level)
{
	return level_names[level];
}

/*
 * region_code(text) returns text
 *		The 12-digit form of a division code given as 6, 9 or 12 digits;
 *		an error for anything that is not a valid code.
 */
PG_FUNCTION_INFO_V1(pa_region_code);
Datum
pa_region_code(PG_FUNCTION_ARGS)
{
	char		code[REGION_CODE_LEN + 1];

	parse_arg(PG_GETARG_TEXT_PP(0), code);
	PG_RETURN_TEXT_P(cstring_to_text(code));
}

/*
 * region_code_level(text) returns text
 *		The level name of a code: province, prefecture, county, township or
 *		village.  The SQL wrapper region_level() casts it to the enum.
 */
PG_FUNCTION_INFO_V1(pa_region_code_level);
Datum
pa_region_code_level(PG_FUNCTION_ARGS)
{
	char		code[REGION_CODE_LEN + 1];
	RegionLevel level = parse_arg(PG_GETARG_TEXT_PP(0), code);

	PG_RETURN_TEXT_P(cstring_to_text(level_names[level]));
}

/*
 * The result of both forms of region_ancestor_code(): the 12-digit code
 * (of level "level") cut to level "target", or NULL when the code lies
 * above that level.
 */
static Datum
ancestor_of(FunctionCallInfo fcinfo, char *code, RegionLevel level, int target)
{
	if ((int) level < target)
		PG_RETURN_NULL();
	truncate_to_level(code, (RegionLevel) target);
	PG_RETURN_TEXT_P(cstring_to_text(code));
}

/*
 * The labels of the region_level enum, as the OIDs a function of that type
 * receives and returns, by level.  A cast between the enum and text looks
 * the label up on every row (enum_in and enum_out are only STABLE, so the
 * planner cannot fold them); a C function of the enum looks the five labels
 * up once per call site and keeps them in fn_extra.  The enum is the one in
 * the function's own signature (argument 1 or the result), so the lookup
 * does not depend on the search_path.
 */
typedef struct LevelLabels
{
	Oid			label[5];		/* by RegionLevel */
} LevelLabels;

static LevelLabels *
level_labels(FunctionCallInfo fcinfo, int argno)
{
	FmgrInfo   *flinfo = fcinfo->flinfo;
	LevelLabels *labels = (LevelLabels *) flinfo->fn_extra;
	HeapTuple	proc;
	Form_pg_proc form;
	Oid			enumtype;
	int			i;

	if (labels != NULL)
		return labels;
	proc = SearchSysCache1(PROCOID, ObjectIdGetDatum(flinfo->fn_oid));
	if (!HeapTupleIsValid(proc))
		elog(ERROR, "cache lookup failed for function %u", flinfo->fn_oid);
	form = (Form_pg_proc) GETSTRUCT(proc);
	enumtype = argno < 0 ? form->prorettype : form->proargtypes.values[argno];
	ReleaseSysCache(proc);

	labels = MemoryContextAlloc(flinfo->fn_mcxt, sizeof(LevelLabels));
	for (i = 0; i < 5; i++)
	{
		HeapTuple	tup = SearchSysCache2(ENUMTYPOIDNAME, ObjectIdGetDatum(enumtype),
										  CStringGetDatum(level_names[i]));

		if (!HeapTupleIsValid(tup))
			elog(ERROR, "type %u has no label \"%s\"", enumtype, level_names[i]);
		labels->label[i] = ((Form_pg_enum) GETSTRUCT(tup))->oid;
		ReleaseSysCache(tup);
	}
	flinfo->fn_extra = labels;
	return labels;
}

/*
 * region_code_level(code text) returns region_level
 *		The level of a code, as the enum (see level_labels()).
 */
PG_FUNCTION_INFO_V1(pa_region_code_level_enum);
Datum
pa_region_code_level_enum(PG_FUNCTION_ARGS)
{
	char		code[REGION_CODE_LEN + 1];
	RegionLevel level = parse_arg(PG_GETARG_TEXT_PP(0), code);

	PG_RETURN_OID(level_labels(fcinfo, -1)->label[level]);
}

/*
 * region_ancestor_code(code text, level region_level) returns text
 *		region_ancestor_code_text() with the level as the enum.
 */
PG_FUNCTION_INFO_V1(pa_region_ancestor_code_enum);
Datum
pa_region_ancestor_code_enum(PG_FUNCTION_ARGS)
{
	char		code[REGION_CODE_LEN + 1];
	RegionLevel level = parse_arg(PG_GETARG_TEXT_PP(0), code);
	Oid			wanted = PG_GETARG_OID(1);
	LevelLabels *labels = level_labels(fcinfo, 1);
	int			target = -1;
	int			i;

	for (i = 0; i < 5; i++)
		if (labels->label[i] == wanted)
			target = i;
	if (target < 0)
		elog(ERROR, "enum label %u is not a region level", wanted);
	return ancestor_of(fcinfo, code, level, target);
}

/*
 * region_code_is_valid(text) returns boolean
 *		Whether a text is a valid code given as 6, 9 or 12 digits (exactly
 *		the codes region_code() accepts), without raising an error; for
 *		filtering staged rows.
 */
PG_FUNCTION_INFO_V1(pa_region_code_is_valid);
Datum
pa_region_code_is_valid(PG_FUNCTION_ARGS)
{
	text	   *arg = PG_GETARG_TEXT_PP(0);
	char		code[REGION_CODE_LEN + 1];
	int			level;

	PG_RETURN_BOOL(code_fault(VARDATA_ANY(arg), VARSIZE_ANY_EXHDR(arg), code, &level) == NULL);
}

/*
 * region_parent_code(text) returns text
 *		The code of the unit one level up (the code with its last non-zero
 *		part cleared), or NULL for a province.
 */
PG_FUNCTION_INFO_V1(pa_region_parent_code);
Datum
pa_region_parent_code(PG_FUNCTION_ARGS)
{
	char		code[REGION_CODE_LEN + 1];
	RegionLevel level = parse_arg(PG_GETARG_TEXT_PP(0), code);

	if (level == REGION_PROVINCE)
		PG_RETURN_NULL();
	truncate_to_level(code, level - 1);
	PG_RETURN_TEXT_P(cstring_to_text(code));
}

/*
 * region_ancestor_code(code text, level text) returns text
 *		The code of the unit at "level" that contains "code" (the code itself
 *		at its own level), or NULL when "code" lies above that level.
 */
PG_FUNCTION_INFO_V1(pa_region_ancestor_code);
Datum
pa_region_ancestor_code(PG_FUNCTION_ARGS)
{
	char		code[REGION_CODE_LEN + 1];
	RegionLevel level = parse_arg(PG_GETARG_TEXT_PP(0), code);
	char	   *wanted = text_to_cstring(PG_GETARG_TEXT_PP(1));
	int			target = -1;
	int			i;

	for (i = 0; i < 5; i++)
		if (strcmp(wanted, level_names[i]) == 0)
			target = i;
	if (target < 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid region level"),
				 errdetail("Level \"%s\" is not one of province, prefecture, county, township, village.",
						   wanted)));
	return ancestor_of(fcinfo, code, level, target);
}

/*
 * region_contains(outer text, inner text) returns boolean
 *		Whether the unit "inner" lies inside the unit "outer" or is it: the
 *		significant digits of outer are a prefix of inner.
 */
PG_FUNCTION_INFO_V1(pa_region_contains);
Datum
pa_region_contains(PG_FUNCTION_ARGS)
{
	char		outer[REGION_CODE_LEN + 1];
	char		inner[REGION_CODE_LEN + 1];
	RegionLevel outer_level = parse_arg(PG_GETARG_TEXT_PP(0), outer);

	parse_arg(PG_GETARG_TEXT_PP(1), inner);
	PG_RETURN_BOOL(memcmp(outer, inner, level_end[outer_level]) == 0);
}

/*
 * region_check_parent(code text, parent_code text) returns boolean
 *		True when parent_code is the parent of code (both NULL-free; a
 *		province must have no parent).  A mismatch is an error naming both
 *		codes; used by the CHECK constraint of poverty_aid.region.
 */
PG_FUNCTION_INFO_V1(pa_region_check_parent);
Datum
pa_region_check_parent(PG_FUNCTION_ARGS)
{
	char		code[REGION_CODE_LEN + 1];
	char		expected[REGION_CODE_LEN + 1];
	char		parent[REGION_CODE_LEN + 1];
	RegionLevel level;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	level = parse_arg(PG_GETARG_TEXT_PP(0), code);

	if (level == REGION_PROVINCE)
	{
		if (!PG_ARGISNULL(1))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("a province cannot have a parent region"),
					 errdetail("Region \"%s\" is a province but has parent \"%s\".",
							   code, text_to_cstring(PG_GETARG_TEXT_PP(1)))));
		PG_RETURN_BOOL(true);
	}

	memcpy(expected, code, sizeof(code));
	truncate_to_level(expected, level - 1);
	if (PG_ARGISNULL(1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("region parent does not match its code"),
				 errdetail("Region \"%s\" has no parent; its parent must be \"%s\".",
						   code, expected)));
	parse_arg(PG_GETARG_TEXT_PP(1), parent);
	if (memcmp(parent, expected, REGION_CODE_LEN) != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("region parent does not match its code"),
				 errdetail("Region \"%s\" has parent \"%s\"; its parent must be \"%s\".",
						   code, parent, expected)));
	PG_RETURN_BOOL(true);
}

/*
 * region_zone(code text) returns text
 *		The policy zone (east, central, west) of a code's province under the
 *		western development and central rise policies; it sets the exit
 *		thresholds.  NULL for a province code that is not in the table
 *		(Hong Kong, Macao, Taiwan).
 */
PG_FUNCTION_INFO_V1(pa_region_zone);
Datum
pa_region_zone(PG_FUNCTION_ARGS)
{
	static const int west[] = {15, 45, 50, 51, 52, 53, 54, 61, 62, 63, 64, 65};
	static const int central[] = {14, 22, 23, 34, 36, 41, 42, 43};
	static const int east[] = {11, 12, 13, 21, 31, 32, 33, 35, 37, 44, 46};
	char		code[REGION_CODE_LEN + 1];
	int			province;
	int			i;

	parse_arg(PG_GETARG_TEXT_PP(0), code);
	province = (code[0] - '0') * 10 + (code[1] - '0');
	for (i = 0; i < (int) lengthof(west); i++)
		if (west[i] == province)
			PG_RETURN_TEXT_P(cstring_to_text("west"));
	for (i = 0; i < (int) lengthof(central); i++)
		if (central[i] == province)
			PG_RETURN_TEXT_P(cstring_to_text("central"));
	for (i = 0; i < (int) lengthof(east); i++)
		if (east[i] == province)
			PG_RETURN_TEXT_P(cstring_to_text("east"));
	PG_RETURN_NULL();
}
