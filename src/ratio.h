/*-------------------------------------------------------------------------
 *
 * ratio.h
 *	  The poverty_aid.ratio type: an exact numerator and denominator.
 *
 * A ratio is 32 bytes, passed by reference, aligned like a double: two int128
 * parts.  Each part holds a decimal with up to 4 fractional digits as
 * value * 10^4 (see money.h), shifted left by 3 bits; the low 3 bits keep the
 * part's display scale (0..4), i.e. how many fractional digits its text shows,
 * so that '1296948000.00/1088043624.16' prints back exactly as it was typed
 * and sums of numeric(18,2) show 2 decimals, as sum(numeric) would.  The
 * scale is presentation only: equality, hashing and every accessor use the
 * value.  Parts are never reduced (2/4 stays 2/4); the numerator may be
 * negative (a reduction rate when poverty rose), the denominator never is.
 *
 *-------------------------------------------------------------------------
 */
#ifndef POVERTY_AID_RATIO_H
#define POVERTY_AID_RATIO_H

#include "postgres.h"

#include "fmgr.h"
#include "nodes/nodes.h"

#include "money.h"

typedef struct Ratio
{
	int128		num;			/* numerator: value * 10^4 * 8 + scale */
	int128		den;			/* denominator, same encoding, never < 0 */
} Ratio;

StaticAssertDecl(sizeof(Ratio) == 32, "ratio must be 32 bytes");

#define RATIO_SCALE_BITS	3
#define RATIO_SCALE_MASK	((int128) 7)

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

/* A part from a scaled value in money range and a display scale. */
static inline int128
ratio_part_make(int128 value, int scale)
{
	return value * 8 + scale;
}

extern void ratio_overflow_error(void) pg_attribute_noreturn();

/*
 * Add a scaled value (in money range) to a part; the display scale becomes
 * the larger of the two, as numeric addition does.  The sum of two values in
 * range overflows an int128 after the 3-bit shift exactly when it leaves the
 * range, so one overflow check guards the range.
 */
static inline void
ratio_part_add(int128 *part, int128 value, int scale)
{
	int128		sum;
	int			old_scale = ratio_part_scale(*part);

	if (unlikely(__builtin_add_overflow(*part & ~RATIO_SCALE_MASK, value * 8, &sum)))
		ratio_overflow_error();
	*part = sum | (old_scale > scale ? old_scale : scale);
}

/* Subtract a scaled value from a part (inverse transitions); keeps the scale. */
static inline void
ratio_part_sub(int128 *part, int128 value)
{
	int128		difference;
	int			old_scale = ratio_part_scale(*part);

	if (unlikely(__builtin_sub_overflow(*part & ~RATIO_SCALE_MASK, value * 8, &difference)))
		ratio_overflow_error();
	*part = difference | old_scale;
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
