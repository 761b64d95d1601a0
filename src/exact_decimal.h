/*-------------------------------------------------------------------------
 *
 * exact_decimal.h
 *	  Exact fixed-point amounts: a decimal with up to 4 fractional digits
 *	  held as an int128 scaled by 10^4, read straight from a numeric datum
 *	  and written back as one.
 *
 * Every ratio part, every count and every sum of money in poverty_aid goes
 * through this representation, so sums are exact and never rounded.  The
 * values accepted are those of a ratio part: RATIO_PART_MIN to
 * RATIO_PART_MAX (ratio.h, the one place that defines the range).
 *
 *-------------------------------------------------------------------------
 */
#ifndef POVERTY_AID_EXACT_DECIMAL_H
#define POVERTY_AID_EXACT_DECIMAL_H

#include "postgres.h"

#include "lib/stringinfo.h"

/* number of fractional decimal digits kept exactly */
#define EXACT_DECIMAL_SCALE			4
/* 10^EXACT_DECIMAL_SCALE: the scaled value of 1 */
#define EXACT_DECIMAL_ONE			((int128) 10000)
/*
 * Decode a numeric datum into a value scaled by 10^4 and its display scale
 * (0..4).  The datum is read in place (short or long numeric header, inline
 * short varlena or not) and is only detoasted if it is compressed or stored
 * out of line.  NaN and infinities, nonzero digits beyond the 4th fractional
 * place and magnitudes beyond the range are errors; "what" names the value in
 * the error detail (e.g. "in_place").
 */
extern int128 exact_decimal_from_numeric(Datum datum, int *scale, const char *what);

/*
 * exact_decimal_from_numeric with the common case inlined: a numeric stored inline
 * with a 1-byte varlena header and a short numeric header, value >= 1 and at
 * most 4 base-10000 digits, none of them beyond the 4th fractional place --
 * amounts such as 12345.67 or 47.  Anything else takes the general path.
 */
static inline int128
exact_decimal_from_numeric_fast(Datum datum, int *scale, const char *what)
{
	static const int128 nbase_power[] = {
		1, 10000, 100000000, 1000000000000, 10000000000000000,
		(int128) 10000000000000000 * 10000,
		(int128) 10000000000000000 * 100000000,
		(int128) 10000000000000000 * 1000000000000,
		(int128) 10000000000000000 * 10000000000000000
	};
	const char *ptr = DatumGetPointer(datum);

	if (VARATT_IS_1B(ptr) && !VARATT_IS_1B_E(ptr))
	{
		const char *data = ptr + VARHDRSZ_SHORT;
		int			len = (int) VARSIZE_1B(ptr) - VARHDRSZ_SHORT;
		uint16		header;

		memcpy(&header, data, sizeof(uint16));
		/* short format (10), weight sign bit clear, weight <= 6 */
		if ((header & 0xC040) == 0x8000 && (header & 0x003F) <= 6)
		{
			int			weight = header & 0x003F;
			int			ndigits = (len - (int) sizeof(uint16)) / (int) sizeof(int16);

			if (ndigits <= 4 && ndigits <= weight + 2)
			{
				uint64		acc = 0;
				int128		value;

				for (int i = 0; i < ndigits; i++)
				{
					int16		digit;

					memcpy(&digit, data + sizeof(uint16) + i * sizeof(int16), sizeof(int16));
					acc = acc * 10000 + (uint64) digit;
				}
				value = (int128) acc * nbase_power[weight + 2 - ndigits];
				*scale = Min((header & 0x1F80) >> 7, EXACT_DECIMAL_SCALE);
				return (header & 0x2000) ? -value : value;
			}
		}
	}
	return exact_decimal_from_numeric(datum, scale, what);
}

/* A numeric datum (canonical short format) holding value / 10^4 at scale. */
extern Datum exact_decimal_to_numeric(int128 value, int scale);

/* Append the decimal text of value / 10^4 with exactly "scale" digits. */
extern void exact_decimal_append_text(StringInfo buf, int128 value, int scale);

/*
 * Parse a decimal ([+-]digits[.digits]) at *str, advancing *str past it.
 * Returns false if there is no well-formed decimal there; raises 22023 for
 * nonzero digits beyond the 4th fractional place and 22003 when out of range.
 * "input" is the whole text, quoted in error details.
 */
extern bool exact_decimal_parse(const char **str, int128 *value, int *scale,
						const char *input);

/* The int64 count n as a scaled value (always in range: |n| * 10^4 < 2^78). */
static inline int128
exact_decimal_from_int64(int64 n)
{
	return (int128) n * EXACT_DECIMAL_ONE;
}

#endif							/* POVERTY_AID_EXACT_DECIMAL_H */
