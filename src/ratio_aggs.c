/*-------------------------------------------------------------------------
 *
 * ratio_aggs.c
 *	  Transition and inverse transition functions of the ratio aggregates:
 *	  rate_agg, ratio_agg, rollup, exit_rate, poverty_incidence,
 *	  reduction_rate and fund_in_place.
 *
 * Every aggregate keeps a ratio as its state (INITCOND '0/0'), so a partial
 * result is an ordinary value that can be stored, shipped and rolled up; the
 * combine function of all of them is ratio_add (ratio.c).  A transition
 * function updates its state in place when called by an aggregate (see
 * ratio_trans_state) and never allocates per row; numeric arguments are
 * decoded in place by exact_decimal_from_numeric.
 *
 * The transition functions are STRICT except exit_rate's: with a non-NULL
 * initial state the executor then skips any row with a NULL argument, as
 * built-in aggregates do.  exit_rate cannot be strict because a NULL exited_on
 * means "not exited yet" and still counts in the denominator.
 *
 * Each inverse function (for moving window frames) undoes its transition
 * exactly; the display scale of a part never shrinks when a row leaves a
 * frame, which affects only how many zeros the text shows.  An inverse
 * function checks its row as the transition does and refuses to leave a
 * negative denominator (or, for the aggregates of counts and non-negative
 * amounts, a negative numerator): in a window frame it only ever removes
 * rows it added, but called directly it could otherwise produce a ratio the
 * type forbids.  The inverse functions are not executable by PUBLIC.
 *
 *-------------------------------------------------------------------------
 */
#include "postgres.h"

#include "fmgr.h"
#include "utils/builtins.h"
#include "utils/date.h"
#include "utils/numeric.h"

#include "exact_decimal.h"
#include "ratio.h"

PG_FUNCTION_INFO_V1(rate_agg_trans);
PG_FUNCTION_INFO_V1(rate_agg_inv);
PG_FUNCTION_INFO_V1(ratio_agg_numeric_trans);
PG_FUNCTION_INFO_V1(ratio_agg_numeric_inv);
PG_FUNCTION_INFO_V1(ratio_agg_int8_trans);
PG_FUNCTION_INFO_V1(ratio_agg_int8_inv);
PG_FUNCTION_INFO_V1(ratio_agg_int4_trans);
PG_FUNCTION_INFO_V1(ratio_agg_int4_inv);
PG_FUNCTION_INFO_V1(rollup_inv);
PG_FUNCTION_INFO_V1(exit_rate_trans);
PG_FUNCTION_INFO_V1(exit_rate_inv);
PG_FUNCTION_INFO_V1(poverty_incidence_trans);
PG_FUNCTION_INFO_V1(poverty_incidence_inv);
PG_FUNCTION_INFO_V1(reduction_rate_trans);
PG_FUNCTION_INFO_V1(reduction_rate_inv);
PG_FUNCTION_INFO_V1(fund_in_place_trans);
PG_FUNCTION_INFO_V1(fund_in_place_inv);

/* ---------------------------------------------------------------------------
 * Row checks
 * ---------------------------------------------------------------------------
 */

static void
check_count(int64 count, const char *what)
{
	if (unlikely(count < 0))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s cannot be negative", what),
				 errdetail("Row has %s = " INT64_FORMAT ".", what, count)));
}

/* Decode a numeric amount and reject negative ones. */
static inline int128
amount_from_numeric(Datum datum, int *scale, const char *what, bool allow_negative)
{
	int128		amount = exact_decimal_from_numeric_fast(datum, scale, what);

	if (unlikely(amount < 0 && !allow_negative))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("%s cannot be negative", what),
				 errdetail("Row has %s = %s.", what,
						   DatumGetCString(DirectFunctionCall1(numeric_out, datum)))));
	return amount;
}

static void
check_poverty_row(int64 poor, int64 population)
{
	check_count(poor, "poor");
	check_count(population, "population");
	if (unlikely(poor > population))
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("poor population cannot exceed population"),
				 errdetail("Row has poor = " INT64_FORMAT " and population = " INT64_FORMAT ".",
						   poor, population)));
}

/*
 * Refuse the state an inverse transition would leave if it has a negative
 * denominator, or a negative numerator when "counts" (the numerator of the
 * aggregate is a count or a sum of non-negative amounts).
 */
static inline void
check_inverse_state(const Ratio *state, bool counts)
{
	if (unlikely(ratio_part_value(state->den) < 0 ||
				 (counts && ratio_part_value(state->num) < 0)))
	{
		StringInfoData text;

		initStringInfo(&text);
		exact_decimal_append_text(&text, ratio_part_value(state->num), ratio_part_scale(state->num));
		appendStringInfoChar(&text, '/');
		exact_decimal_append_text(&text, ratio_part_value(state->den), ratio_part_scale(state->den));
		ereport(ERROR,
				(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
				 errmsg("inverse transition would leave a negative part"),
				 errdetail("Removing the row would leave the state %s.", text.data),
				 errhint("An inverse transition can only remove rows that its aggregate added.")));
	}
}

/* ---------------------------------------------------------------------------
 * rate_agg(hit boolean): non-NULL rows / rows where hit
 * ---------------------------------------------------------------------------
 */

Datum
rate_agg_trans(PG_FUNCTION_ARGS)
{
	Ratio	   *state = ratio_trans_state(fcinfo);

	ratio_part_add(&state->den, EXACT_DECIMAL_ONE, 0);
	if (PG_GETARG_BOOL(1))
		ratio_part_add(&state->num, EXACT_DECIMAL_ONE, 0);
	PG_RETURN_RATIO_P(state);
}

Datum
rate_agg_inv(PG_FUNCTION_ARGS)
{
	Ratio	   *state = ratio_trans_state(fcinfo);

	ratio_part_sub(&state->den, EXACT_DECIMAL_ONE);
	if (PG_GETARG_BOOL(1))
		ratio_part_sub(&state->num, EXACT_DECIMAL_ONE);
	check_inverse_state(state, true);
	PG_RETURN_RATIO_P(state);
}

/* ---------------------------------------------------------------------------
 * ratio_agg(num, den): sum(num) / sum(den); num may be negative, den not
 * ---------------------------------------------------------------------------
 */

Datum
ratio_agg_numeric_trans(PG_FUNCTION_ARGS)
{
	Ratio	   *state = ratio_trans_state(fcinfo);
	int			num_scale;
	int			den_scale;
	int128		num = amount_from_numeric(PG_GETARG_DATUM(1), &num_scale, "numerator", true);
	int128		den = amount_from_numeric(PG_GETARG_DATUM(2), &den_scale, "denominator", false);

	ratio_part_add(&state->num, num, num_scale);
	ratio_part_add(&state->den, den, den_scale);
	PG_RETURN_RATIO_P(state);
}

Datum
ratio_agg_numeric_inv(PG_FUNCTION_ARGS)
{
	Ratio	   *state = ratio_trans_state(fcinfo);
	int			num_scale;
	int			den_scale;
	int128		num = amount_from_numeric(PG_GETARG_DATUM(1), &num_scale, "numerator", true);
	int128		den = amount_from_numeric(PG_GETARG_DATUM(2), &den_scale, "denominator", false);

	ratio_part_sub(&state->num, num);
	ratio_part_sub(&state->den, den);
	check_inverse_state(state, false);
	PG_RETURN_RATIO_P(state);
}

Datum
ratio_agg_int8_trans(PG_FUNCTION_ARGS)
{
	Ratio	   *state = ratio_trans_state(fcinfo);
	int64		num = PG_GETARG_INT64(1);
	int64		den = PG_GETARG_INT64(2);

	check_count(den, "denominator");
	ratio_part_add(&state->num, exact_decimal_from_int64(num), 0);
	ratio_part_add(&state->den, exact_decimal_from_int64(den), 0);
	PG_RETURN_RATIO_P(state);
}

Datum
ratio_agg_int8_inv(PG_FUNCTION_ARGS)
{
	Ratio	   *state = ratio_trans_state(fcinfo);
	int64		num = PG_GETARG_INT64(1);
	int64		den = PG_GETARG_INT64(2);

	check_count(den, "denominator");
	ratio_part_sub(&state->num, exact_decimal_from_int64(num));
	ratio_part_sub(&state->den, exact_decimal_from_int64(den));
	check_inverse_state(state, false);
	PG_RETURN_RATIO_P(state);
}

/*
 * The integer variant exists so that ratio_agg(int, int) -- integer columns
 * or literals -- resolves instead of being ambiguous between bigint and
 * numeric.
 */
Datum
ratio_agg_int4_trans(PG_FUNCTION_ARGS)
{
	Ratio	   *state = ratio_trans_state(fcinfo);
	int32		num = PG_GETARG_INT32(1);
	int32		den = PG_GETARG_INT32(2);

	check_count(den, "denominator");
	ratio_part_add(&state->num, exact_decimal_from_int64(num), 0);
	ratio_part_add(&state->den, exact_decimal_from_int64(den), 0);
	PG_RETURN_RATIO_P(state);
}

Datum
ratio_agg_int4_inv(PG_FUNCTION_ARGS)
{
	Ratio	   *state = ratio_trans_state(fcinfo);
	int32		num = PG_GETARG_INT32(1);
	int32		den = PG_GETARG_INT32(2);

	check_count(den, "denominator");
	ratio_part_sub(&state->num, exact_decimal_from_int64(num));
	ratio_part_sub(&state->den, exact_decimal_from_int64(den));
	check_inverse_state(state, false);
	PG_RETURN_RATIO_P(state);
}

/* ---------------------------------------------------------------------------
 * rollup(ratio): the transition is ratio_add; this is its inverse
 * ---------------------------------------------------------------------------
 */

Datum
rollup_inv(PG_FUNCTION_ARGS)
{
	Ratio	   *state = ratio_trans_state(fcinfo);
	Ratio	   *leaving = PG_GETARG_RATIO_P(1);

	ratio_part_sub(&state->num, ratio_part_value(leaving->num));
	ratio_part_sub(&state->den, ratio_part_value(leaving->den));
	check_inverse_state(state, false);
	PG_RETURN_RATIO_P(state);
}

/* ---------------------------------------------------------------------------
 * exit_rate(listed_on, exited_on, as_of): listed by as_of / of those, exited
 * by as_of.  NULL exited_on = not exited; NULL listed_on or as_of skips.
 * ---------------------------------------------------------------------------
 */

/*
 * Classify one row: returns false to skip it, otherwise sets *exited.
 * Raises an error for a row that exited before it was listed.
 */
static inline bool
exit_rate_row(FunctionCallInfo fcinfo, bool *exited)
{
	DateADT		listed_on;
	DateADT		as_of;

	if (PG_ARGISNULL(1) || PG_ARGISNULL(3))
		return false;
	listed_on = PG_GETARG_DATEADT(1);
	as_of = PG_GETARG_DATEADT(3);
	*exited = false;
	if (!PG_ARGISNULL(2))
	{
		DateADT		exited_on = PG_GETARG_DATEADT(2);

		if (unlikely(exited_on < listed_on))
			ereport(ERROR,
					(errcode(ERRCODE_INVALID_PARAMETER_VALUE),
					 errmsg("exited_on cannot be earlier than listed_on"),
					 errdetail("Row has listed_on = %s and exited_on = %s.",
							   DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(listed_on))),
							   DatumGetCString(DirectFunctionCall1(date_out, DateADTGetDatum(exited_on))))));
		*exited = exited_on <= as_of;
	}
	return listed_on <= as_of;
}

/* The state of a non-strict transition: '0/0' if a direct call passed NULL. */
static inline Ratio *
nonstrict_state(FunctionCallInfo fcinfo)
{
	if (PG_ARGISNULL(0))
		return (Ratio *) palloc0(sizeof(Ratio));
	return ratio_trans_state(fcinfo);
}

Datum
exit_rate_trans(PG_FUNCTION_ARGS)
{
	Ratio	   *state = nonstrict_state(fcinfo);
	bool		exited;

	if (exit_rate_row(fcinfo, &exited))
	{
		ratio_part_add(&state->den, EXACT_DECIMAL_ONE, 0);
		if (exited)
			ratio_part_add(&state->num, EXACT_DECIMAL_ONE, 0);
	}
	PG_RETURN_RATIO_P(state);
}

Datum
exit_rate_inv(PG_FUNCTION_ARGS)
{
	Ratio	   *state = nonstrict_state(fcinfo);
	bool		exited;

	if (exit_rate_row(fcinfo, &exited))
	{
		ratio_part_sub(&state->den, EXACT_DECIMAL_ONE);
		if (exited)
			ratio_part_sub(&state->num, EXACT_DECIMAL_ONE);
		check_inverse_state(state, true);
	}
	PG_RETURN_RATIO_P(state);
}

/* ---------------------------------------------------------------------------
 * poverty_incidence(poor, population): sum(poor) / sum(population)
 * ---------------------------------------------------------------------------
 */

Datum
poverty_incidence_trans(PG_FUNCTION_ARGS)
{
	Ratio	   *state = ratio_trans_state(fcinfo);
	int64		poor = PG_GETARG_INT64(1);
	int64		population = PG_GETARG_INT64(2);

	check_poverty_row(poor, population);
	ratio_part_add(&state->num, exact_decimal_from_int64(poor), 0);
	ratio_part_add(&state->den, exact_decimal_from_int64(population), 0);
	PG_RETURN_RATIO_P(state);
}

Datum
poverty_incidence_inv(PG_FUNCTION_ARGS)
{
	Ratio	   *state = ratio_trans_state(fcinfo);
	int64		poor = PG_GETARG_INT64(1);
	int64		population = PG_GETARG_INT64(2);

	check_poverty_row(poor, population);
	ratio_part_sub(&state->num, exact_decimal_from_int64(poor));
	ratio_part_sub(&state->den, exact_decimal_from_int64(population));
	check_inverse_state(state, true);
	PG_RETURN_RATIO_P(state);
}

/* ---------------------------------------------------------------------------
 * reduction_rate(baseline, current): (sum(baseline) - sum(current)) /
 * sum(baseline); negative when poverty rose
 * ---------------------------------------------------------------------------
 */

Datum
reduction_rate_trans(PG_FUNCTION_ARGS)
{
	Ratio	   *state = ratio_trans_state(fcinfo);
	int64		baseline = PG_GETARG_INT64(1);
	int64		current = PG_GETARG_INT64(2);

	check_count(baseline, "baseline");
	check_count(current, "current");
	ratio_part_add(&state->num, exact_decimal_from_int64(baseline) - exact_decimal_from_int64(current), 0);
	ratio_part_add(&state->den, exact_decimal_from_int64(baseline), 0);
	PG_RETURN_RATIO_P(state);
}

Datum
reduction_rate_inv(PG_FUNCTION_ARGS)
{
	Ratio	   *state = ratio_trans_state(fcinfo);
	int64		baseline = PG_GETARG_INT64(1);
	int64		current = PG_GETARG_INT64(2);

	check_count(baseline, "baseline");
	check_count(current, "current");
	ratio_part_sub(&state->num, exact_decimal_from_int64(baseline) - exact_decimal_from_int64(current));
	ratio_part_sub(&state->den, exact_decimal_from_int64(baseline));
	check_inverse_state(state, false);
	PG_RETURN_RATIO_P(state);
}

/* ---------------------------------------------------------------------------
 * fund_in_place(in_place, planned): sum(in_place) / sum(planned), exactly
 * ---------------------------------------------------------------------------
 */

Datum
fund_in_place_trans(PG_FUNCTION_ARGS)
{
	Ratio	   *state = ratio_trans_state(fcinfo);
	int			in_place_scale;
	int			planned_scale;
	int128		in_place = amount_from_numeric(PG_GETARG_DATUM(1), &in_place_scale, "in_place", false);
	int128		planned = amount_from_numeric(PG_GETARG_DATUM(2), &planned_scale, "planned", false);

	ratio_part_add(&state->num, in_place, in_place_scale);
	ratio_part_add(&state->den, planned, planned_scale);
	PG_RETURN_RATIO_P(state);
}

Datum
fund_in_place_inv(PG_FUNCTION_ARGS)
{
	Ratio	   *state = ratio_trans_state(fcinfo);
	int			in_place_scale;
	int			planned_scale;
	int128		in_place = amount_from_numeric(PG_GETARG_DATUM(1), &in_place_scale, "in_place", false);
	int128		planned = amount_from_numeric(PG_GETARG_DATUM(2), &planned_scale, "planned", false);

	ratio_part_sub(&state->num, in_place);
	ratio_part_sub(&state->den, planned);
	check_inverse_state(state, true);
	PG_RETURN_RATIO_P(state);
}
