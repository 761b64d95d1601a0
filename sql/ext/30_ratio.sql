-- 30_ratio.sql: the ratio type, its accessors and operators, and the
-- indicator aggregates built on it (src/ratio.c, src/ratio_aggs.c,
-- src/coverage.c, src/money.c).

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
'Exact numerator/denominator, e.g. 47/50: decimals with up to 4 fractional digits (no rounding, magnitude below 2.1e33), never reduced (2/4 stays 2/4), denominator >= 0, numerator may be negative. Text output keeps each part''s display scale (the fractional digits it was given with, at most 4; for sums the largest among the terms), so text round-trips: ''1296948000.00/1088043624.16''. 32 bytes, binary send/receive. The state and result of every ratio aggregate; a ratio with denominator 0 has value NULL.';
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
'The ratio numerator/denominator, exactly: ratio(1.50, 2) = 1.50/2. Errors for a negative denominator, NaN or infinity, or more than 4 nonzero fractional digits (22023).';

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
-- Operators, cast, hash opclass
-- ---------------------------------------------------------------------------

CREATE FUNCTION @extschema@.ratio_add(@extschema@.ratio, @extschema@.ratio) RETURNS @extschema@.ratio
	AS 'MODULE_PATHNAME', 'ratio_add' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.ratio_add(@extschema@.ratio, @extschema@.ratio) IS
'Adds numerators and denominators: 1/2 + 3/4 = 4/6. Implements ratio + ratio, the rollup() transition and the combine step of every ratio aggregate.';

CREATE OPERATOR @extschema@.+ (
	LEFTARG = @extschema@.ratio, RIGHTARG = @extschema@.ratio,
	FUNCTION = @extschema@.ratio_add, COMMUTATOR = OPERATOR(@extschema@.+)
);
COMMENT ON OPERATOR @extschema@.+ (@extschema@.ratio, @extschema@.ratio) IS
'Adds numerators and denominators (a ratio of sums): 1/2 + 3/4 = 4/6.';

CREATE FUNCTION @extschema@.ratio_eq(@extschema@.ratio, @extschema@.ratio) RETURNS boolean
	AS 'MODULE_PATHNAME', 'ratio_eq' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.ratio_eq(@extschema@.ratio, @extschema@.ratio) IS
'True when numerators are equal and denominators are equal (display scales ignored: 2.0/4 = 2/4, but 1/2 <> 2/4).';

CREATE FUNCTION @extschema@.ratio_ne(@extschema@.ratio, @extschema@.ratio) RETURNS boolean
	AS 'MODULE_PATHNAME', 'ratio_ne' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.ratio_ne(@extschema@.ratio, @extschema@.ratio) IS 'Negation of ratio_eq.';

CREATE FUNCTION @extschema@.ratio_hash(@extschema@.ratio) RETURNS integer
	AS 'MODULE_PATHNAME', 'ratio_hash' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.ratio_hash(@extschema@.ratio) IS 'Hash of the part values, consistent with =; lets GROUP BY and DISTINCT use ratios.';

CREATE OPERATOR @extschema@.= (
	LEFTARG = @extschema@.ratio, RIGHTARG = @extschema@.ratio,
	FUNCTION = @extschema@.ratio_eq, COMMUTATOR = OPERATOR(@extschema@.=),
	NEGATOR = OPERATOR(@extschema@.<>), RESTRICT = eqsel, JOIN = eqjoinsel, HASHES
);
COMMENT ON OPERATOR @extschema@.= (@extschema@.ratio, @extschema@.ratio) IS
'Same numerator and same denominator; ratios are never reduced, so 1/2 = 2/4 is false. Compare ratio_value() for equal proportions.';

CREATE OPERATOR @extschema@.<> (
	LEFTARG = @extschema@.ratio, RIGHTARG = @extschema@.ratio,
	FUNCTION = @extschema@.ratio_ne, COMMUTATOR = OPERATOR(@extschema@.<>),
	NEGATOR = OPERATOR(@extschema@.=), RESTRICT = neqsel, JOIN = neqjoinsel
);
COMMENT ON OPERATOR @extschema@.<> (@extschema@.ratio, @extschema@.ratio) IS 'Different numerator or different denominator.';

CREATE OPERATOR CLASS @extschema@.ratio_hash_ops DEFAULT FOR TYPE @extschema@.ratio USING hash AS
	OPERATOR 1 @extschema@.= (@extschema@.ratio, @extschema@.ratio),
	FUNCTION 1 @extschema@.ratio_hash(@extschema@.ratio);
COMMENT ON OPERATOR CLASS @extschema@.ratio_hash_ops USING hash IS 'Hash equality of ratios (same parts), for GROUP BY, DISTINCT and hash joins.';

CREATE CAST (@extschema@.ratio AS double precision)
	WITH FUNCTION @extschema@.ratio_value(@extschema@.ratio);
COMMENT ON CAST (@extschema@.ratio AS double precision) IS 'Explicit cast: ratio_value(), NULL when the denominator is 0.';
