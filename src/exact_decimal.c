/*-------------------------------------------------------------------------
 *
 * exact_decimal.c
 *	  Exact fixed-point amounts as int128 scaled by 10^4.
 *
 * The aggregates of poverty_aid sum numeric columns (yuan) exactly.  Calling
 * numeric_add per row allocates and is slow, so exact_decimal_from_numeric() reads the
 * on-disk numeric format directly -- the same NumericShort/NumericLong layout
 * that PostgreSQL 15's src/backend/utils/adt/numeric.c defines privately --
 * and turns its base-10000 digits into one int128.  A numeric's NBASE is 10^4,
 * exactly our scale, so the fractional part of any value we accept is the
 * single digit of weight -1 and decoding is a Horner loop over at most ten
 * digits.
 *
 * The header word of a numeric, after the varlena header, is one of:
 *
 *	  short:	1 0 s dddddd wwwwwww	 sign, display scale (6 bits), weight
 *												 (7-bit two's complement)
 *	  special:	1 1 x x 0 ...			 NaN (0xC000), +Inf (0xD000), -Inf (0xF000)
 *	  long:		0 s dddddddddddddd		 sign (0x4000 = negative), display
 *												 scale (14 bits); an int16 weight follows
 *
 * followed by the digits (int16, 0..9999), most significant first, with
 * leading and trailing zero digits stripped.  The datum may carry a 1-byte
 * varlena header, so nothing after it is aligned: every field is read with
 * memcpy, which compiles to a plain load.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/numeric.h"

#include "exact_decimal.h"
#include "ratio.h"

/* Layout constants of the PostgreSQL 15 numeric format (numeric.c). */
#define NUM_NBASE				10000
#define NUM_HEADER_SHORT		0x8000	/* short or special header */
#define NUM_FLAG_MASK			0xC000
#define NUM_SPECIAL				0xC000	/* NaN or +/-Infinity */
#define NUM_LONG_NEG			0x4000
#define NUM_SHORT_SIGN			0x2000
#define NUM_SHORT_DSCALE_MASK	0x1F80
#define NUM_SHORT_DSCALE_SHIFT	7
#define NUM_SHORT_WEIGHT_SIGN	0x0040
#define NUM_SHORT_WEIGHT_MASK	0x003F
#define NUM_LONG_DSCALE_MASK	0x3FFF

/* The text of a numeric datum, for error details only. */
static char *
numeric_text(Datum datum)
{
	return DatumGetCString(DirectFunctionCall1(numeric_out, datum));
}

static void
report_out_of_range(Datum datum, const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("%s is out of range for a ratio part", what),
			 errdetail("The value of %s is %s; a ratio part lies between %s and %s.",
					   what, numeric_text(datum), RATIO_PART_MIN_TEXT, RATIO_PART_MAX_TEXT)));
}

int128
exact_decimal_from_numeric(Datum datum, int *scale, const char *what)
{
	struct varlena *num = PG_DETOAST_DATUM_PACKED(datum);
	const char *data = VARDATA_ANY(num);
	Size		len = VARSIZE_ANY_EXHDR(num);
	uint16		header;
	const char *digits;
	int			ndigits;
	int			weight;
	int			dscale;
	bool		negative;
	int128		acc = 0;
	int			last;
	int			i;

	if (unlikely(len < sizeof(uint16)))
		elog(ERROR, "invalid numeric datum of %zu bytes", len);
	memcpy(&header, data, sizeof(uint16));

	if (header & NUM_HEADER_SHORT)
	{
		if (unlikely((header & NUM_FLAG_MASK) == NUM_SPECIAL))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("%s must be a finite number", what),
					 errdetail("The value of %s is %s.", what, numeric_text(datum))));
		negative = (header & NUM_SHORT_SIGN) != 0;
		dscale = (header & NUM_SHORT_DSCALE_MASK) >> NUM_SHORT_DSCALE_SHIFT;
		weight = header & NUM_SHORT_WEIGHT_MASK;
		if (header & NUM_SHORT_WEIGHT_SIGN)
			weight -= NUM_SHORT_WEIGHT_MASK + 1;
		digits = data + sizeof(uint16);
		ndigits = (len - sizeof(uint16)) / sizeof(int16);
	}
	else
	{
		int16		long_weight;

		if (unlikely(len < sizeof(uint16) + sizeof(int16)))
			elog(ERROR, "invalid numeric datum of %zu bytes", len);
		negative = (header & NUM_FLAG_MASK) == NUM_LONG_NEG;
		dscale = header & NUM_LONG_DSCALE_MASK;
		memcpy(&long_weight, data + sizeof(uint16), sizeof(int16));
		weight = long_weight;
		digits = data + sizeof(uint16) + sizeof(int16);
		ndigits = (len - sizeof(uint16) - sizeof(int16)) / sizeof(int16);
	}

	/*
	 * Digit i has weight (weight - i); scaled by 10^4 = NBASE its power of
	 * NBASE is (weight + 1 - i).  Digits with a negative power lie beyond the
	 * 4th fractional place and must be zero.
	 */
	last = Min(ndigits - 1, weight + 1);
	for (i = 0; i < ndigits; i++)
	{
		int16		digit;

		memcpy(&digit, digits + i * sizeof(int16), sizeof(int16));
		if (i > last)
		{
			if (unlikely(digit != 0))
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("%s has more than 4 fractional digits", what),
						 errdetail("The value of %s is %s.", what, numeric_text(datum)),
						 errhint("Ratio parts are exact decimals with at most 4 fractional digits; round the value first.")));
			continue;
		}
		if (unlikely(acc > -(RATIO_PART_MIN / NUM_NBASE)))
			report_out_of_range(datum, what);
		acc = acc * NUM_NBASE + digit;
	}
	/* scale up by the powers of NBASE below the last digit read */
	if (last >= 0)
	{
		for (i = weight + 1 - last; i > 0; i--)
		{
			if (unlikely(acc > -(RATIO_PART_MIN / NUM_NBASE)))
				report_out_of_range(datum, what);
			acc *= NUM_NBASE;
		}
	}
	if (unlikely(negative ? -acc < RATIO_PART_MIN : acc > RATIO_PART_MAX))
		report_out_of_range(datum, what);

	*scale = Min(dscale, EXACT_DECIMAL_SCALE);
	return negative ? -acc : acc;
}

Datum
exact_decimal_to_numeric(int128 value, int scale)
{
	uint128		magnitude = value < 0 ? -(uint128) value : (uint128) value;
	uint128		integral = magnitude / NUM_NBASE;
	int16		reversed[12];
	int16		digits[12];
	int			nintegral = 0;
	int			ndigits = 0;
	int			first = 0;
	int			weight;
	bool		negative = value < 0;
	struct varlena *result;
	uint16		header;
	Size		len;
	int			i;

	Assert(scale >= 0 && scale <= EXACT_DECIMAL_SCALE);
	while (integral > 0)
	{
		reversed[nintegral++] = (int16) (integral % NUM_NBASE);
		integral /= NUM_NBASE;
	}
	for (i = nintegral - 1; i >= 0; i--)
		digits[ndigits++] = reversed[i];
	digits[ndigits++] = (int16) (magnitude % NUM_NBASE);
	weight = nintegral - 1;

	/* strip trailing and leading zero digits, as numeric.c's make_result */
	while (ndigits > 0 && digits[ndigits - 1] == 0)
		ndigits--;
	while (first < ndigits && digits[first] == 0)
	{
		first++;
		weight--;
	}
	ndigits -= first;
	if (ndigits == 0)
	{
		weight = 0;
		negative = false;
	}

	header = NUM_HEADER_SHORT |
		(negative ? NUM_SHORT_SIGN : 0) |
		(scale << NUM_SHORT_DSCALE_SHIFT) |
		(weight & (NUM_SHORT_WEIGHT_SIGN | NUM_SHORT_WEIGHT_MASK));
	len = VARHDRSZ + sizeof(uint16) + ndigits * sizeof(int16);
	result = (struct varlena *) palloc(len);
	SET_VARSIZE(result, len);
	memcpy(VARDATA(result), &header, sizeof(uint16));
	memcpy(VARDATA(result) + sizeof(uint16), digits + first, ndigits * sizeof(int16));
	return PointerGetDatum(result);
}

void
exact_decimal_append_text(StringInfo buf, int128 value, int scale)
{
	uint128		magnitude = value < 0 ? -(uint128) value : (uint128) value;
	uint128		integral = magnitude / NUM_NBASE;
	int			fraction = (int) (magnitude % NUM_NBASE);
	char		text[48];
	int			pos = sizeof(text);

	Assert(scale >= 0 && scale <= EXACT_DECIMAL_SCALE);
	if (value < 0)
		appendStringInfoChar(buf, '-');
	do
	{
		text[--pos] = '0' + (int) (integral % 10);
		integral /= 10;
	} while (integral > 0);
	appendBinaryStringInfo(buf, text + pos, sizeof(text) - pos);
	if (scale > 0)
	{
		snprintf(text, sizeof(text), ".%04d", fraction);
		appendBinaryStringInfo(buf, text, scale + 1);
	}
}

/* 22003 for a decimal in "input" beyond the range of a ratio part. */
static void
report_text_out_of_range(const char *input)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("value out of range for type ratio"),
			 errdetail("Input \"%s\" has a part beyond the range of a ratio part, %s to %s.",
					   input, RATIO_PART_MIN_TEXT, RATIO_PART_MAX_TEXT)));
}

bool
exact_decimal_parse(const char **str, int128 *value, int *scale, const char *input)
{
	const char *s = *str;
	bool		negative = false;
	int128		integral = 0;
	int			fraction = 0;
	int			nfraction = 0;
	bool		any_digit = false;

	if (*s == '+' || *s == '-')
		negative = (*s++ == '-');
	while (*s >= '0' && *s <= '9')
	{
		integral = integral * 10 + (*s++ - '0');
		/* checked after every digit: integral stays below 2.2e34, no wrap */
		if (integral > -(RATIO_PART_MIN / EXACT_DECIMAL_ONE))
			report_text_out_of_range(input);
		any_digit = true;
	}
	if (*s == '.')
	{
		s++;
		while (*s >= '0' && *s <= '9')
		{
			if (nfraction < EXACT_DECIMAL_SCALE)
			{
				fraction = fraction * 10 + (*s - '0');
				nfraction++;
			}
			else if (*s != '0')
				ereport(ERROR,
						(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
						 errmsg("ratio part has more than 4 fractional digits"),
						 errdetail("Input is \"%s\".", input),
						 errhint("Ratio parts are exact decimals with at most 4 fractional digits.")));
			s++;
			any_digit = true;
		}
	}
	if (!any_digit)
		return false;
	*scale = nfraction;
	for (int pad = nfraction; pad < EXACT_DECIMAL_SCALE; pad++)
		fraction *= 10;
	/* at most 2^124 + 9999: fits, and is compared with the signed limits */
	integral = integral * EXACT_DECIMAL_ONE + fraction;
	if (negative ? -integral < RATIO_PART_MIN : integral > RATIO_PART_MAX)
		report_text_out_of_range(input);
	*value = negative ? -integral : integral;
	*str = s;
	return true;
}
