/*-------------------------------------------------------------------------
 *
 * ratio.h
 *	  The poverty_aid.ratio type: an exact numerator and denominator.
 *
 * A ratio is 32 bytes, passed by reference, aligned like a double: two int128
 * parts.  Each part holds a decimal with up to 4 fractional digits as
 * value * 10^4 (see exact_decimal.h), shifted left by 3 bits; the low 3 bits keep the
 * part's display scale (0..4), i.e. how many fractional digits its text shows,
 * so that '1296948000.00/1088043624.16' prints back exactly as it was typed
 * and sums of numeric(18,2) show 2 decimals, as sum(numeric) would.  The
 * scale is presentation only: equality, hashing and every accessor use the
 * value.  Parts are never reduced (2/4 stays 2/4); the numerator may be
 * negative (a reduction rate when poverty rose), the denominator never is.
 *
 * The range of the type is defined here and nowhere else: every part lies
 * between RATIO_PART_MIN and RATIO_PART_MAX ten-thousandths, that is between
 * -2126764793255865396646091296448551.3216 and
 * 2126764793255865396646091296448551.3215 (-2^124 and 2^124 - 1 scaled by
 * 10^4, so that the value shifted left by 3 bits still fits an int128).
 * Every path that makes or changes a part -- text and binary input, the
 * numeric and integer constructors, +, the transition, combine and inverse
 * functions -- checks it and raises 22003 beyond it; nothing wraps.
 *
 *-------------------------------------------------------------------------
 */
#ifndef POVERTY_AID_RATIO_H
#define POVERTY_AID_RATIO_H

#include "postgres.h"

#include "fmgr.h"
#include "nodes/nodes.h"

#include "exact_decimal.h"

typedef struct Ratio
{
	int128		num;			/* numerator: value * 10^4 * 8 + scale */
	int128		den;			/* denominator, same encoding, never < 0 */
} Ratio;

StaticAssertDecl(sizeof(Ratio) == 32, "ratio must be 32 bytes");

#define RATIO_SCALE_BITS	3
#define RATIO_SCALE_MASK	((int128) 7)

/* The range of a part, as a value scaled by 10^4 (see above). */
#define RATIO_PART_MAX		((((int128) 1) << 124) - 1)
#define RATIO_PART_MIN		(-(((int128) 1) << 124))
/* The same limits as text, for messages and documentation. */
#define RATIO_PART_MAX_TEXT "2126764793255865396646091296448551.3215"
#define RATIO_PART_MIN_TEXT "-2126764793255865396646091296448551.3216"

/* Whether a value scaled by 10^4 is in the range of a part. */
static inline bool
ratio_part_in_range(int128 value)
{
	return value >= RATIO_PART_MIN && value <= RATIO_PART_MAX;
}

#define DatumGetRatioP(X)		((Ratio *) DatumGetPointer(X))
#define RatioPGetDatum(X)		PointerGetDatum(X)
#define PG_GETARG_RATIO_P(n)	DatumGetRatioP(PG_GETARG_DATUM(n))
#define PG_RETURN_RATIO_P(x)	return RatioPGetDatum(x)

/* The value of a part, scaled by 10^4. */
static inline int128
ratio_part_value(int128 part)
{
	return part >> RATIO_SCALE_BITS;
}

/* The display scale of a part. */
static inline int
ratio_part_scale(int128 part)
{
	return (int) (part & RATIO_SCALE_MASK);
}

/* A part from a scaled value in range and a display scale. */
static inline int128
ratio_part_make(int128 value, int scale)
{
	Assert(ratio_part_in_range(value));
	return value * 8 + scale;
}

/*
 * Raise 22003 for a sum or difference that left the range; "value" is the
 * exact result (scaled by 10^4), named in the detail.
 */
extern void ratio_part_out_of_range(int128 value) pg_attribute_noreturn();

/*
 * Add a scaled value (in range) to a part; the display scale becomes the
 * larger of the two, as numeric addition does.  Both terms lie within
 * +-2^124, so their exact sum fits an int128 and is range-checked before it
 * is shifted back into place.
 */
static inline void
ratio_part_add(int128 *part, int128 value, int scale)
{
	int128		sum;
	int			old_scale = ratio_part_scale(*part);

	Assert(ratio_part_in_range(value));
	sum = ratio_part_value(*part) + value;
	if (unlikely(!ratio_part_in_range(sum)))
		ratio_part_out_of_range(sum);
	*part = sum * 8 + (old_scale > scale ? old_scale : scale);
}

/* Subtract a scaled value from a part (inverse transitions); keeps the scale. */
static inline void
ratio_part_sub(int128 *part, int128 value)
{
	int128		difference;

	Assert(ratio_part_in_range(value));
	difference = ratio_part_value(*part) - value;
	if (unlikely(!ratio_part_in_range(difference)))
		ratio_part_out_of_range(difference);
	*part = difference * 8 + ratio_part_scale(*part);
}

/*
 * The ratio in argument 0 of a transition or combine function, ready to be
 * updated: the state itself when called by an aggregate (its memory belongs
 * to the aggregate's context and nobody else sees it), otherwise a fresh
 * copy, so that a direct SQL call never scribbles on its input.
 */
static inline Ratio *
ratio_trans_state(FunctionCallInfo fcinfo)
{
	Ratio	   *state = PG_GETARG_RATIO_P(0);
	Ratio	   *copy;

	/* AggCheckCallContext(fcinfo, NULL), inlined: this runs once per row */
	if (fcinfo->context != NULL &&
		(IsA(fcinfo->context, AggState) || IsA(fcinfo->context, WindowAggState)))
		return state;
	copy = (Ratio *) palloc(sizeof(Ratio));
	*copy = *state;
	return copy;
}

#endif							/* POVERTY_AID_RATIO_H */
