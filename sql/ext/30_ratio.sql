-- 30_ratio.sql: the ratio type, its accessors and operators, and the
-- indicator aggregates built on it (src/ratio.c, src/ratio_aggs.c,
-- src/coverage.c, src/exact_decimal.c).

-- ---------------------------------------------------------------------------
-- Type
-- ---------------------------------------------------------------------------

CREATE TYPE @extschema@.ratio;

CREATE FUNCTION @extschema@.ratio_in(cstring) RETURNS @extschema@.ratio
	AS 'MODULE_PATHNAME', 'ratio_in' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.ratio_out(@extschema@.ratio) RETURNS cstring
	AS 'MODULE_PATHNAME', 'ratio_out' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.ratio_recv(internal) RETURNS @extschema@.ratio
	AS 'MODULE_PATHNAME', 'ratio_recv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.ratio_send(@extschema@.ratio) RETURNS bytea
	AS 'MODULE_PATHNAME', 'ratio_send' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE @extschema@.ratio (
	INPUT = @extschema@.ratio_in,
	OUTPUT = @extschema@.ratio_out,
	RECEIVE = @extschema@.ratio_recv,
	SEND = @extschema@.ratio_send,
	INTERNALLENGTH = 32,
	ALIGNMENT = double,
	STORAGE = plain
);

COMMENT ON TYPE @extschema@.ratio IS
'Exact numerator/denominator, e.g. 47/50: decimals with up to 4 fractional digits (no rounding), never reduced (2/4 stays 2/4), denominator >= 0, numerator may be negative. Range of each part: -2126764793255865396646091296448551.3216 to 2126764793255865396646091296448551.3215 (+-2^124 ten-thousandths); every input, constructor, sum and aggregate refuses a value beyond it with 22003, never wraps. Text output keeps each part''s display scale (the fractional digits it was given with, at most 4; for sums the largest among the terms), so text round-trips: ''1296948000.00/1088043624.16''. 32 bytes, binary send/receive. Compared by value (= < >, btree and hash): 1/2 = 2/4; ratio_identical() compares the parts. The state and result of every ratio aggregate; a ratio with denominator 0 has value NULL and sorts last.';
COMMENT ON FUNCTION @extschema@.ratio_in(cstring) IS 'Text input of ratio: numerator/denominator, e.g. 47/50 or 1.5/2.00.';
COMMENT ON FUNCTION @extschema@.ratio_out(@extschema@.ratio) IS 'Text output of ratio: numerator/denominator, each part at its display scale.';
COMMENT ON FUNCTION @extschema@.ratio_recv(internal) IS 'Binary input of ratio; validates scales, ranges and the sign of the denominator.';
COMMENT ON FUNCTION @extschema@.ratio_send(@extschema@.ratio) IS 'Binary output of ratio: per part an int8 display scale and the value times 10^4 as a 128-bit integer.';

-- ---------------------------------------------------------------------------
-- Constructors and accessors
-- ---------------------------------------------------------------------------

CREATE FUNCTION @extschema@.ratio(numerator numeric, denominator numeric) RETURNS @extschema@.ratio
	AS 'MODULE_PATHNAME', 'ratio_from_numeric' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.ratio(numeric, numeric) IS
'The ratio numerator/denominator, exactly: ratio(1.50, 2) = 1.50/2. Errors for a negative denominator, NaN or infinity, or more than 4 nonzero fractional digits (22023), and for a part beyond the range of the type (22003).';

CREATE FUNCTION @extschema@.ratio(numerator bigint, denominator bigint) RETURNS @extschema@.ratio
	AS 'MODULE_PATHNAME', 'ratio_from_int8' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.ratio(bigint, bigint) IS
'The ratio numerator/denominator of counts: ratio(47, 50) = 47/50. Error for a negative denominator.';

CREATE FUNCTION @extschema@.ratio(numerator integer, denominator integer) RETURNS @extschema@.ratio
	AS 'MODULE_PATHNAME', 'ratio_from_int4' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.ratio(integer, integer) IS
'The ratio numerator/denominator of counts; lets ratio(47, 50) resolve without a cast.';

CREATE FUNCTION @extschema@.ratio_value(@extschema@.ratio) RETURNS double precision
	AS 'MODULE_PATHNAME', 'ratio_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.ratio_value(@extschema@.ratio) IS
'numerator / denominator as double precision; NULL when the denominator is 0 (an empty group is not a rate of zero).';

CREATE FUNCTION @extschema@.ratio_percent(@extschema@.ratio, digits integer DEFAULT 1) RETURNS numeric
	AS 'MODULE_PATHNAME', 'ratio_percent' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.ratio_percent(@extschema@.ratio, integer) IS
'100 * numerator / denominator rounded half up (half away from zero for negative ratios) to digits fractional digits (0..30, default 1), computed exactly from the parts: ratio_percent(''3787/3904'') = 97.0. NULL when the denominator is 0.';

CREATE FUNCTION @extschema@.ratio_numerator(@extschema@.ratio) RETURNS numeric
	AS 'MODULE_PATHNAME', 'ratio_numerator' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.ratio_numerator(@extschema@.ratio) IS 'The numerator, exactly, as numeric at its display scale.';

CREATE FUNCTION @extschema@.ratio_denominator(@extschema@.ratio) RETURNS numeric
	AS 'MODULE_PATHNAME', 'ratio_denominator' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.ratio_denominator(@extschema@.ratio) IS 'The denominator, exactly, as numeric at its display scale.';

CREATE FUNCTION @extschema@.ratio_ci_lower(@extschema@.ratio, confidence double precision DEFAULT 0.95) RETURNS double precision
	AS 'MODULE_PATHNAME', 'ratio_ci_lower' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.ratio_ci_lower(@extschema@.ratio, double precision) IS
'Lower bound of the Wilson score interval of the proportion numerator/denominator at the confidence level (0 < confidence < 1, default 0.95). The parts must be whole counts with 0 <= numerator <= denominator, else error 22023; NULL when the denominator is 0.';

CREATE FUNCTION @extschema@.ratio_ci_upper(@extschema@.ratio, confidence double precision DEFAULT 0.95) RETURNS double precision
	AS 'MODULE_PATHNAME', 'ratio_ci_upper' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.ratio_ci_upper(@extschema@.ratio, double precision) IS
'Upper bound of the Wilson score interval of the proportion numerator/denominator at the confidence level (0 < confidence < 1, default 0.95). The parts must be whole counts with 0 <= numerator <= denominator, else error 22023; NULL when the denominator is 0.';

-- ---------------------------------------------------------------------------
-- Operators, cast, btree and hash opclasses
-- ---------------------------------------------------------------------------

CREATE FUNCTION @extschema@.ratio_add(@extschema@.ratio, @extschema@.ratio) RETURNS @extschema@.ratio
	AS 'MODULE_PATHNAME', 'ratio_add' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.ratio_add(@extschema@.ratio, @extschema@.ratio) IS
'Adds numerators and denominators: 1/2 + 3/4 = 4/6; a part beyond the range of the type is an error (22003). Implements ratio + ratio, the rollup() transition and the combine step of every ratio aggregate.';

CREATE OPERATOR @extschema@.+ (
	LEFTARG = @extschema@.ratio, RIGHTARG = @extschema@.ratio,
	FUNCTION = @extschema@.ratio_add, COMMUTATOR = OPERATOR(@extschema@.+)
);
COMMENT ON OPERATOR @extschema@.+ (@extschema@.ratio, @extschema@.ratio) IS
'Adds numerators and denominators (a ratio of sums): 1/2 + 3/4 = 4/6; a part beyond the range of the type is an error (22003).';

-- Comparison is by value: a/b against c/d is a*d against c*b, exactly
-- (256-bit products), so 1/2 = 2/4 and ORDER BY, DISTINCT, GROUP BY, UNION
-- and count(DISTINCT r) treat them as one value -- as numeric treats 1.0 and
-- 1.00.  A ratio with denominator 0 has no value: it sorts after every ratio
-- that has one, and equals only a ratio with the same numerator (0/0 = 0/0,
-- 0/0 <> 1/0).  ratio_identical() compares the parts themselves.  The C
-- symbols ratio_eq, ratio_ne and ratio_hash keep the part identity that
-- version 1.0's SQL names them for.
CREATE FUNCTION @extschema@.ratio_eq(@extschema@.ratio, @extschema@.ratio) RETURNS boolean
	AS 'MODULE_PATHNAME', 'ratio_eq_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.ratio_eq(@extschema@.ratio, @extschema@.ratio) IS
'Equal value, exactly: 1/2 = 2/4 = 1.5/3.0 (parts are not compared; see ratio_identical). Ratios with denominator 0 are equal when their numerators are.';

CREATE FUNCTION @extschema@.ratio_ne(@extschema@.ratio, @extschema@.ratio) RETURNS boolean
	AS 'MODULE_PATHNAME', 'ratio_ne_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.ratio_ne(@extschema@.ratio, @extschema@.ratio) IS 'Negation of ratio_eq: different value.';

CREATE FUNCTION @extschema@.ratio_hash(@extschema@.ratio) RETURNS integer
	AS 'MODULE_PATHNAME', 'ratio_hash_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.ratio_hash(@extschema@.ratio) IS 'Hash of the value (of the reduced fraction), consistent with =: 1/2 and 2/4 hash alike. For hash joins, GROUP BY and DISTINCT.';

CREATE FUNCTION @extschema@.ratio_cmp(@extschema@.ratio, @extschema@.ratio) RETURNS integer
	AS 'MODULE_PATHNAME', 'ratio_cmp' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.ratio_cmp(@extschema@.ratio, @extschema@.ratio) IS
'-1, 0 or 1 as the first ratio is less than, equal to or greater than the second by value, exactly; ratios with denominator 0 sort last, by numerator. The btree support function.';

CREATE FUNCTION @extschema@.ratio_lt(@extschema@.ratio, @extschema@.ratio) RETURNS boolean
	AS 'MODULE_PATHNAME', 'ratio_lt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.ratio_lt(@extschema@.ratio, @extschema@.ratio) IS 'Less value, exactly (ratio_cmp < 0).';
CREATE FUNCTION @extschema@.ratio_le(@extschema@.ratio, @extschema@.ratio) RETURNS boolean
	AS 'MODULE_PATHNAME', 'ratio_le' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.ratio_le(@extschema@.ratio, @extschema@.ratio) IS 'Less or equal value, exactly (ratio_cmp <= 0).';
CREATE FUNCTION @extschema@.ratio_gt(@extschema@.ratio, @extschema@.ratio) RETURNS boolean
	AS 'MODULE_PATHNAME', 'ratio_gt' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.ratio_gt(@extschema@.ratio, @extschema@.ratio) IS 'Greater value, exactly (ratio_cmp > 0).';
CREATE FUNCTION @extschema@.ratio_ge(@extschema@.ratio, @extschema@.ratio) RETURNS boolean
	AS 'MODULE_PATHNAME', 'ratio_ge' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.ratio_ge(@extschema@.ratio, @extschema@.ratio) IS 'Greater or equal value, exactly (ratio_cmp >= 0).';

CREATE FUNCTION @extschema@.ratio_identical(@extschema@.ratio, @extschema@.ratio) RETURNS boolean
	AS 'MODULE_PATHNAME', 'ratio_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.ratio_identical(@extschema@.ratio, @extschema@.ratio) IS
'Same numerator and same denominator (display scales ignored): ratio_identical(''2/4'', ''2.0/4'') is true, ratio_identical(''1/2'', ''2/4'') is false although 1/2 = 2/4. Aggregate states that roll up alike are identical, not merely equal.';

CREATE OPERATOR @extschema@.= (
	LEFTARG = @extschema@.ratio, RIGHTARG = @extschema@.ratio,
	FUNCTION = @extschema@.ratio_eq, COMMUTATOR = OPERATOR(@extschema@.=),
	NEGATOR = OPERATOR(@extschema@.<>), RESTRICT = eqsel, JOIN = eqjoinsel, HASHES
);
COMMENT ON OPERATOR @extschema@.= (@extschema@.ratio, @extschema@.ratio) IS
'Equal value, exactly: 1/2 = 2/4 is true (parts are never reduced, but compared by value, as numeric 1.0 = 1.00). ratio_identical() compares the parts; ratio::text the text.';

CREATE OPERATOR @extschema@.<> (
	LEFTARG = @extschema@.ratio, RIGHTARG = @extschema@.ratio,
	FUNCTION = @extschema@.ratio_ne, COMMUTATOR = OPERATOR(@extschema@.<>),
	NEGATOR = OPERATOR(@extschema@.=), RESTRICT = neqsel, JOIN = neqjoinsel
);
COMMENT ON OPERATOR @extschema@.<> (@extschema@.ratio, @extschema@.ratio) IS 'Different value: 1/2 <> 2/4 is false.';

CREATE OPERATOR @extschema@.< (
	LEFTARG = @extschema@.ratio, RIGHTARG = @extschema@.ratio,
	FUNCTION = @extschema@.ratio_lt, COMMUTATOR = OPERATOR(@extschema@.>),
	NEGATOR = OPERATOR(@extschema@.>=), RESTRICT = scalarltsel, JOIN = scalarltjoinsel
);
COMMENT ON OPERATOR @extschema@.< (@extschema@.ratio, @extschema@.ratio) IS 'Less value, exactly: 47/50 < 3787/3904. Ratios with denominator 0 sort after all others.';
CREATE OPERATOR @extschema@.<= (
	LEFTARG = @extschema@.ratio, RIGHTARG = @extschema@.ratio,
	FUNCTION = @extschema@.ratio_le, COMMUTATOR = OPERATOR(@extschema@.>=),
	NEGATOR = OPERATOR(@extschema@.>), RESTRICT = scalarlesel, JOIN = scalarlejoinsel
);
COMMENT ON OPERATOR @extschema@.<= (@extschema@.ratio, @extschema@.ratio) IS 'Less or equal value, exactly.';
CREATE OPERATOR @extschema@.> (
	LEFTARG = @extschema@.ratio, RIGHTARG = @extschema@.ratio,
	FUNCTION = @extschema@.ratio_gt, COMMUTATOR = OPERATOR(@extschema@.<),
	NEGATOR = OPERATOR(@extschema@.<=), RESTRICT = scalargtsel, JOIN = scalargtjoinsel
);
COMMENT ON OPERATOR @extschema@.> (@extschema@.ratio, @extschema@.ratio) IS 'Greater value, exactly. Ratios with denominator 0 sort after all others.';
CREATE OPERATOR @extschema@.>= (
	LEFTARG = @extschema@.ratio, RIGHTARG = @extschema@.ratio,
	FUNCTION = @extschema@.ratio_ge, COMMUTATOR = OPERATOR(@extschema@.<=),
	NEGATOR = OPERATOR(@extschema@.<), RESTRICT = scalargesel, JOIN = scalargejoinsel
);
COMMENT ON OPERATOR @extschema@.>= (@extschema@.ratio, @extschema@.ratio) IS 'Greater or equal value, exactly.';

CREATE OPERATOR CLASS @extschema@.ratio_btree_ops DEFAULT FOR TYPE @extschema@.ratio USING btree AS
	OPERATOR 1 @extschema@.< (@extschema@.ratio, @extschema@.ratio),
	OPERATOR 2 @extschema@.<= (@extschema@.ratio, @extschema@.ratio),
	OPERATOR 3 @extschema@.= (@extschema@.ratio, @extschema@.ratio),
	OPERATOR 4 @extschema@.>= (@extschema@.ratio, @extschema@.ratio),
	OPERATOR 5 @extschema@.> (@extschema@.ratio, @extschema@.ratio),
	FUNCTION 1 @extschema@.ratio_cmp(@extschema@.ratio, @extschema@.ratio);
COMMENT ON OPERATOR CLASS @extschema@.ratio_btree_ops USING btree IS 'Order of ratios by value, exactly (1/2 = 2/4; denominator 0 last): ORDER BY, count(DISTINCT r), min/max by value, btree indexes and unique constraints.';
COMMENT ON OPERATOR FAMILY @extschema@.ratio_btree_ops USING btree IS 'Operator family of ratio_btree_ops: order of ratios by value.';

CREATE OPERATOR CLASS @extschema@.ratio_hash_ops DEFAULT FOR TYPE @extschema@.ratio USING hash AS
	OPERATOR 1 @extschema@.= (@extschema@.ratio, @extschema@.ratio),
	FUNCTION 1 @extschema@.ratio_hash(@extschema@.ratio);
COMMENT ON OPERATOR CLASS @extschema@.ratio_hash_ops USING hash IS 'Hash equality of ratios by value (1/2 = 2/4), for GROUP BY, DISTINCT and hash joins.';
COMMENT ON OPERATOR FAMILY @extschema@.ratio_hash_ops USING hash IS 'Operator family of ratio_hash_ops: hash equality of ratios by value.';

CREATE CAST (@extschema@.ratio AS double precision)
	WITH FUNCTION @extschema@.ratio_value(@extschema@.ratio);
COMMENT ON CAST (@extschema@.ratio AS double precision) IS 'Explicit cast: ratio_value(), NULL when the denominator is 0.';

-- ---------------------------------------------------------------------------
-- Ratio aggregates
--
-- State and result are ratio (INITCOND '0/0': no rows give 0/0), so partial
-- results roll up with rollup() and travel between servers as plain values.
-- The combine function of all of them is ratio_add; all have inverse
-- transitions for moving window frames.  Transition functions update the
-- state in place when called by an aggregate and otherwise return a copy.
-- ---------------------------------------------------------------------------

CREATE FUNCTION @extschema@.rate_agg_trans(@extschema@.ratio, boolean) RETURNS @extschema@.ratio
	AS 'MODULE_PATHNAME', 'rate_agg_trans' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.rate_agg_inv(@extschema@.ratio, boolean) RETURNS @extschema@.ratio
	AS 'MODULE_PATHNAME', 'rate_agg_inv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.rate_agg_trans(@extschema@.ratio, boolean) IS 'Transition of rate_agg: adds 1 to the denominator and, when hit, 1 to the numerator.';
COMMENT ON FUNCTION @extschema@.rate_agg_inv(@extschema@.ratio, boolean) IS 'Inverse transition of rate_agg, for moving window frames; checks the row as the transition does and refuses to leave a negative part (22023). Not executable by PUBLIC (the aggregate calls it with its owner''s rights).';

CREATE AGGREGATE @extschema@.rate_agg(hit boolean) (
	SFUNC = @extschema@.rate_agg_trans, STYPE = @extschema@.ratio, INITCOND = '0/0',
	COMBINEFUNC = @extschema@.ratio_add,
	MSFUNC = @extschema@.rate_agg_trans, MINVFUNC = @extschema@.rate_agg_inv,
	MSTYPE = @extschema@.ratio, MINITCOND = '0/0',
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.rate_agg(boolean) IS
'Share of rows where hit is true: rows where hit / non-NULL rows, as a ratio; rate_agg(exited) over 50 counties of which 47 exited = 47/50. NULL rows are skipped; no rows give 0/0.';

CREATE FUNCTION @extschema@.ratio_agg_trans(@extschema@.ratio, numeric, numeric) RETURNS @extschema@.ratio
	AS 'MODULE_PATHNAME', 'ratio_agg_numeric_trans' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.ratio_agg_inv(@extschema@.ratio, numeric, numeric) RETURNS @extschema@.ratio
	AS 'MODULE_PATHNAME', 'ratio_agg_numeric_inv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.ratio_agg_trans(@extschema@.ratio, numeric, numeric) IS 'Transition of ratio_agg(numeric, numeric): adds num and den exactly.';
COMMENT ON FUNCTION @extschema@.ratio_agg_inv(@extschema@.ratio, numeric, numeric) IS 'Inverse transition of ratio_agg(numeric, numeric), for moving window frames; checks the row as the transition does and refuses to leave a negative part (22023). Not executable by PUBLIC (the aggregate calls it with its owner''s rights).';

CREATE AGGREGATE @extschema@.ratio_agg(num numeric, den numeric) (
	SFUNC = @extschema@.ratio_agg_trans, STYPE = @extschema@.ratio, INITCOND = '0/0',
	COMBINEFUNC = @extschema@.ratio_add,
	MSFUNC = @extschema@.ratio_agg_trans, MINVFUNC = @extschema@.ratio_agg_inv,
	MSTYPE = @extschema@.ratio, MINITCOND = '0/0',
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.ratio_agg(numeric, numeric) IS
'Ratio of sums sum(num) / sum(den), exact (decimals with up to 4 fractional digits). num may be negative, den may not; NaN, infinity and more than 4 nonzero fractional digits are errors (22023). Rows with a NULL argument are skipped; no rows give 0/0.';

CREATE FUNCTION @extschema@.ratio_agg_trans(@extschema@.ratio, bigint, bigint) RETURNS @extschema@.ratio
	AS 'MODULE_PATHNAME', 'ratio_agg_int8_trans' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.ratio_agg_inv(@extschema@.ratio, bigint, bigint) RETURNS @extschema@.ratio
	AS 'MODULE_PATHNAME', 'ratio_agg_int8_inv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.ratio_agg_trans(@extschema@.ratio, bigint, bigint) IS 'Transition of ratio_agg(bigint, bigint): adds num and den.';
COMMENT ON FUNCTION @extschema@.ratio_agg_inv(@extschema@.ratio, bigint, bigint) IS 'Inverse transition of ratio_agg(bigint, bigint), for moving window frames; checks the row as the transition does and refuses to leave a negative part (22023). Not executable by PUBLIC (the aggregate calls it with its owner''s rights).';

CREATE AGGREGATE @extschema@.ratio_agg(num bigint, den bigint) (
	SFUNC = @extschema@.ratio_agg_trans, STYPE = @extschema@.ratio, INITCOND = '0/0',
	COMBINEFUNC = @extschema@.ratio_add,
	MSFUNC = @extschema@.ratio_agg_trans, MINVFUNC = @extschema@.ratio_agg_inv,
	MSTYPE = @extschema@.ratio, MINITCOND = '0/0',
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.ratio_agg(bigint, bigint) IS
'Ratio of sums sum(num) / sum(den) of counts. num may be negative, den may not (22023). Rows with a NULL argument are skipped; no rows give 0/0.';

CREATE FUNCTION @extschema@.ratio_agg_trans(@extschema@.ratio, integer, integer) RETURNS @extschema@.ratio
	AS 'MODULE_PATHNAME', 'ratio_agg_int4_trans' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.ratio_agg_inv(@extschema@.ratio, integer, integer) RETURNS @extschema@.ratio
	AS 'MODULE_PATHNAME', 'ratio_agg_int4_inv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.ratio_agg_trans(@extschema@.ratio, integer, integer) IS 'Transition of ratio_agg(integer, integer): adds num and den.';
COMMENT ON FUNCTION @extschema@.ratio_agg_inv(@extschema@.ratio, integer, integer) IS 'Inverse transition of ratio_agg(integer, integer), for moving window frames; checks the row as the transition does and refuses to leave a negative part (22023). Not executable by PUBLIC (the aggregate calls it with its owner''s rights).';

CREATE AGGREGATE @extschema@.ratio_agg(num integer, den integer) (
	SFUNC = @extschema@.ratio_agg_trans, STYPE = @extschema@.ratio, INITCOND = '0/0',
	COMBINEFUNC = @extschema@.ratio_add,
	MSFUNC = @extschema@.ratio_agg_trans, MINVFUNC = @extschema@.ratio_agg_inv,
	MSTYPE = @extschema@.ratio, MINITCOND = '0/0',
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.ratio_agg(integer, integer) IS
'Ratio of sums sum(num) / sum(den) of integer counts; exists so that integer columns and literals resolve without casts. num may be negative, den may not (22023).';

CREATE FUNCTION @extschema@.rollup_inv(@extschema@.ratio, @extschema@.ratio) RETURNS @extschema@.ratio
	AS 'MODULE_PATHNAME', 'rollup_inv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.rollup_inv(@extschema@.ratio, @extschema@.ratio) IS 'Inverse transition of rollup: subtracts the parts, for moving window frames; checks the row as the transition does and refuses to leave a negative part (22023). Not executable by PUBLIC (the aggregate calls it with its owner''s rights).';

-- ROLLUP is a keyword only inside GROUP BY; as a function name it needs no
-- quoting: SELECT rollup(r) and SELECT poverty_aid.rollup(r) both work.
CREATE AGGREGATE @extschema@.rollup(ratio @extschema@.ratio) (
	SFUNC = @extschema@.ratio_add, STYPE = @extschema@.ratio, INITCOND = '0/0',
	COMBINEFUNC = @extschema@.ratio_add,
	MSFUNC = @extschema@.ratio_add, MINVFUNC = @extschema@.rollup_inv,
	MSTYPE = @extschema@.ratio, MINITCOND = '0/0',
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.rollup(@extschema@.ratio) IS
'Rolls partial ratios up into one: sum of numerators / sum of denominators (a ratio of sums, never an average of rates). rollup over per-prefecture exit_rate results equals exit_rate over all their counties. Callable as rollup(r) or poverty_aid.rollup(r); in GROUP BY, ROLLUP(...) still means grouping sets. NULL ratios are skipped; no rows give 0/0.';

CREATE FUNCTION @extschema@.exit_rate_trans(@extschema@.ratio, date, date, date) RETURNS @extschema@.ratio
	AS 'MODULE_PATHNAME', 'exit_rate_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION @extschema@.exit_rate_inv(@extschema@.ratio, date, date, date) RETURNS @extschema@.ratio
	AS 'MODULE_PATHNAME', 'exit_rate_inv' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.exit_rate_trans(@extschema@.ratio, date, date, date) IS 'Transition of exit_rate (not strict: a NULL exited_on means not exited yet).';
COMMENT ON FUNCTION @extschema@.exit_rate_inv(@extschema@.ratio, date, date, date) IS 'Inverse transition of exit_rate, for moving window frames; checks the row as the transition does and refuses to leave a negative part (22023). Not executable by PUBLIC (the aggregate calls it with its owner''s rights).';

CREATE AGGREGATE @extschema@.exit_rate(listed_on date, exited_on date, as_of date) (
	SFUNC = @extschema@.exit_rate_trans, STYPE = @extschema@.ratio, INITCOND = '0/0',
	COMBINEFUNC = @extschema@.ratio_add,
	MSFUNC = @extschema@.exit_rate_trans, MINVFUNC = @extschema@.exit_rate_inv,
	MSTYPE = @extschema@.ratio, MINITCOND = '0/0',
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.exit_rate(date, date, date) IS
'Exit rate as of a date: units exited on or before as_of / units listed on or before as_of. exited_on NULL means not exited yet; rows with NULL listed_on or as_of are skipped; exited_on earlier than listed_on is an error (22023). No rows give 0/0.';

CREATE FUNCTION @extschema@.poverty_incidence_trans(@extschema@.ratio, bigint, bigint) RETURNS @extschema@.ratio
	AS 'MODULE_PATHNAME', 'poverty_incidence_trans' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.poverty_incidence_inv(@extschema@.ratio, bigint, bigint) RETURNS @extschema@.ratio
	AS 'MODULE_PATHNAME', 'poverty_incidence_inv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.poverty_incidence_trans(@extschema@.ratio, bigint, bigint) IS 'Transition of poverty_incidence: checks 0 <= poor <= population and adds both.';
COMMENT ON FUNCTION @extschema@.poverty_incidence_inv(@extschema@.ratio, bigint, bigint) IS 'Inverse transition of poverty_incidence, for moving window frames; checks the row as the transition does and refuses to leave a negative part (22023). Not executable by PUBLIC (the aggregate calls it with its owner''s rights).';

CREATE AGGREGATE @extschema@.poverty_incidence(poor bigint, population bigint) (
	SFUNC = @extschema@.poverty_incidence_trans, STYPE = @extschema@.ratio, INITCOND = '0/0',
	COMBINEFUNC = @extschema@.ratio_add,
	MSFUNC = @extschema@.poverty_incidence_trans, MINVFUNC = @extschema@.poverty_incidence_inv,
	MSTYPE = @extschema@.ratio, MINITCOND = '0/0',
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.poverty_incidence(bigint, bigint) IS
'Poverty incidence: sum(poor) / sum(population) (rural registered population). Negative counts and poor > population in a row are errors (22023). Rows with a NULL argument are skipped; no rows give 0/0.';

CREATE FUNCTION @extschema@.reduction_rate_trans(@extschema@.ratio, bigint, bigint) RETURNS @extschema@.ratio
	AS 'MODULE_PATHNAME', 'reduction_rate_trans' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.reduction_rate_inv(@extschema@.ratio, bigint, bigint) RETURNS @extschema@.ratio
	AS 'MODULE_PATHNAME', 'reduction_rate_inv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.reduction_rate_trans(@extschema@.ratio, bigint, bigint) IS 'Transition of reduction_rate: adds baseline - current to the numerator and baseline to the denominator.';
COMMENT ON FUNCTION @extschema@.reduction_rate_inv(@extschema@.ratio, bigint, bigint) IS 'Inverse transition of reduction_rate, for moving window frames; checks the row as the transition does and refuses to leave a negative part (22023). Not executable by PUBLIC (the aggregate calls it with its owner''s rights).';

CREATE AGGREGATE @extschema@.reduction_rate(baseline bigint, current bigint) (
	SFUNC = @extschema@.reduction_rate_trans, STYPE = @extschema@.ratio, INITCOND = '0/0',
	COMBINEFUNC = @extschema@.ratio_add,
	MSFUNC = @extschema@.reduction_rate_trans, MINVFUNC = @extschema@.reduction_rate_inv,
	MSTYPE = @extschema@.ratio, MINITCOND = '0/0',
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.reduction_rate(bigint, bigint) IS
'Reduction of the poor population: (sum(baseline) - sum(current)) / sum(baseline); 3365000 -> 79500 gives 3285500/3365000 (97.6%). Negative when poverty rose. Negative counts are errors (22023). Rows with a NULL argument are skipped; no rows give 0/0.';

CREATE FUNCTION @extschema@.fund_in_place_trans(@extschema@.ratio, numeric, numeric) RETURNS @extschema@.ratio
	AS 'MODULE_PATHNAME', 'fund_in_place_trans' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION @extschema@.fund_in_place_inv(@extschema@.ratio, numeric, numeric) RETURNS @extschema@.ratio
	AS 'MODULE_PATHNAME', 'fund_in_place_inv' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.fund_in_place_trans(@extschema@.ratio, numeric, numeric) IS 'Transition of fund_in_place: adds in_place and planned exactly, decoding the numerics in place.';
COMMENT ON FUNCTION @extschema@.fund_in_place_inv(@extschema@.ratio, numeric, numeric) IS 'Inverse transition of fund_in_place, for moving window frames; checks the row as the transition does and refuses to leave a negative part (22023). Not executable by PUBLIC (the aggregate calls it with its owner''s rights).';

CREATE AGGREGATE @extschema@.fund_in_place(in_place numeric, planned numeric) (
	SFUNC = @extschema@.fund_in_place_trans, STYPE = @extschema@.ratio, INITCOND = '0/0',
	COMBINEFUNC = @extschema@.ratio_add,
	MSFUNC = @extschema@.fund_in_place_trans, MINVFUNC = @extschema@.fund_in_place_inv,
	MSTYPE = @extschema@.ratio, MINITCOND = '0/0',
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.fund_in_place(numeric, numeric) IS
'Funds in place / funds planned, exact sums in yuan (may exceed 1). Negative amounts, NaN, infinity and more than 4 nonzero fractional digits are errors (22023). Rows with a NULL argument are skipped; no rows give 0/0.';

-- The inverse transitions are support functions of the aggregates above,
-- which call them with the aggregate owner's rights; nobody needs to call
-- them directly (they also check their result, see ratio_aggs.c).
REVOKE EXECUTE ON FUNCTION @extschema@.rate_agg_inv(@extschema@.ratio, boolean) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.ratio_agg_inv(@extschema@.ratio, numeric, numeric) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.ratio_agg_inv(@extschema@.ratio, bigint, bigint) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.ratio_agg_inv(@extschema@.ratio, integer, integer) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.rollup_inv(@extschema@.ratio, @extschema@.ratio) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.exit_rate_inv(@extschema@.ratio, date, date, date) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.poverty_incidence_inv(@extschema@.ratio, bigint, bigint) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.reduction_rate_inv(@extschema@.ratio, bigint, bigint) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.fund_in_place_inv(@extschema@.ratio, numeric, numeric) FROM PUBLIC;
