/*-------------------------------------------------------------------------
 *
 * ratio.c
 *	  The poverty_aid.ratio type: text and binary I/O, constructors,
 *	  accessors, the + operator, comparison by value (btree and hash
 *	  support) and the Wilson score interval.
 *
 * Text form: numerator/denominator, each part a decimal ([+-]digits[.digits],
 * the denominator not negative), optional blanks around either part.  Output
 * prints each part with its display scale -- the number of fractional digits
 * it was given with (at most 4) or, for a sum, the largest among its terms --
 * so output -> input -> output is the identity and '1296948000.00/
 * 1088043624.16' comes back verbatim.  Fractional digits beyond the 4th are
 * accepted only when they are zeros ('1.50000' reads as 1.5000).
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include <math.h>

#include "common/hashfn.h"
#include "fmgr.h"
#include "libpq/pqformat.h"
#include "utils/builtins.h"
#include "utils/numeric.h"

#include "exact_decimal.h"
#include "ratio.h"

PG_FUNCTION_INFO_V1(ratio_in);
PG_FUNCTION_INFO_V1(ratio_out);
PG_FUNCTION_INFO_V1(ratio_recv);
PG_FUNCTION_INFO_V1(ratio_send);
PG_FUNCTION_INFO_V1(ratio_from_numeric);
PG_FUNCTION_INFO_V1(ratio_from_int8);
PG_FUNCTION_INFO_V1(ratio_from_int4);
PG_FUNCTION_INFO_V1(ratio_value);
PG_FUNCTION_INFO_V1(ratio_percent);
PG_FUNCTION_INFO_V1(ratio_numerator);
PG_FUNCTION_INFO_V1(ratio_denominator);
PG_FUNCTION_INFO_V1(ratio_ci_lower);
PG_FUNCTION_INFO_V1(ratio_ci_upper);
PG_FUNCTION_INFO_V1(ratio_add);
PG_FUNCTION_INFO_V1(ratio_eq);
PG_FUNCTION_INFO_V1(ratio_ne);
PG_FUNCTION_INFO_V1(ratio_hash);
PG_FUNCTION_INFO_V1(ratio_cmp);
PG_FUNCTION_INFO_V1(ratio_lt);
PG_FUNCTION_INFO_V1(ratio_le);
PG_FUNCTION_INFO_V1(ratio_gt);
PG_FUNCTION_INFO_V1(ratio_ge);
PG_FUNCTION_INFO_V1(ratio_eq_value);
PG_FUNCTION_INFO_V1(ratio_ne_value);
PG_FUNCTION_INFO_V1(ratio_hash_value);

/* ratio_percent accepts this many digits after the decimal point at most */
#define RATIO_PERCENT_MAX_DIGITS	30

/* The text of a scaled value, with 4 decimals unless it is whole. */
static char *
scaled_text(int128 value)
{
	StringInfoData text;

	initStringInfo(&text);
	exact_decimal_append_text(&text, value, value % EXACT_DECIMAL_ONE == 0 ? 0 : EXACT_DECIMAL_SCALE);
	return text.data;
}

void
ratio_part_out_of_range(int128 value)
{
	ereport(ERROR,
			(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
			 errmsg("ratio part out of range"),
			 errdetail("The result would be %s; a ratio part lies between %s and %s.",
					   scaled_text(value), RATIO_PART_MIN_TEXT, RATIO_PART_MAX_TEXT)));
}

static void
check_denominator(int128 den_value, const Ratio *ratio)
{
	if (den_value < 0)
	{
		StringInfoData text;

		initStringInfo(&text);
		exact_decimal_append_text(&text, den_value, ratio_part_scale(ratio->den));
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("ratio denominator cannot be negative"),
				 errdetail("The denominator is %s.", text.data)));
	}
}

static Ratio *
ratio_make(int128 num_value, int num_scale, int128 den_value, int den_scale)
{
	Ratio	   *result = (Ratio *) palloc(sizeof(Ratio));

	result->num = ratio_part_make(num_value, num_scale);
	result->den = ratio_part_make(den_value, den_scale);
	check_denominator(den_value, result);
	return result;
}

static void
skip_blanks(const char **s)
{
	while (**s == ' ' || **s == '\t' || **s == '\n' || **s == '\r')
		(*s)++;
}

static void
report_bad_text(const char *input)
{
	ereport(ERROR,
			(errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
			 errmsg("invalid input syntax for type ratio: \"%s\"", input),
			 errdetail("A ratio is written numerator/denominator with decimal parts, as in \"47/50\" or \"1296948000.00/1088043624.16\"; got \"%s\".",
					   input)));
}

/* ratio_in: text numerator/denominator -> ratio */
Datum
ratio_in(PG_FUNCTION_ARGS)
{
	const char *input = PG_GETARG_CSTRING(0);
	const char *s = input;
	int128		num_value;
	int128		den_value;
	int			num_scale;
	int			den_scale;

	skip_blanks(&s);
	if (!exact_decimal_parse(&s, &num_value, &num_scale, input))
		report_bad_text(input);
	skip_blanks(&s);
	if (*s++ != '/')
		report_bad_text(input);
	skip_blanks(&s);
	if (!exact_decimal_parse(&s, &den_value, &den_scale, input))
		report_bad_text(input);
	skip_blanks(&s);
	if (*s != '\0')
		report_bad_text(input);
	PG_RETURN_RATIO_P(ratio_make(num_value, num_scale, den_value, den_scale));
}

/* ratio_out: ratio -> text, each part at its display scale */
Datum
ratio_out(PG_FUNCTION_ARGS)
{
	Ratio	   *ratio = PG_GETARG_RATIO_P(0);
	StringInfoData buf;

	initStringInfo(&buf);
	exact_decimal_append_text(&buf, ratio_part_value(ratio->num), ratio_part_scale(ratio->num));
	appendStringInfoChar(&buf, '/');
	exact_decimal_append_text(&buf, ratio_part_value(ratio->den), ratio_part_scale(ratio->den));
	PG_RETURN_CSTRING(buf.data);
}

/*
 * Binary form, per part (numerator first): int8 display scale, then the value
 * scaled by 10^4 as a 128-bit two's complement integer, high int64 first.
 */
static void
send_part(StringInfo buf, int128 part)
{
	int128		value = ratio_part_value(part);

	pq_sendint8(buf, (int8) ratio_part_scale(part));
	pq_sendint64(buf, (int64) (value >> 64));
	pq_sendint64(buf, (int64) (uint64) value);
}

static int128
recv_part(StringInfo buf, const char *which)
{
	int			scale = pq_getmsgint(buf, 1);
	int64		high = pq_getmsgint64(buf);
	uint64		low = (uint64) pq_getmsgint64(buf);
	int128		value = (int128) (((uint128) (uint64) high << 64) | low);
	int128		granule = 1;

	if (scale < 0 || scale > EXACT_DECIMAL_SCALE)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid display scale in external \"ratio\" value"),
				 errdetail("The %s has scale %d; scales are 0 to 4.", which, scale)));
	if (!ratio_part_in_range(value))
		ereport(ERROR,
				(errcode(ERRCODE_NUMERIC_VALUE_OUT_OF_RANGE),
				 errmsg("ratio part out of range in external \"ratio\" value"),
				 errdetail("The %s is %s; a ratio part lies between %s and %s.",
						   which, scaled_text(value), RATIO_PART_MIN_TEXT, RATIO_PART_MAX_TEXT)));
	for (int i = scale; i < EXACT_DECIMAL_SCALE; i++)
		granule *= 10;
	if (value % granule != 0)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_BINARY_REPRESENTATION),
				 errmsg("invalid external \"ratio\" value"),
				 errdetail("The %s has more fractional digits than its scale %d.", which, scale)));
	return ratio_part_make(value, scale);
}

/* ratio_recv: binary -> ratio, validating every field */
Datum
ratio_recv(PG_FUNCTION_ARGS)
{
	StringInfo	buf = (StringInfo) PG_GETARG_POINTER(0);
	Ratio	   *result = (Ratio *) palloc(sizeof(Ratio));

	result->num = recv_part(buf, "numerator");
	result->den = recv_part(buf, "denominator");
	check_denominator(ratio_part_value(result->den), result);
	PG_RETURN_RATIO_P(result);
}

/* ratio_send: ratio -> binary */
Datum
ratio_send(PG_FUNCTION_ARGS)
{
	Ratio	   *ratio = PG_GETARG_RATIO_P(0);
	StringInfoData buf;

	pq_begintypsend(&buf);
	send_part(&buf, ratio->num);
	send_part(&buf, ratio->den);
	PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

/* ratio(numerator numeric, denominator numeric) */
Datum
ratio_from_numeric(PG_FUNCTION_ARGS)
{
	int			num_scale;
	int			den_scale;
	int128		num_value = exact_decimal_from_numeric(PG_GETARG_DATUM(0), &num_scale, "numerator");
	int128		den_value = exact_decimal_from_numeric(PG_GETARG_DATUM(1), &den_scale, "denominator");

	PG_RETURN_RATIO_P(ratio_make(num_value, num_scale, den_value, den_scale));
}

/* ratio(numerator bigint, denominator bigint) */
Datum
ratio_from_int8(PG_FUNCTION_ARGS)
{
	PG_RETURN_RATIO_P(ratio_make(exact_decimal_from_int64(PG_GETARG_INT64(0)), 0,
								 exact_decimal_from_int64(PG_GETARG_INT64(1)), 0));
}

/* ratio(numerator integer, denominator integer) */
Datum
ratio_from_int4(PG_FUNCTION_ARGS)
{
	PG_RETURN_RATIO_P(ratio_make(exact_decimal_from_int64(PG_GETARG_INT32(0)), 0,
								 exact_decimal_from_int64(PG_GETARG_INT32(1)), 0));
}

/* ratio_value: numerator / denominator as double precision; NULL for x/0 */
Datum
ratio_value(PG_FUNCTION_ARGS)
{
	Ratio	   *ratio = PG_GETARG_RATIO_P(0);
	int128		den = ratio_part_value(ratio->den);

	if (den == 0)
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8((double) ratio_part_value(ratio->num) / (double) den);
}

/*
 * ratio_percent: 100 * numerator / denominator rounded half away from zero
 * (half up for the non-negative ratios) to "digits" fractional digits,
 * computed exactly: the quotient and remainder of integer division decide the
 * rounding, never an inexact intermediate.  NULL for x/0.
 */
Datum
ratio_percent(PG_FUNCTION_ARGS)
{
	Ratio	   *ratio = PG_GETARG_RATIO_P(0);
	int32		digits = PG_GETARG_INT32(1);
	int128		num = ratio_part_value(ratio->num);
	int128		den = ratio_part_value(ratio->den);
	Datum		dividend;
	Datum		divisor;
	Datum		quotient;
	Datum		remainder;
	Datum		power;
	Datum		twice_remainder;

	if (digits < 0 || digits > RATIO_PERCENT_MAX_DIGITS)
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("digits must be between 0 and %d", RATIO_PERCENT_MAX_DIGITS),
				 errdetail("digits is %d.", digits)));
	if (den == 0)
		PG_RETURN_NULL();

	/* exact decimals; truncated division and its remainder are exact too */
	power = DirectFunctionCall2(numeric_power,
								NumericGetDatum(int64_to_numeric(10)),
								NumericGetDatum(int64_to_numeric(digits)));
	dividend = DirectFunctionCall2(numeric_mul, exact_decimal_to_numeric(num, EXACT_DECIMAL_SCALE),
								   DirectFunctionCall2(numeric_mul,
													   NumericGetDatum(int64_to_numeric(100)),
													   power));
	divisor = exact_decimal_to_numeric(den, EXACT_DECIMAL_SCALE);
	quotient = DirectFunctionCall2(numeric_div_trunc, dividend, divisor);
	remainder = DirectFunctionCall2(numeric_sub, dividend,
									DirectFunctionCall2(numeric_mul, quotient, divisor));
	twice_remainder = DirectFunctionCall2(numeric_mul,
										  DirectFunctionCall1(numeric_abs, remainder),
										  NumericGetDatum(int64_to_numeric(2)));
	if (DatumGetInt32(DirectFunctionCall2(numeric_cmp, twice_remainder, divisor)) >= 0)
		quotient = DirectFunctionCall2(num < 0 ? numeric_sub : numeric_add, quotient,
									   NumericGetDatum(int64_to_numeric(1)));
	/* the quotient is exact at "digits" places: div then round sets the scale */
	return DirectFunctionCall2(numeric_round,
							   DirectFunctionCall2(numeric_div, quotient, power),
							   Int32GetDatum(digits));
}

/* ratio_numerator: the numerator as numeric at its display scale */
Datum
ratio_numerator(PG_FUNCTION_ARGS)
{
	Ratio	   *ratio = PG_GETARG_RATIO_P(0);

	return exact_decimal_to_numeric(ratio_part_value(ratio->num), ratio_part_scale(ratio->num));
}

/* ratio_denominator: the denominator as numeric at its display scale */
Datum
ratio_denominator(PG_FUNCTION_ARGS)
{
	Ratio	   *ratio = PG_GETARG_RATIO_P(0);

	return exact_decimal_to_numeric(ratio_part_value(ratio->den), ratio_part_scale(ratio->den));
}

/*
 * The standard normal quantile: Acklam's rational approximation (relative
 * error below 1.2e-9) polished by two Halley steps on erfc, which brings it
 * to double precision.
 */
static double
normal_quantile(double p)
{
	static const double a[] = {-3.969683028665376e+01, 2.209460984245205e+02,
		-2.759285104469687e+02, 1.383577518672690e+02,
	-3.066479806614716e+01, 2.506628277459239e+00};
	static const double b[] = {-5.447609879822406e+01, 1.615858368580409e+02,
		-1.556989798598866e+02, 6.680131188771972e+01,
	-1.328068155288572e+01};
	static const double c[] = {-7.784894002430293e-03, -3.223964580411365e-01,
		-2.400758277161838e+00, -2.549732539343734e+00,
	4.374664141464968e+00, 2.938163982698783e+00};
	static const double d[] = {7.784695709041462e-03, 3.224671290700398e-01,
	2.445134137142996e+00, 3.754408661907416e+00};
	const double p_low = 0.02425;
	double		x;

	if (p < p_low)
	{
		double		q = sqrt(-2 * log(p));

		x = (((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
			((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
	}
	else if (p <= 1 - p_low)
	{
		double		q = p - 0.5;
		double		r = q * q;

		x = (((((a[0] * r + a[1]) * r + a[2]) * r + a[3]) * r + a[4]) * r + a[5]) * q /
			(((((b[0] * r + b[1]) * r + b[2]) * r + b[3]) * r + b[4]) * r + 1);
	}
	else
	{
		double		q = sqrt(-2 * log1p(-p));

		x = -(((((c[0] * q + c[1]) * q + c[2]) * q + c[3]) * q + c[4]) * q + c[5]) /
			((((d[0] * q + d[1]) * q + d[2]) * q + d[3]) * q + 1);
	}
	for (int step = 0; step < 2; step++)
	{
		double		e = 0.5 * erfc(-x / M_SQRT2) - p;
		double		u = e * sqrt(2 * M_PI) * exp(x * x / 2);

		x = x - u / (1 + x * u / 2);
	}
	return x;
}

/* A double in the shortest text that reads back exactly, as float8out. */
static char *
float8_text(double value)
{
	return DatumGetCString(DirectFunctionCall1(float8out, Float8GetDatum(value)));
}

/*
 * The Wilson score interval of a proportion x/n at a confidence level: the
 * set of p whose normal test does not reject x/n,
 *
 *	 (p^ + z^2/2n -+ z sqrt(p^(1-p^)/n + z^2/4n^2)) / (1 + z^2/n),
 *
 * with p^ = x/n and z the (1 + confidence)/2 normal quantile.  It needs whole
 * counts 0 <= x <= n; returns false for n = 0.
 */
static bool
ratio_wilson(FunctionCallInfo fcinfo, double *lower, double *upper)
{
	Ratio	   *ratio = PG_GETARG_RATIO_P(0);
	double		confidence = PG_GETARG_FLOAT8(1);
	int128		num = ratio_part_value(ratio->num);
	int128		den = ratio_part_value(ratio->den);
	double		x;
	double		n;
	double		z;
	double		p;
	double		center;
	double		half;
	double		shrink;

	if (!(confidence > 0 && confidence < 1))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("confidence must be greater than 0 and less than 1"),
				 errdetail("confidence is %s.", float8_text(confidence))));
	if (num % EXACT_DECIMAL_ONE != 0 || den % EXACT_DECIMAL_ONE != 0 || num < 0 || num > den)
	{
		char	   *text = DatumGetCString(DirectFunctionCall1(ratio_out, RatioPGetDatum(ratio)));

		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("Wilson interval needs a proportion of counts"),
				 errdetail("The ratio is %s.", text),
				 errhint("The interval applies to whole counts with 0 <= numerator <= denominator, such as results of rate_agg, exit_rate or coverage, not to sums of money.")));
	}
	if (den == 0)
		return false;

	x = (double) (num / EXACT_DECIMAL_ONE);
	n = (double) (den / EXACT_DECIMAL_ONE);

	/*
	 * z is the quantile of 0.5 + confidence / 2, taken from the upper tail
	 * (1 - confidence) / 2: 1 - confidence is exact for confidence >= 0.5,
	 * whereas 0.5 + confidence / 2 rounds to 1 (z = infinity, bounds NaN)
	 * for confidence 1 - 2^-53.  The smallest tail a double confidence
	 * below 1 can give is 2^-54, where z is about 8.3.
	 */
	z = -normal_quantile((1 - confidence) / 2);
	p = x / n;
	shrink = 1 + z * z / n;
	center = (p + z * z / (2 * n)) / shrink;
	half = z / shrink * sqrt(p * (1 - p) / n + z * z / (4 * n * n));
	*lower = (x == 0) ? 0.0 : Max(0.0, center - half);
	*upper = (x == n) ? 1.0 : Min(1.0, center + half);
	if (!isfinite(*lower) || !isfinite(*upper))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("Wilson interval cannot be computed at this confidence"),
				 errdetail("confidence is %s; the bounds are %s and %s.",
						   float8_text(confidence), float8_text(*lower), float8_text(*upper))));
	return true;
}

/* ratio_ci_lower: lower Wilson bound; NULL for x/0 */
Datum
ratio_ci_lower(PG_FUNCTION_ARGS)
{
	double		lower;
	double		upper;

	if (!ratio_wilson(fcinfo, &lower, &upper))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(lower);
}

/* ratio_ci_upper: upper Wilson bound; NULL for x/0 */
Datum
ratio_ci_upper(PG_FUNCTION_ARGS)
{
	double		lower;
	double		upper;

	if (!ratio_wilson(fcinfo, &lower, &upper))
		PG_RETURN_NULL();
	PG_RETURN_FLOAT8(upper);
}

/*
 * ratio + ratio: numerators and denominators added.  Also the rollup()
 * transition and the combine function of every ratio aggregate, where it
 * updates argument 0 in place; it never changes argument 1, so it does not
 * matter which side is the fresh state.
 */
Datum
ratio_add(PG_FUNCTION_ARGS)
{
	Ratio	   *state = ratio_trans_state(fcinfo);
	Ratio	   *other = PG_GETARG_RATIO_P(1);

	ratio_part_add(&state->num, ratio_part_value(other->num), ratio_part_scale(other->num));
	ratio_part_add(&state->den, ratio_part_value(other->den), ratio_part_scale(other->den));
	PG_RETURN_RATIO_P(state);
}

/*
 * Identity of parts: same numerator and same denominator values (display
 * scales ignored, 2/4 <> 1/2).  This was = in version 1.0, whose SQL still
 * names ratio_eq, ratio_ne and ratio_hash; version 1.1 calls it
 * ratio_identical() and compares by value with =.
 */
static bool
ratio_equal(const Ratio *a, const Ratio *b)
{
	return ratio_part_value(a->num) == ratio_part_value(b->num) &&
		ratio_part_value(a->den) == ratio_part_value(b->den);
}

/* ratio_identical(ratio, ratio); = of version 1.0 */
Datum
ratio_eq(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(ratio_equal(PG_GETARG_RATIO_P(0), PG_GETARG_RATIO_P(1)));
}

/* <> of version 1.0 */
Datum
ratio_ne(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(!ratio_equal(PG_GETARG_RATIO_P(0), PG_GETARG_RATIO_P(1)));
}

/* hash of the part values, consistent with ratio_equal; version 1.0 */
Datum
ratio_hash(PG_FUNCTION_ARGS)
{
	Ratio	   *ratio = PG_GETARG_RATIO_P(0);
	int128		values[2];

	values[0] = ratio_part_value(ratio->num);
	values[1] = ratio_part_value(ratio->den);
	return hash_any((const unsigned char *) values, sizeof(values));
}

/*
 * The full 256-bit product of two 128-bit magnitudes, as high and low
 * halves: schoolbook multiplication on 64-bit limbs.
 */
static void
multiply_wide(uint128 x, uint128 y, uint128 *high, uint128 *low)
{
	uint128		x_low = (uint64) x;
	uint128		x_high = x >> 64;
	uint128		y_low = (uint64) y;
	uint128		y_high = y >> 64;
	uint128		low_low = x_low * y_low;
	uint128		low_high = x_low * y_high;
	uint128		high_low = x_high * y_low;
	uint128		middle;

	/* below 3 * 2^64: no overflow */
	middle = (low_low >> 64) + (uint64) low_high + (uint64) high_low;
	*low = (middle << 64) | (uint64) low_low;
	*high = x_high * y_high + (low_high >> 64) + (high_low >> 64) + (middle >> 64);
}

/* Compare the exact products x1 * y1 and x2 * y2 of 128-bit magnitudes. */
static int
compare_products(uint128 x1, uint128 y1, uint128 x2, uint128 y2)
{
	uint128		high1,
				low1,
				high2,
				low2;

	multiply_wide(x1, y1, &high1, &low1);
	multiply_wide(x2, y2, &high2, &low2);
	if (high1 != high2)
		return high1 < high2 ? -1 : 1;
	if (low1 != low2)
		return low1 < low2 ? -1 : 1;
	return 0;
}

static inline uint128
magnitude(int128 value)
{
	return value < 0 ? -(uint128) value : (uint128) value;
}

/*
 * The order of ratios by value: a/b against c/d is a*d against c*b (b, d >
 * 0), computed exactly with 256-bit products, so 1/2 = 2/4 = 1.5/3.0.  A
 * ratio with denominator 0 has no value: those sort after every ratio that
 * has one, among themselves by numerator (0/0 < 1/0 < 2/0), and each equals
 * only the ratios with the same numerator, so an empty state 0/0 is never
 * merged with anything else.  A total order, as btree requires.
 */
static int
ratio_compare(const Ratio *x, const Ratio *y)
{
	int128		a = ratio_part_value(x->num);
	int128		b = ratio_part_value(x->den);
	int128		c = ratio_part_value(y->num);
	int128		d = ratio_part_value(y->den);
	int			sign_a = (a > 0) - (a < 0);
	int			sign_c = (c > 0) - (c < 0);
	int			order;

	if (b == 0 || d == 0)
	{
		if (b != 0)
			return -1;
		if (d != 0)
			return 1;
		return (a > c) - (a < c);
	}
	if (sign_a != sign_c)
		return sign_a < sign_c ? -1 : 1;
	if (sign_a == 0 || (a == c && b == d))
		return 0;
	order = compare_products(magnitude(a), (uint128) d, magnitude(c), (uint128) b);
	return sign_a > 0 ? order : -order;
}

/* ratio_cmp(ratio, ratio): -1, 0 or 1, the btree support function */
Datum
ratio_cmp(PG_FUNCTION_ARGS)
{
	PG_RETURN_INT32(ratio_compare(PG_GETARG_RATIO_P(0), PG_GETARG_RATIO_P(1)));
}

Datum
ratio_lt(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(ratio_compare(PG_GETARG_RATIO_P(0), PG_GETARG_RATIO_P(1)) < 0);
}

Datum
ratio_le(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(ratio_compare(PG_GETARG_RATIO_P(0), PG_GETARG_RATIO_P(1)) <= 0);
}

Datum
ratio_gt(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(ratio_compare(PG_GETARG_RATIO_P(0), PG_GETARG_RATIO_P(1)) > 0);
}

Datum
ratio_ge(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(ratio_compare(PG_GETARG_RATIO_P(0), PG_GETARG_RATIO_P(1)) >= 0);
}

/* ratio = ratio in version 1.1: equal value (1/2 = 2/4) */
Datum
ratio_eq_value(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(ratio_compare(PG_GETARG_RATIO_P(0), PG_GETARG_RATIO_P(1)) == 0);
}

/* ratio <> ratio in version 1.1 */
Datum
ratio_ne_value(PG_FUNCTION_ARGS)
{
	PG_RETURN_BOOL(ratio_compare(PG_GETARG_RATIO_P(0), PG_GETARG_RATIO_P(1)) != 0);
}

/* Greatest common divisor of two magnitudes, not both 0 (binary GCD). */
static uint128
gcd_wide(uint128 x, uint128 y)
{
	int			shift = 0;

	if (x == 0)
		return y;
	if (y == 0)
		return x;
	while (((x | y) & 1) == 0)
	{
		x >>= 1;
		y >>= 1;
		shift++;
	}
	while ((x & 1) == 0)
		x >>= 1;
	while (y != 0)
	{
		while ((y & 1) == 0)
			y >>= 1;
		if (x > y)
		{
			uint128		swap = x;

			x = y;
			y = swap;
		}
		y -= x;
	}
	return x << shift;
}

/*
 * Hash consistent with equality by value: the hash of the reduced fraction
 * (numerator and denominator divided by their greatest common divisor, 0/d
 * as 0/1), or of (numerator, 0) for a ratio without value.
 */
Datum
ratio_hash_value(PG_FUNCTION_ARGS)
{
	Ratio	   *ratio = PG_GETARG_RATIO_P(0);
	int128		values[2];

	values[0] = ratio_part_value(ratio->num);
	values[1] = ratio_part_value(ratio->den);
	if (values[1] != 0)
	{
		int128		divisor = (int128) gcd_wide(magnitude(values[0]), (uint128) values[1]);

		values[0] /= divisor;
		values[1] /= divisor;
	}
	return hash_any((const unsigned char *) values, sizeof(values));
}
