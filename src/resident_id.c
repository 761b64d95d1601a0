/*-------------------------------------------------------------------------
 *
 * resident_id.c
 *	  Citizen identification numbers of GB 11643-1999.
 *
 * A number has 18 characters: the 6-digit GB/T 2260 code of the place of
 * registration, the date of birth as YYYYMMDD, a 3-digit sequence code
 * (odd for men, even for women) and a check character computed with
 * ISO 7064 MOD 11-2 over the first 17 digits, written "X" when it is 10.
 * These numbers are personal data: the functions here validate and mask
 * them, and nothing here logs a number except in the detail of an error
 * raised for the number the caller passed.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "lib/stringinfo.h"
#include "mb/pg_wchar.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/datetime.h"

#define RESIDENT_ID_LEN 18

/* ISO 7064 MOD 11-2 weights 2^(17-i) mod 11 for positions i = 0..16. */
static const int check_weights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
/* Check character for each remainder of the weighted sum modulo 11. */
static const char check_chars[11] = {'1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'};

/* The check character of the first 17 digits (which must be digits). */
static char
check_character(const char *digits)
{
	int			sum = 0;
	int			i;

	for (i = 0; i < 17; i++)
		sum += (digits[i] - '0') * check_weights[i];
	return check_chars[sum % 11];
}

static bool
valid_birth_date(const char *s, int *year, int *month, int *day)
{
	static const int days_in_month[] = {31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
	int			y = (s[6] - '0') * 1000 + (s[7] - '0') * 100 + (s[8] - '0') * 10 + (s[9] - '0');
	int			m = (s[10] - '0') * 10 + (s[11] - '0');
	int			d = (s[12] - '0') * 10 + (s[13] - '0');

	*year = y;
	*month = m;
	*day = d;
	if (y < 1800 || m < 1 || m > 12 || d < 1 || d > days_in_month[m - 1])
		return false;
	if (m == 2 && d == 29 && !((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
		return false;
	return true;
}

/*
 * Check a number and return NULL when it is valid, or else fill in the
 * error's detail in "detail" and return it.  With report set, raise the
 * error instead of returning.
 */
static const char *
validate(const char *s, int len, bool report)
{
	char	   *detail = NULL;
	const char *hint = NULL;
	int			y,
				m,
				d;
	int			i;
	char		expected;

	if (len != RESIDENT_ID_LEN && pg_mbstrlen_with_len(s, len) != RESIDENT_ID_LEN)
		detail = psprintf("Number \"%.*s\" has %d characters; a resident ID number has 18.",
						  pg_mbcliplen(s, len, 40), s, pg_mbstrlen_with_len(s, len));
	else if (len != RESIDENT_ID_LEN)
	{
		/* 18 characters, some of them not ASCII: name the first such. */
		for (i = 0; i < len && !IS_HIGHBIT_SET(s[i]); i++)
			;
		detail = psprintf("Number \"%.*s\" contains \"%.*s\", which is not a digit or \"X\".",
						  len, s, Min(pg_mblen(s + i), len - i), s + i);
	}
	else
	{
		for (i = 0; i < 17 && detail == NULL; i++)
			if (s[i] < '0' || s[i] > '9')
				detail = psprintf("Number \"%.*s\" has \"%.*s\" at position %d; the first 17 characters must be digits.",
								  len, s, Min(pg_mblen(s + i), len - i), s + i, i + 1);
		if (detail == NULL && s[17] == 'x')
		{
			detail = psprintf("Number \"%.*s\" ends in a lower-case \"x\".", len, s);
			hint = "Write the check character as an upper-case \"X\".";
		}
		else if (detail == NULL && !(s[17] == 'X' || (s[17] >= '0' && s[17] <= '9')))
			detail = psprintf("Number \"%.*s\" does not end in a digit or \"X\".",
							  len, s);
		if (detail == NULL && (s[0] == '0' || (s[0] == '1' && s[1] == '0')))
			detail = psprintf("Number \"%.*s\" starts with \"%c%c\", which is not a province code.",
							  len, s, s[0], s[1]);
		if (detail == NULL && !valid_birth_date(s, &y, &m, &d))
			detail = psprintf("Number \"%.*s\" has the birth date \"%.8s\", which is not a valid date.",
							  len, s, s + 6);
		if (detail == NULL && (expected = check_character(s)) != s[17])
			detail = psprintf("Number \"%.*s\" has check character \"%c\"; the expected check character is \"%c\".",
							  len, s, s[17], expected);
	}
	if (detail != NULL && report)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("invalid resident ID number"),
				 errdetail_internal("%s", detail),
				 hint ? errhint("%s", hint) : 0));
	return detail;
}

/*
 * resident_id_check(text) returns boolean
 *		True for a valid number; an error naming the number and what is wrong
 *		with it otherwise.  The CHECK constraint of person.resident_id.
 */
PG_FUNCTION_INFO_V1(pa_resident_id_check);
Datum
pa_resident_id_check(PG_FUNCTION_ARGS)
{
	text	   *id = PG_GETARG_TEXT_PP(0);

	validate(VARDATA_ANY(id), VARSIZE_ANY_EXHDR(id), true);
	PG_RETURN_BOOL(true);
}

/*
 * resident_id_is_valid(text) returns boolean
 *		Whether a number is valid, without raising an error.
 */
PG_FUNCTION_INFO_V1(pa_resident_id_is_valid);
Datum
pa_resident_id_is_valid(PG_FUNCTION_ARGS)
{
	text	   *id = PG_GETARG_TEXT_PP(0);

	PG_RETURN_BOOL(validate(VARDATA_ANY(id), VARSIZE_ANY_EXHDR(id), false) == NULL);
}

/*
 * resident_id_check_character(text) returns text
 *		The check character for 17 digits (the number without its last
 *		character), for issuing or repairing numbers.
 */
PG_FUNCTION_INFO_V1(pa_resident_id_check_character);
Datum
pa_resident_id_check_character(PG_FUNCTION_ARGS)
{
	text	   *arg = PG_GETARG_TEXT_PP(0);
	const char *s = VARDATA_ANY(arg);
	int			len = VARSIZE_ANY_EXHDR(arg);
	char		result[2];
	int			i;

	if (len != 17)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("a check character is computed over 17 digits"),
				 errdetail("Value \"%.*s\" has %d characters.", pg_mbcliplen(s, len, 40), s,
						   pg_mbstrlen_with_len(s, len))));
	for (i = 0; i < 17; i++)
		if (s[i] < '0' || s[i] > '9')
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("a check character is computed over 17 digits"),
					 errdetail("Value \"%.*s\" has \"%.*s\" at position %d.", len, s,
							   Min(pg_mblen(s + i), len - i), s + i, i + 1)));
	result[0] = check_character(s);
	result[1] = '\0';
	PG_RETURN_TEXT_P(cstring_to_text(result));
}

/*
 * resident_id_birth_date(text) returns date
 *		The date of birth written in a valid number.
 */
PG_FUNCTION_INFO_V1(pa_resident_id_birth_date);
Datum
pa_resident_id_birth_date(PG_FUNCTION_ARGS)
{
	text	   *id = PG_GETARG_TEXT_PP(0);
	const char *s = VARDATA_ANY(id);
	int			y,
				m,
				d;

	validate(s, VARSIZE_ANY_EXHDR(id), true);
	valid_birth_date(s, &y, &m, &d);
	PG_RETURN_DATEADT(date2j(y, m, d) - POSTGRES_EPOCH_JDATE);
}

/*
 * resident_id_sex(text) returns text
 *		"male" when the sequence code is odd, "female" when it is even.
 */
PG_FUNCTION_INFO_V1(pa_resident_id_sex);
Datum
pa_resident_id_sex(PG_FUNCTION_ARGS)
{
	text	   *id = PG_GETARG_TEXT_PP(0);
	const char *s = VARDATA_ANY(id);

	validate(s, VARSIZE_ANY_EXHDR(id), true);
	PG_RETURN_TEXT_P(cstring_to_text(((s[16] - '0') % 2) ? "male" : "female"));
}

/*
 * resident_id_mask(text) returns text
 *		The number with everything after the 6-digit region code hidden
 *		("11010519491231002X" becomes "110105************"), for displays
 *		that must not reveal it.  Any text is masked, valid or not, so that
 *		masking never fails: its first 6 characters are kept and every later
 *		character, however many bytes it has, becomes one "*".
 */
PG_FUNCTION_INFO_V1(pa_resident_id_mask);
Datum
pa_resident_id_mask(PG_FUNCTION_ARGS)
{
	text	   *id = PG_GETARG_TEXT_PP(0);
	int			len = VARSIZE_ANY_EXHDR(id);
	const char *s = VARDATA_ANY(id);
	StringInfoData masked;
	int			pos = 0;
	int			kept;

	initStringInfo(&masked);
	for (kept = 0; kept < 6 && pos < len; kept++)
		pos += Min(pg_mblen(s + pos), len - pos);
	appendBinaryStringInfo(&masked, s, pos);
	while (pos < len)
	{
		appendStringInfoChar(&masked, '*');
		pos += Min(pg_mblen(s + pos), len - pos);
	}
	PG_RETURN_TEXT_P(cstring_to_text_with_len(masked.data, masked.len));
}
