/*-------------------------------------------------------------------------
 *
 * poverty_measures.c
 *	  Income-based poverty and inequality measures as parallel aggregates:
 *	  fgt(y, z, alpha, w), watts(y, z, w), poverty_gap_yuan(y, z, w),
 *	  income_mean(y, w), gini(y, w) and income_quantile(y, w, p).
 *
 * y is the per-capita income of a household, z the poverty line, w its
 * weight (the household's members).  Every measure is a quotient of weighted
 * sums, except Gini and the quantile, which need the whole distribution.
 *
 * Determinism.  Each row contributes its weight w times a term per person t
 * computed from y and z alone in double precision ((max(0, z - y) / z)^alpha,
 * ln(z / y), ...).  The products w * t are summed exactly, without rounding,
 * in a long fixed-point accumulator (LongAcc below: 2^-256 .. 2^256 in
 * 32-bit limbs), so the sum does not depend on the order of the rows, on how
 * they were split between parallel workers or on how partial states were
 * rolled up, nor on whether rows of equal income were merged into one with
 * their weights added (as the income distribution summary does): the result
 * is the same double, bit for bit, for a given set of rows whatever the plan.
 * The only roundings are those of each term t (a few units in the last
 * place) and one final conversion and division; the relative error of
 * fgt, watts, poverty_gap_yuan and income_mean is below 2^-49 (about
 * 1.8e-15).  Terms below 2^-256 in magnitude are dropped (truncated on the
 * fixed grid), terms of 2^200 or more are an error.
 *
 * The sum measures keep an "internal" state of two accumulators (about 280
 * bytes, whatever the number of rows) and serialise it to a fixed,
 * versioned, big-endian bytea (MEASURE_STATE_BYTES) which is also the
 * user-visible partial state: fgt_partial() and its siblings return it and
 * measure_rollup(bytea) rolls partial states up into the measure.
 *
 * Gini and the quantile keep every (y, w) pair: 16 bytes per row (up to 32
 * while the array doubles), at most GINI_MAX_PAIRS rows (1 GB), beyond which
 * the aggregate fails with 54000.  Each parallel worker sorts its pairs when
 * it serialises them and the leader merges sorted runs; the final function
 * sorts (y, w) completely, so the order of the pairs, and hence every sum,
 * is the same for every plan.  Gini merges the pairs of equal income (adding
 * their weights) before it sums, which changes nothing in exact arithmetic
 * and makes its result the same for a distribution given row by row or as
 * (income, total weight) pairs, when the weights are whole numbers.  The
 * Gini numerator sum_i w_i y_i (C_{i-1} + C_i - W) (C_i the cumulative
 * weight) is summed exactly; its absolute error is below 2^-48 for
 * non-negative incomes.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "fmgr.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/float.h"
#include "utils/memutils.h"

PG_FUNCTION_INFO_V1(fgt_trans);
PG_FUNCTION_INFO_V1(watts_trans);
PG_FUNCTION_INFO_V1(poverty_gap_yuan_trans);
PG_FUNCTION_INFO_V1(income_mean_trans);
PG_FUNCTION_INFO_V1(measure_combine);
PG_FUNCTION_INFO_V1(measure_serialize);
PG_FUNCTION_INFO_V1(measure_deserialize);
PG_FUNCTION_INFO_V1(measure_final);
PG_FUNCTION_INFO_V1(measure_rollup_trans);
PG_FUNCTION_INFO_V1(measure_value);
PG_FUNCTION_INFO_V1(gini_trans);
PG_FUNCTION_INFO_V1(income_quantile_trans);
PG_FUNCTION_INFO_V1(gini_combine);
PG_FUNCTION_INFO_V1(gini_serialize);
PG_FUNCTION_INFO_V1(gini_deserialize);
PG_FUNCTION_INFO_V1(gini_final);
PG_FUNCTION_INFO_V1(income_quantile_final);

/* ---------------------------------------------------------------------------
 * LongAcc: exact sums of doubles
 * ---------------------------------------------------------------------------
 *
 * The value is sum_i limb[i] * 2^(32 i + LONGACC_LOW).  Normalised, limbs
 * 0 .. LONGACC_LIMBS-2 lie in [0, 2^32) and the top limb carries the sign.
 * Adding a double touches three limbs with at most 2^32 each, so up to 2^30
 * additions fit in the int64 limbs before the carries must be propagated.
 */
#define LONGACC_LIMBS		16
#define LONGACC_LOW			(-256)
#define LONGACC_MAX_EXP		200		/* terms must be below 2^200 */
#define LONGACC_SPAN		(((int64) 1) << 30)

typedef struct LongAcc
{
	int64		limb[LONGACC_LIMBS];
} LongAcc;

static void
longacc_normalise(LongAcc *acc)
{
	int64		carry = 0;

	for (int i = 0; i < LONGACC_LIMBS - 1; i++)
	{
		int64		v = acc->limb[i] + carry;

		carry = v >> 32;		/* arithmetic shift: floor division */
		acc->limb[i] = v - (carry << 32);
	}
	acc->limb[LONGACC_LIMBS - 1] += carry;
}

/*
 * Add x (finite, |x| < 2^LONGACC_MAX_EXP) exactly, up to the 2^-256 grid.
 * x = mantissa * 2^(biased exponent - 1075), read from its IEEE 754 bits.
 */
static inline void
longacc_add(LongAcc *acc, double x)
{
	uint64		bits;
	int			biased;
	uint64		mantissa;
	int			offset;
	uint128		shifted;
	int			k;
	uint32		low,
				middle,
				high;

	if (x == 0)
		return;
	memcpy(&bits, &x, sizeof(bits));
	biased = (int) ((bits >> 52) & 0x7FF);
	mantissa = bits & ((UINT64CONST(1) << 52) - 1);
	if (biased == 0)
		biased = 1;				/* subnormal: no implicit leading bit */
	else
		mantissa |= UINT64CONST(1) << 52;
	offset = biased - 1075 - LONGACC_LOW;
	if (offset < 0)
	{
		if (offset <= -64)
			return;
		mantissa >>= -offset;
		offset = 0;
	}
	k = offset / 32;
	shifted = ((uint128) mantissa) << (offset % 32);
	low = (uint32) shifted;
	middle = (uint32) (shifted >> 32);
	high = (uint32) (shifted >> 64);
	if ((int64) bits >= 0)
	{
		acc->limb[k] += low;
		acc->limb[k + 1] += middle;
		acc->limb[k + 2] += high;
	}
	else
	{
		acc->limb[k] -= low;
		acc->limb[k + 1] -= middle;
		acc->limb[k + 2] -= high;
	}
}

/* Add another normalised accumulator into a normalised one. */
static void
longacc_merge(LongAcc *acc, const LongAcc *other)
{
	for (int i = 0; i < LONGACC_LIMBS; i++)
		acc->limb[i] += other->limb[i];
	longacc_normalise(acc);
}

/*
 * Add the product a * b exactly: its rounded value and the rounding error
 * (fma gives a * b - round(a * b) exactly for finite products far from the
 * underflow threshold), so sum_i w_i * t equals (sum_i w_i) * t.
 */
static inline void
longacc_add_product(LongAcc *acc, double a, double b)
{
	double		product = a * b;

	longacc_add(acc, product);
	longacc_add(acc, fma(a, b, -product));
}

/* The sum rounded to a double (from a 64-bit-mantissa intermediate). */
static double
longacc_value(const LongAcc *acc)
{
	LongAcc		copy = *acc;
	bool		negative;
	long double sum = 0;

	longacc_normalise(&copy);
	negative = copy.limb[LONGACC_LIMBS - 1] < 0;
	if (negative)
	{
		for (int i = 0; i < LONGACC_LIMBS; i++)
			copy.limb[i] = -copy.limb[i];
		longacc_normalise(&copy);
	}
	for (int i = LONGACC_LIMBS - 1; i >= 0; i--)
		sum += ldexpl((long double) copy.limb[i], 32 * i + LONGACC_LOW);
	return negative ? -(double) sum : (double) sum;
}

/* ---------------------------------------------------------------------------
 * Row checks
 * ---------------------------------------------------------------------------
 */

static void
report_invalid(const char *message, const char *what, double value)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
			 errmsg("%s", message),
			 errdetail("Row has %s = %s.", what, float8out_internal(value))));
}

static inline void
check_income(double y)
{
	if (unlikely(isnan(y) || isinf(y)))
		report_invalid("income must be a finite number", "y", y);
}

static inline void
check_line(double z)
{
	if (unlikely(!(z > 0) || isinf(z)))
		report_invalid("poverty line must be positive and finite", "z", z);
}

static inline void
check_weight(double w)
{
	if (unlikely(!(w >= 0) || isinf(w)))
		report_invalid("weight must be zero or positive and finite", "w", w);
}

static inline void
check_alpha(double alpha)
{
	if (unlikely(!(alpha >= 0) || isinf(alpha)))
		report_invalid("alpha must be zero or positive and finite", "alpha", alpha);
}

/* A row's term, checked for the accumulator's range. */
static inline double
checked_term(double term, const char *what)
{
	if (unlikely(!(fabs(term) < ldexp(1.0, LONGACC_MAX_EXP))))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("%s of a row is out of range", what),
				 errdetail("The term is %s; terms must be below 2^%d in magnitude.",
						   float8out_internal(term), LONGACC_MAX_EXP)));
	return term;
}

/* ---------------------------------------------------------------------------
 * The sum measures: fgt, watts, poverty_gap_yuan, income_mean
 * ---------------------------------------------------------------------------
 */

typedef enum MeasureKind
{
	MEASURE_FGT = 1,
	MEASURE_WATTS = 2,
	MEASURE_GAP_YUAN = 3,
	MEASURE_MEAN = 4
} MeasureKind;

static const char *const measure_names[] = {
	NULL, "fgt", "watts", "poverty_gap_yuan", "income_mean"
};

typedef struct MeasureState
{
	MeasureKind kind;
	double		alpha;			/* FGT only; 0 otherwise */
	int64		rows;			/* rows counted */
	int64		pending;		/* additions since the last normalisation */
	LongAcc		weight;			/* sum of w */
	LongAcc		total;			/* sum of w * term */
} MeasureState;

#define MEASURE_MAGIC		0x5041564D	/* 'PAVM' */
#define MEASURE_VERSION		1
/* magic, version, kind, alpha, rows, 2 accumulators */
#define MEASURE_STATE_BYTES (4 + 2 + 2 + 8 + 8 + 2 * LONGACC_LIMBS * 8)

static MemoryContext
aggregate_context(FunctionCallInfo fcinfo, const char *caller)
{
	MemoryContext context;

	if (!AggCheckCallContext(fcinfo, &context))
		elog(ERROR, "%s called in non-aggregate context", caller);
	return context;
}

static MeasureState *
measure_state_new(MemoryContext context, MeasureKind kind, double alpha)
{
	MeasureState *state = MemoryContextAllocZero(context, sizeof(MeasureState));

	state->kind = kind;
	state->alpha = alpha;
	return state;
}

/*
 * Add a row of weight w whose term per person is t: the total gains w * t
 * exactly (two additions), so a row of weight 3 adds what three rows of
 * weight 1 with the same income add, and a summary that merges rows of
 * equal income gives the same state bit for bit.  w * t out of range is an
 * error (22003).
 */
static inline void
measure_add(MeasureState *state, double w, double t)
{
	checked_term(w * t, measure_names[state->kind]);
	if (unlikely(state->pending >= LONGACC_SPAN / 2))
	{
		longacc_normalise(&state->weight);
		longacc_normalise(&state->total);
		state->pending = 0;
	}
	longacc_add(&state->weight, w);
	longacc_add_product(&state->total, w, t);
	state->pending++;
	state->rows++;
}

/* The state in argument 0, created on the first row. */
static inline MeasureState *
measure_trans_state(FunctionCallInfo fcinfo, MeasureKind kind, double alpha)
{
	MemoryContext context = aggregate_context(fcinfo, measure_names[kind]);

	if (PG_ARGISNULL(0))
		return measure_state_new(context, kind, alpha);
	return (MeasureState *) PG_GETARG_POINTER(0);
}

/* Whether any of arguments 1 .. nargs is NULL: the row is skipped. */
static inline bool
row_has_null(FunctionCallInfo fcinfo, int nargs)
{
	for (int i = 1; i <= nargs; i++)
		if (PG_ARGISNULL(i))
			return true;
	return false;
}

/*
 * fgt_trans: FGT(alpha) adds w * ((z - y) / z)^alpha for y < z, 0 otherwise.
 * alpha = 0 counts the poor (the headcount), 1 the poverty gap, 2 severity.
 */
Datum
fgt_trans(PG_FUNCTION_ARGS)
{
	MeasureState *state;
	double		y,
				z,
				alpha,
				w,
				term = 0;

	if (row_has_null(fcinfo, 4))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_POINTER(PG_GETARG_POINTER(0));
	}
	y = PG_GETARG_FLOAT8(1);
	z = PG_GETARG_FLOAT8(2);
	alpha = PG_GETARG_FLOAT8(3);
	w = PG_GETARG_FLOAT8(4);
	check_income(y);
	check_line(z);
	check_alpha(alpha);
	check_weight(w);
	state = measure_trans_state(fcinfo, MEASURE_FGT, alpha);
	if (unlikely(alpha != state->alpha))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("alpha must be the same for every row of fgt"),
				 errdetail("Row has alpha = %s; earlier rows had alpha = %s.",
						   float8out_internal(alpha), float8out_internal(state->alpha))));
	if (y < z)
	{
		double		gap = (z - y) / z;

		if (alpha == 0)
			term = 1;
		else if (alpha == 1)
			term = gap;
		else if (alpha == 2)
			term = gap * gap;
		else
			term = pow(gap, alpha);
	}
	measure_add(state, w, term);
	PG_RETURN_POINTER(state);
}

/*
 * watts_trans: the Watts index adds w * ln(z / y) for y < z.  It is not
 * defined for incomes at or below zero: such a row is an error.
 */
Datum
watts_trans(PG_FUNCTION_ARGS)
{
	MeasureState *state;
	double		y,
				z,
				w,
				term = 0;

	if (row_has_null(fcinfo, 3))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_POINTER(PG_GETARG_POINTER(0));
	}
	y = PG_GETARG_FLOAT8(1);
	z = PG_GETARG_FLOAT8(2);
	w = PG_GETARG_FLOAT8(3);
	check_income(y);
	check_line(z);
	check_weight(w);
	if (unlikely(y <= 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("Watts index is not defined for incomes at or below zero"),
				 errdetail("Row has y = %s.", float8out_internal(y)),
				 errhint("Leave such rows out (FILTER (WHERE y > 0)) and report them separately, or use fgt.")));
	state = measure_trans_state(fcinfo, MEASURE_WATTS, 0);
	/* ln(z / y) as log1p((z - y) / y): accurate when y is just below z */
	if (y < z)
		term = log1p((z - y) / y);
	measure_add(state, w, term);
	PG_RETURN_POINTER(state);
}

/* poverty_gap_yuan_trans: adds w * max(0, z - y), the shortfall in yuan */
Datum
poverty_gap_yuan_trans(PG_FUNCTION_ARGS)
{
	MeasureState *state;
	double		y,
				z,
				w;

	if (row_has_null(fcinfo, 3))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_POINTER(PG_GETARG_POINTER(0));
	}
	y = PG_GETARG_FLOAT8(1);
	z = PG_GETARG_FLOAT8(2);
	w = PG_GETARG_FLOAT8(3);
	check_income(y);
	check_line(z);
	check_weight(w);
	state = measure_trans_state(fcinfo, MEASURE_GAP_YUAN, 0);
	measure_add(state, w, y < z ? z - y : 0);
	PG_RETURN_POINTER(state);
}

/* income_mean_trans: adds w * y */
Datum
income_mean_trans(PG_FUNCTION_ARGS)
{
	MeasureState *state;
	double		y,
				w;

	if (row_has_null(fcinfo, 2))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_POINTER(PG_GETARG_POINTER(0));
	}
	y = PG_GETARG_FLOAT8(1);
	w = PG_GETARG_FLOAT8(2);
	check_income(y);
	check_weight(w);
	state = measure_trans_state(fcinfo, MEASURE_MEAN, 0);
	measure_add(state, w, y);
	PG_RETURN_POINTER(state);
}

/* Fold "other" into "state"; both must measure the same thing. */
static void
measure_merge(MeasureState *state, const MeasureState *other)
{
	if (state->kind != other->kind || state->alpha != other->alpha)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("cannot combine partial states of different measures"),
				 errdetail("One state is %s(alpha = %s), the other %s(alpha = %s).",
						   measure_names[state->kind], float8out_internal(state->alpha),
						   measure_names[other->kind], float8out_internal(other->alpha))));
	longacc_normalise(&state->weight);
	longacc_normalise(&state->total);
	{
		MeasureState copy = *other;

		longacc_normalise(&copy.weight);
		longacc_normalise(&copy.total);
		longacc_merge(&state->weight, &copy.weight);
		longacc_merge(&state->total, &copy.total);
	}
	state->pending = 0;
	state->rows += other->rows;
}

/* measure_combine: the combine function of the sum measures */
Datum
measure_combine(PG_FUNCTION_ARGS)
{
	MemoryContext context = aggregate_context(fcinfo, "measure_combine");
	MeasureState *state;
	MeasureState *other;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_POINTER(PG_GETARG_POINTER(0));
	}
	other = (MeasureState *) PG_GETARG_POINTER(1);
	if (PG_ARGISNULL(0))
	{
		/* a copy: the other state is not ours to keep or change */
		state = MemoryContextAlloc(context, sizeof(MeasureState));
		*state = *other;
		PG_RETURN_POINTER(state);
	}
	state = (MeasureState *) PG_GETARG_POINTER(0);
	measure_merge(state, other);
	PG_RETURN_POINTER(state);
}

static bytea *
measure_state_to_bytea(const MeasureState *state)
{
	StringInfoData buf;
	MeasureState copy = *state;
	uint64		alpha_bits;

	longacc_normalise(&copy.weight);
	longacc_normalise(&copy.total);
	memcpy(&alpha_bits, &copy.alpha, sizeof(alpha_bits));
	pq_begintypsend(&buf);
	pq_sendint32(&buf, MEASURE_MAGIC);
	pq_sendint16(&buf, MEASURE_VERSION);
	pq_sendint16(&buf, (uint16) copy.kind);
	pq_sendint64(&buf, alpha_bits);
	pq_sendint64(&buf, copy.rows);
	for (int i = 0; i < LONGACC_LIMBS; i++)
		pq_sendint64(&buf, copy.weight.limb[i]);
	for (int i = 0; i < LONGACC_LIMBS; i++)
		pq_sendint64(&buf, copy.total.limb[i]);
	return pq_endtypsend(&buf);
}

static void
report_bad_state(const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid partial state of a poverty measure"),
			 errdetail("The state's %s is not valid.", what)));
}

/*
 * Read one accumulator, checking that it is normalised.  The top limb holds
 * the bits from 2^224 up and the sign; sums stay below 2^263 (2^63 terms
 * below 2^200), so its magnitude is below 2^39.
 */
static void
read_longacc(StringInfo buf, LongAcc *acc, bool non_negative)
{
	for (int i = 0; i < LONGACC_LIMBS; i++)
	{
		int64		limb = (int64) pq_getmsgint64(buf);

		if (i < LONGACC_LIMBS - 1 ? (limb < 0 || limb >= (((int64) 1) << 32))
			: (limb <= -(((int64) 1) << 40) || limb >= (((int64) 1) << 40)))
			report_bad_state("sum");
		acc->limb[i] = limb;
	}
	if (non_negative && acc->limb[LONGACC_LIMBS - 1] < 0)
		report_bad_state("sum of weights");
}

/*
 * Decode a serialised state into *state, checking its length, magic, version,
 * kind, alpha, row count and that both sums are normalised.
 */
static void
measure_state_from_bytea(bytea *data, MeasureState *state)
{
	StringInfoData buf;
	uint64		alpha_bits;
	int			kind;

	if (VARSIZE_ANY_EXHDR(data) != MEASURE_STATE_BYTES)
		report_bad_state("length");
	buf.data = VARDATA_ANY(data);
	buf.len = VARSIZE_ANY_EXHDR(data);
	buf.maxlen = buf.len;
	buf.cursor = 0;
	if (pq_getmsgint(&buf, 4) != MEASURE_MAGIC)
		report_bad_state("magic number");
	if (pq_getmsgint(&buf, 2) != MEASURE_VERSION)
		report_bad_state("version");
	kind = pq_getmsgint(&buf, 2);
	if (kind < MEASURE_FGT || kind > MEASURE_MEAN)
		report_bad_state("kind");
	memset(state, 0, sizeof(MeasureState));
	state->kind = (MeasureKind) kind;
	alpha_bits = pq_getmsgint64(&buf);
	memcpy(&state->alpha, &alpha_bits, sizeof(alpha_bits));
	if (!(state->alpha >= 0) || isinf(state->alpha) ||
		(kind != MEASURE_FGT && state->alpha != 0))
		report_bad_state("alpha");
	state->rows = (int64) pq_getmsgint64(&buf);
	if (state->rows < 0)
		report_bad_state("row count");
	read_longacc(&buf, &state->weight, true);
	read_longacc(&buf, &state->total, kind != MEASURE_MEAN);
	pq_getmsgend(&buf);
}

/* measure_serialize: the state as a fixed-length big-endian bytea */
Datum
measure_serialize(PG_FUNCTION_ARGS)
{
	aggregate_context(fcinfo, "measure_serialize");
	PG_RETURN_BYTEA_P(measure_state_to_bytea((MeasureState *) PG_GETARG_POINTER(0)));
}

/* measure_deserialize: the inverse of measure_serialize, fully checked */
Datum
measure_deserialize(PG_FUNCTION_ARGS)
{
	MemoryContext context = aggregate_context(fcinfo, "measure_deserialize");
	MeasureState *state = MemoryContextAlloc(context, sizeof(MeasureState));

	measure_state_from_bytea(PG_GETARG_BYTEA_PP(0), state);
	PG_RETURN_POINTER(state);
}

/* sum of w * term / sum of w; NULL when the weights sum to 0 */
static Datum
measure_result(FunctionCallInfo fcinfo, const MeasureState *state)
{
	double		weight = longacc_value(&state->weight);

	if (weight == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(longacc_value(&state->total) / weight);
}

/* measure_final: the measure; NULL over no rows or zero total weight */
Datum
measure_final(PG_FUNCTION_ARGS)
{
	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	return measure_result(fcinfo, (MeasureState *) PG_GETARG_POINTER(0));
}

/*
 * measure_rollup_trans: folds a partial state (a bytea from fgt_partial and
 * its siblings) into the state of measure_rollup.
 */
Datum
measure_rollup_trans(PG_FUNCTION_ARGS)
{
	MemoryContext context = aggregate_context(fcinfo, "measure_rollup");
	MeasureState other;
	MeasureState *state;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_POINTER(PG_GETARG_POINTER(0));
	}
	measure_state_from_bytea(PG_GETARG_BYTEA_PP(1), &other);
	if (PG_ARGISNULL(0))
	{
		state = MemoryContextAlloc(context, sizeof(MeasureState));
		*state = other;
		PG_RETURN_POINTER(state);
	}
	state = (MeasureState *) PG_GETARG_POINTER(0);
	measure_merge(state, &other);
	PG_RETURN_POINTER(state);
}

/* measure_value(bytea): the measure a single partial state stands for */
Datum
measure_value(PG_FUNCTION_ARGS)
{
	MeasureState state;

	measure_state_from_bytea(PG_GETARG_BYTEA_PP(0), &state);
	return measure_result(fcinfo, &state);
}

/* ---------------------------------------------------------------------------
 * The distribution measures: gini, income_quantile
 * ---------------------------------------------------------------------------
 */

typedef struct IncomePair
{
	double		y;
	double		w;
} IncomePair;

#define GINI_MAGIC			0x50415647	/* 'PAVG' */
#define GINI_VERSION		1
/* magic, version, flags, p, count */
#define GINI_HEADER_BYTES	(4 + 2 + 2 + 8 + 8)
/* the serialised state must fit a bytea: 67,108,862 rows */
#define GINI_MAX_PAIRS		((int64) ((MaxAllocSize - VARHDRSZ - GINI_HEADER_BYTES - 1) / sizeof(IncomePair)))
#define GINI_SORTED			0x0001

typedef struct GiniState
{
	int64		count;
	int64		capacity;
	bool		sorted;			/* pairs are in (y, w) order */
	double		p;				/* income_quantile's p; NaN for gini */
	IncomePair *pairs;
} GiniState;

static inline int
pair_compare(const IncomePair *a, const IncomePair *b)
{
	if (a->y != b->y)
		return a->y < b->y ? -1 : 1;
	if (a->w != b->w)
		return a->w < b->w ? -1 : 1;
	return 0;
}

#define ST_SORT pair_sort
#define ST_ELEMENT_TYPE IncomePair
#define ST_COMPARE(a, b) pair_compare(a, b)
#define ST_SCOPE static
#define ST_DEFINE
#include "lib/sort_template.h"

static void
gini_too_large(int64 count)
{
	ereport(ERROR,
			(errcode(ERRCODE_PROGRAM_LIMIT_EXCEEDED),
			 errmsg("too many rows for an income distribution aggregate"),
			 errdetail("The state would hold " INT64_FORMAT " rows; it holds at most " INT64_FORMAT " (16 bytes each).",
					   count, GINI_MAX_PAIRS),
			 errhint("Compute gini and income_quantile per region or on a sample.")));
}

static GiniState *
gini_state_new(MemoryContext context, int64 capacity, double p)
{
	GiniState  *state = MemoryContextAlloc(context, sizeof(GiniState));

	state->count = 0;
	state->capacity = Max(capacity, 64);
	state->sorted = true;
	state->p = p;
	state->pairs = MemoryContextAlloc(context, state->capacity * sizeof(IncomePair));
	return state;
}

/* Make room for "more" pairs: the array doubles, up to GINI_MAX_PAIRS. */
static void
gini_reserve(GiniState *state, int64 more)
{
	int64		needed = state->count + more;
	int64		capacity = state->capacity;

	if (needed <= capacity)
		return;
	if (needed > GINI_MAX_PAIRS)
		gini_too_large(needed);
	while (capacity < needed)
		capacity = Min(capacity * 2, GINI_MAX_PAIRS);
	state->pairs = repalloc(state->pairs, capacity * sizeof(IncomePair));
	state->capacity = capacity;
}

static Datum
gini_add_row(FunctionCallInfo fcinfo, double p)
{
	MemoryContext context = aggregate_context(fcinfo, "gini");
	GiniState  *state;
	IncomePair	pair;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(2))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_POINTER(PG_GETARG_POINTER(0));
	}
	pair.y = PG_GETARG_FLOAT8(1);
	pair.w = PG_GETARG_FLOAT8(2);
	check_income(pair.y);
	check_weight(pair.w);
	if (PG_ARGISNULL(0))
		state = gini_state_new(context, 1024, p);
	else
		state = (GiniState *) PG_GETARG_POINTER(0);
	if (unlikely(!(isnan(state->p) && isnan(p)) && state->p != p))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("p must be the same for every row of income_quantile"),
				 errdetail("Row has p = %s; earlier rows had p = %s.",
						   float8out_internal(p), float8out_internal(state->p))));
	if (pair.w == 0)
		PG_RETURN_POINTER(state);	/* no weight, no effect on either measure */
	gini_reserve(state, 1);
	if (state->count > 0 && state->sorted &&
		pair_compare(&state->pairs[state->count - 1], &pair) > 0)
		state->sorted = false;
	state->pairs[state->count++] = pair;
	PG_RETURN_POINTER(state);
}

/* gini_trans: keeps the (y, w) pair of a row */
Datum
gini_trans(PG_FUNCTION_ARGS)
{
	return gini_add_row(fcinfo, get_float8_nan());
}

/* income_quantile_trans: keeps the (y, w) pair; p must be the same for every row */
Datum
income_quantile_trans(PG_FUNCTION_ARGS)
{
	double		p;

	if (PG_ARGISNULL(3))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_POINTER(PG_GETARG_POINTER(0));
	}
	p = PG_GETARG_FLOAT8(3);
	if (!(p >= 0 && p <= 1))
		report_invalid("p must be between 0 and 1", "p", p);
	return gini_add_row(fcinfo, p);
}

static void
gini_sort(GiniState *state)
{
	if (!state->sorted)
	{
		pair_sort(state->pairs, state->count);
		state->sorted = true;
	}
}

/*
 * gini_combine: appends the other state's pairs; two sorted runs are merged
 * in one pass, so the leader of a parallel plan merges its workers' sorted
 * runs instead of sorting everything again.
 */
Datum
gini_combine(PG_FUNCTION_ARGS)
{
	MemoryContext context = aggregate_context(fcinfo, "gini_combine");
	GiniState  *state;
	GiniState  *other;

	if (PG_ARGISNULL(1))
	{
		if (PG_ARGISNULL(0))
			PG_RETURN_NULL();
		PG_RETURN_POINTER(PG_GETARG_POINTER(0));
	}
	other = (GiniState *) PG_GETARG_POINTER(1);
	if (PG_ARGISNULL(0))
	{
		state = gini_state_new(context, other->count, other->p);
		memcpy(state->pairs, other->pairs, other->count * sizeof(IncomePair));
		state->count = other->count;
		state->sorted = other->sorted;
		PG_RETURN_POINTER(state);
	}
	state = (GiniState *) PG_GETARG_POINTER(0);
	if (!(isnan(state->p) && isnan(other->p)) && state->p != other->p)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("p must be the same for every row of income_quantile"),
				 errdetail("One partial state has p = %s, the other p = %s.",
						   float8out_internal(state->p), float8out_internal(other->p))));
	if (other->count == 0)
		PG_RETURN_POINTER(state);
	if (state->count + other->count > GINI_MAX_PAIRS)
		gini_too_large(state->count + other->count);
	if (state->sorted && other->sorted && state->count > 0)
	{
		int64		total = state->count + other->count;
		IncomePair *merged = MemoryContextAlloc(context, Max(total, 64) * sizeof(IncomePair));
		int64		i = 0,
					j = 0,
					k = 0;

		while (i < state->count && j < other->count)
			merged[k++] = (pair_compare(&state->pairs[i], &other->pairs[j]) <= 0)
				? state->pairs[i++] : other->pairs[j++];
		while (i < state->count)
			merged[k++] = state->pairs[i++];
		while (j < other->count)
			merged[k++] = other->pairs[j++];
		pfree(state->pairs);
		state->pairs = merged;
		state->count = total;
		state->capacity = Max(total, 64);
		PG_RETURN_POINTER(state);
	}
	gini_reserve(state, other->count);
	memcpy(state->pairs + state->count, other->pairs, other->count * sizeof(IncomePair));
	state->count += other->count;
	state->sorted = false;
	PG_RETURN_POINTER(state);
}

/*
 * gini_serialize: the pairs, sorted (each parallel worker sorts its own
 * share), after a fixed big-endian header:
 *
 *	  uint32 magic 'PAVG', uint16 version (1), uint16 flags (1 = sorted),
 *	  float8 p (NaN for gini), int64 count, then count x (float8 y, float8 w)
 */
Datum
gini_serialize(PG_FUNCTION_ARGS)
{
	GiniState  *state = (GiniState *) PG_GETARG_POINTER(0);
	StringInfoData buf;
	uint64		bits;

	aggregate_context(fcinfo, "gini_serialize");
	gini_sort(state);
	pq_begintypsend(&buf);
	enlargeStringInfo(&buf, GINI_HEADER_BYTES + state->count * sizeof(IncomePair));
	pq_sendint32(&buf, GINI_MAGIC);
	pq_sendint16(&buf, GINI_VERSION);
	pq_sendint16(&buf, GINI_SORTED);
	memcpy(&bits, &state->p, sizeof(bits));
	pq_sendint64(&buf, bits);
	pq_sendint64(&buf, state->count);
	for (int64 i = 0; i < state->count; i++)
	{
		pq_sendfloat8(&buf, state->pairs[i].y);
		pq_sendfloat8(&buf, state->pairs[i].w);
	}
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

static void
report_bad_gini_state(const char *what)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
			 errmsg("invalid partial state of an income distribution"),
			 errdetail("The state's %s is not valid.", what)));
}

/* gini_deserialize: checks length, header, every pair and the sort order */
Datum
gini_deserialize(PG_FUNCTION_ARGS)
{
	MemoryContext context = aggregate_context(fcinfo, "gini_deserialize");
	bytea	   *data = PG_GETARG_BYTEA_PP(0);
	StringInfoData buf;
	GiniState  *state;
	uint64		bits;
	double		p;
	int64		count;
	int			flags;

	buf.data = VARDATA_ANY(data);
	buf.len = VARSIZE_ANY_EXHDR(data);
	buf.maxlen = buf.len;
	buf.cursor = 0;
	if (buf.len < GINI_HEADER_BYTES)
		report_bad_gini_state("length");
	if (pq_getmsgint(&buf, 4) != GINI_MAGIC)
		report_bad_gini_state("magic number");
	if (pq_getmsgint(&buf, 2) != GINI_VERSION)
		report_bad_gini_state("version");
	flags = pq_getmsgint(&buf, 2);
	if ((flags & ~GINI_SORTED) != 0)
		report_bad_gini_state("flags");
	bits = pq_getmsgint64(&buf);
	memcpy(&p, &bits, sizeof(p));
	if (!isnan(p) && !(p >= 0 && p <= 1))
		report_bad_gini_state("p");
	count = (int64) pq_getmsgint64(&buf);
	if (count < 0 || count > GINI_MAX_PAIRS ||
		(int64) (buf.len - GINI_HEADER_BYTES) != count * (int64) sizeof(IncomePair))
		report_bad_gini_state("length");
	state = gini_state_new(context, count, p);
	state->sorted = (flags & GINI_SORTED) != 0;
	for (int64 i = 0; i < count; i++)
	{
		IncomePair	pair;

		pair.y = pq_getmsgfloat8(&buf);
		pair.w = pq_getmsgfloat8(&buf);
		if (isnan(pair.y) || isinf(pair.y) || !(pair.w > 0) || isinf(pair.w))
			report_bad_gini_state("pair");
		if (state->sorted && i > 0 && pair_compare(&state->pairs[i - 1], &pair) > 0)
			report_bad_gini_state("order");
		state->pairs[i] = pair;
	}
	state->count = count;
	pq_getmsgend(&buf);
	PG_RETURN_POINTER(state);
}

/*
 * gini_final: the weighted Gini coefficient of the sorted pairs,
 *
 *	 G = sum_i w_i y_i (C_{i-1} + C_i - W) / (W * sum_i w_i y_i)
 *
 * with C_i the cumulative weight up to pair i and W the total: the mean
 * absolute difference over all pairs of people, halved and divided by the
 * mean (ties contribute nothing whatever their order).  The pairs of equal
 * y are first merged into one with their weights added, in sorted order, so
 * that the same distribution gives the same result whether it comes row by
 * row or summarised.  The cumulative weight is exact for whole weights below
 * 2^53 and compensated otherwise; the numerator and sum_i w_i y_i are summed
 * exactly.  NULL over no rows and when the mean income is not positive (the
 * coefficient is undefined).
 */
Datum
gini_final(PG_FUNCTION_ARGS)
{
	GiniState  *state;
	LongAcc		weight = {{0}};
	LongAcc		income = {{0}};
	LongAcc		numerator = {{0}};
	double		total_weight;
	double		total_income;
	double		cumulative = 0;
	double		compensation = 0;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	state = (GiniState *) PG_GETARG_POINTER(0);
	if (state->count == 0)
		PG_RETURN_NULL();
	gini_sort(state);
	/* merge the pairs of equal income, in place */
	{
		int64		n = 0;

		for (int64 i = 0; i < state->count; i++)
		{
			if (n > 0 && state->pairs[n - 1].y == state->pairs[i].y)
				state->pairs[n - 1].w += state->pairs[i].w;
			else
				state->pairs[n++] = state->pairs[i];
		}
		state->count = n;
	}
	for (int64 i = 0; i < state->count; i++)
	{
		if ((i & (LONGACC_SPAN / 2 - 1)) == LONGACC_SPAN / 2 - 1)
		{
			longacc_normalise(&weight);
			longacc_normalise(&income);
		}
		longacc_add(&weight, state->pairs[i].w);
		longacc_add_product(&income, state->pairs[i].w, state->pairs[i].y);
	}
	total_weight = longacc_value(&weight);
	total_income = longacc_value(&income);
	if (!(total_income > 0))
		PG_RETURN_NULL();
	for (int64 i = 0; i < state->count; i++)
	{
		const IncomePair *pair = &state->pairs[i];
		double		before = cumulative + compensation;	/* C_{i-1} */
		double		next;
		double		term;

		/* Neumaier's compensated running sum of the weights */
		next = cumulative + pair->w;
		if (fabs(cumulative) >= fabs(pair->w))
			compensation += (cumulative - next) + pair->w;
		else
			compensation += (pair->w - next) + cumulative;
		cumulative = next;
		term = (pair->w * pair->y) * ((before + (cumulative + compensation)) - total_weight);
		if ((i & (LONGACC_SPAN - 1)) == LONGACC_SPAN - 1)
			longacc_normalise(&numerator);
		longacc_add(&numerator, checked_term(term, "gini"));
	}
	PG_RETURN_FLOAT8(longacc_value(&numerator) / total_weight / total_income);
}

/*
 * income_quantile_final: the weighted quantile of the sorted pairs, the
 * smallest y whose cumulative weight reaches p * W (the inverse of the
 * weighted distribution function; p = 0 gives the smallest income, p = 0.5
 * the lower weighted median).  NULL over no rows.
 */
Datum
income_quantile_final(PG_FUNCTION_ARGS)
{
	GiniState  *state;
	LongAcc		weight = {{0}};
	LongAcc		cumulative = {{0}};
	double		target;

	if (PG_ARGISNULL(0))
		PG_RETURN_NULL();
	state = (GiniState *) PG_GETARG_POINTER(0);
	if (state->count == 0)
		PG_RETURN_NULL();
	gini_sort(state);
	for (int64 i = 0; i < state->count; i++)
	{
		if ((i & (LONGACC_SPAN - 1)) == LONGACC_SPAN - 1)
			longacc_normalise(&weight);
		longacc_add(&weight, state->pairs[i].w);
	}
	target = state->p * longacc_value(&weight);
	for (int64 i = 0; i < state->count; i++)
	{
		if ((i & (LONGACC_SPAN - 1)) == LONGACC_SPAN - 1)
			longacc_normalise(&cumulative);
		longacc_add(&cumulative, state->pairs[i].w);
		if (longacc_value(&cumulative) >= target)
			PG_RETURN_FLOAT8(state->pairs[i].y);
	}
	PG_RETURN_FLOAT8(state->pairs[state->count - 1].y);
}
