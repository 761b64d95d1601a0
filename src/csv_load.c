/*-------------------------------------------------------------------------
 *
 * csv_load.c
 *	  Checking CSV field values without raising errors, for the set-based
 *	  loader (poverty_aid.load_staged and load_csv).
 *
 * The loader validates a whole staged file in a few statements rather than
 * value by value in subtransactions (which overflow the subtransaction
 * cache and slow every concurrent session).  For that it needs to know,
 * for each text value, whether the type's input function would accept it
 * and, if not, the SQLSTATE and message it would raise.  PostgreSQL 15 has
 * no soft input errors, so load_value_fault() checks the value with the
 * same non-raising parsers the input functions use (dates) or with an exact
 * scan of the syntax the input function accepts (integers, numerics,
 * booleans, enum labels).  A value it passes is then cast in SQL, which
 * cannot fail.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <ctype.h>

#include "catalog/pg_enum.h"
#include "catalog/pg_type.h"
#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/datetime.h"
#include "utils/lsyscache.h"
#include "utils/numeric.h"
#include "utils/syscache.h"

/* A fault: "SQLSTATE message", the form load_value_fault() returns. */
static text *
fault(const char *sqlstate, const char *message)
{
	return cstring_to_text(psprintf("%s %s", sqlstate, message));
}

/* The value without leading and trailing blanks, as a C string. */
static char *
trimmed(text *value)
{
	char	   *s = text_to_cstring(value);
	char	   *end;

	while (*s && isspace((unsigned char) *s))
		s++;
	end = s + strlen(s);
	while (end > s && isspace((unsigned char) end[-1]))
		*--end = '\0';
	return s;
}

/* Integer of "bits" bits: optional sign and decimal digits, in range. */
static text *
integer_fault(const char *s, int bits, const char *type_name)
{
	const char *p = s;
	bool		negative = false;
	uint64		magnitude = 0;
	uint64		limit = (bits == 64) ? (uint64) PG_INT64_MAX :
		(bits == 32) ? (uint64) PG_INT32_MAX : (uint64) PG_INT16_MAX;
	bool		overflow = false;

	if (*p == '+' || *p == '-')
		negative = (*p++ == '-');
	if (!isdigit((unsigned char) *p))
		return fault("22P02", psprintf("invalid input syntax for type %s: \"%s\"", type_name, s));
	for (; isdigit((unsigned char) *p); p++)
	{
		if (magnitude > (limit + 1) / 10)
			overflow = true;
		else
			magnitude = magnitude * 10 + (*p - '0');
	}
	if (*p != '\0')
		return fault("22P02", psprintf("invalid input syntax for type %s: \"%s\"", type_name, s));
	if (overflow || magnitude > limit + (negative ? 1 : 0))
		return fault("22003", psprintf("value \"%s\" is out of range for type %s", s, type_name));
	return NULL;
}

/*
 * Numeric, optionally numeric(precision, scale): a finite decimal number,
 * with at most "scale" fractional digits (the register stores money
 * exactly: rounding would change a sum) and fitting the precision.
 */
static text *
numeric_fault(const char *s, int32 typmod)
{
	const char *p = s;
	int			digits = 0;
	Datum		number;
	char	   *normal;
	char	   *point;
	int			whole_digits;
	int			fraction_digits;

	if (pg_strcasecmp(s, "NaN") == 0 || pg_strncasecmp(s + (*s == '+' || *s == '-'), "inf", 3) == 0)
		return fault("22023", psprintf("amount must be a finite number: \"%s\"", s));
	if (*p == '+' || *p == '-')
		p++;
	for (; isdigit((unsigned char) *p); p++)
		digits++;
	if (*p == '.')
		for (p++; isdigit((unsigned char) *p); p++)
			digits++;
	if (digits > 0 && (*p == 'e' || *p == 'E'))
	{
		int			exponent_digits = 0;

		p++;
		if (*p == '+' || *p == '-')
			p++;
		for (; isdigit((unsigned char) *p); p++)
			exponent_digits++;
		if (exponent_digits == 0 || exponent_digits > 3)
			digits = 0;
	}
	if (digits == 0 || *p != '\0')
		return fault("22P02", psprintf("invalid input syntax for type numeric: \"%s\"", s));
	if (typmod < (int32) VARHDRSZ)
		return NULL;

	/* Count the digits of the plain form (exponent applied, no sign). */
	number = DirectFunctionCall3(numeric_in, CStringGetDatum(s),
								 ObjectIdGetDatum(InvalidOid), Int32GetDatum(-1));
	normal = DatumGetCString(DirectFunctionCall1(numeric_out, number));
	if (*normal == '-')
		normal++;
	point = strchr(normal, '.');
	if (point != NULL)
	{
		char	   *end = normal + strlen(normal);

		while (end > point + 1 && end[-1] == '0')
			end--;
		fraction_digits = end - point - 1;
		*point = '\0';
	}
	else
		fraction_digits = 0;
	while (*normal == '0')
		normal++;
	whole_digits = strlen(normal);
	if (fraction_digits > ((typmod - VARHDRSZ) & 0xffff))
		return fault("22023", psprintf("more than %d fractional digits would be rounded: \"%s\"",
									   (typmod - VARHDRSZ) & 0xffff, s));
	if (whole_digits > ((typmod - VARHDRSZ) >> 16) - ((typmod - VARHDRSZ) & 0xffff))
		return fault("22003", psprintf("numeric field overflow: \"%s\" has more than %d digits before the decimal point",
									   s, ((typmod - VARHDRSZ) >> 16) - ((typmod - VARHDRSZ) & 0xffff)));
	return NULL;
}

/* A calendar date as date_in reads it (DateStyle applies), not a special value. */
static text *
date_fault(const char *s)
{
	char		workbuf[MAXDATELEN + 1];
	char	   *field[MAXDATEFIELDS];
	int			ftype[MAXDATEFIELDS];
	int			nf;
	int			dtype;
	int			dterr;
	struct pg_tm tm;
	fsec_t		fsec;
	int			tzp;

	dterr = ParseDateTime(s, workbuf, sizeof(workbuf), field, ftype, MAXDATEFIELDS, &nf);
	if (dterr == 0)
		dterr = DecodeDateTime(field, ftype, nf, &dtype, &tm, &fsec, &tzp);
	if (dterr == DTERR_FIELD_OVERFLOW || dterr == DTERR_MD_FIELD_OVERFLOW)
		return fault("22008", psprintf("date/time field value out of range: \"%s\"", s));
	if (dterr != 0 || dtype != DTK_DATE)
		return fault("22007", psprintf("invalid input syntax for type date: \"%s\" (write dates as YYYY-MM-DD)", s));
	if (!IS_VALID_JULIAN(tm.tm_year, tm.tm_mon, tm.tm_mday))
		return fault("22008", psprintf("date out of range: \"%s\"", s));
	return NULL;
}

/*
 * load_value_fault(value text, type regtype, typmod integer) returns text
 *		NULL when value is valid input for the type (surrounding blanks
 *		allowed), else "SQLSTATE message" with the SQLSTATE and a message
 *		like the input function's.  Types: smallint, integer, bigint,
 *		numeric (with its typmod), date, boolean, enums; every other type
 *		(text) accepts anything.  Never raises for a bad value.
 */
PG_FUNCTION_INFO_V1(pa_load_value_fault);
Datum
pa_load_value_fault(PG_FUNCTION_ARGS)
{
	char	   *s;
	Oid			type = PG_GETARG_OID(1);
	int32		typmod = PG_GETARG_INT32(2);
	text	   *result = NULL;
	bool		flag;

	if (PG_ARGISNULL(0) || PG_ARGISNULL(1))
		PG_RETURN_NULL();
	s = trimmed(PG_GETARG_TEXT_PP(0));
	switch (type)
	{
		case INT2OID:
			result = integer_fault(s, 16, "smallint");
			break;
		case INT4OID:
			result = integer_fault(s, 32, "integer");
			break;
		case INT8OID:
			result = integer_fault(s, 64, "bigint");
			break;
		case NUMERICOID:
			result = numeric_fault(s, typmod);
			break;
		case DATEOID:
			result = date_fault(s);
			break;
		case BOOLOID:
			if (!parse_bool(s, &flag))
				result = fault("22P02", psprintf("invalid input syntax for type boolean: \"%s\" (write true or false)", s));
			break;
		default:
			if (type_is_enum(type) &&
				(strlen(s) >= NAMEDATALEN ||
				 !SearchSysCacheExists2(ENUMTYPOIDNAME, ObjectIdGetDatum(type), CStringGetDatum(s))))
				result = fault("22P02", psprintf("invalid input value for enum %s: \"%s\"",
												 format_type_be(type), s));
			break;
	}
	if (result == NULL)
		PG_RETURN_NULL();
	PG_RETURN_TEXT_P(result);
}
