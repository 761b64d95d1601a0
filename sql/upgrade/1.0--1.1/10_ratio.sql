-- 10_ratio.sql: the ratio type's range, comparison by value and inverse
-- transitions (sql/ext/30_ratio.sql, src/ratio.c, src/ratio_aggs.c).
--
-- * Documented range, checked on every path (C only; comments updated).
-- * = and <> compare by value (1/2 = 2/4) and hashing follows: the SQL
--   functions ratio_eq, ratio_ne and ratio_hash point at new C functions (the
--   1.0 symbols keep the 1.0 behaviour for 1.0 installs), ratio_identical()
--   keeps the comparison of parts, and a btree operator class orders by
--   value.  Hash indexes on ratio columns are rebuilt for the new hash.
-- * The inverse transitions check their result and are not executable by
--   PUBLIC.

COMMENT ON TYPE @extschema@.ratio IS
'Exact numerator/denominator, e.g. 47/50: decimals with up to 4 fractional digits (no rounding), never reduced (2/4 stays 2/4), denominator >= 0, numerator may be negative. Range of each part: -2126764793255865396646091296448551.3216 to 2126764793255865396646091296448551.3215 (+-2^124 ten-thousandths); every input, constructor, sum and aggregate refuses a value beyond it with 22003, never wraps. Text output keeps each part''s display scale (the fractional digits it was given with, at most 4; for sums the largest among the terms), so text round-trips: ''1296948000.00/1088043624.16''. 32 bytes, binary send/receive. Compared by value (= < >, btree and hash): 1/2 = 2/4; ratio_identical() compares the parts. The state and result of every ratio aggregate; a ratio with denominator 0 has value NULL and sorts last.';
COMMENT ON FUNCTION @extschema@.ratio(numeric, numeric) IS
'The ratio numerator/denominator, exactly: ratio(1.50, 2) = 1.50/2. Errors for a negative denominator, NaN or infinity, or more than 4 nonzero fractional digits (22023), and for a part beyond the range of the type (22003).';
COMMENT ON FUNCTION @extschema@.ratio_add(@extschema@.ratio, @extschema@.ratio) IS
'Adds numerators and denominators: 1/2 + 3/4 = 4/6; a part beyond the range of the type is an error (22003). Implements ratio + ratio, the rollup() transition and the combine step of every ratio aggregate.';
COMMENT ON OPERATOR @extschema@.+ (@extschema@.ratio, @extschema@.ratio) IS
'Adds numerators and denominators (a ratio of sums): 1/2 + 3/4 = 4/6; a part beyond the range of the type is an error (22003).';

-- Comparison by value.
CREATE OR REPLACE FUNCTION @extschema@.ratio_eq(@extschema@.ratio, @extschema@.ratio) RETURNS boolean
	AS 'MODULE_PATHNAME', 'ratio_eq_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.ratio_eq(@extschema@.ratio, @extschema@.ratio) IS
'Equal value, exactly: 1/2 = 2/4 = 1.5/3.0 (parts are not compared; see ratio_identical). Ratios with denominator 0 are equal when their numerators are.';
CREATE OR REPLACE FUNCTION @extschema@.ratio_ne(@extschema@.ratio, @extschema@.ratio) RETURNS boolean
	AS 'MODULE_PATHNAME', 'ratio_ne_value' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.ratio_ne(@extschema@.ratio, @extschema@.ratio) IS 'Negation of ratio_eq: different value.';
CREATE OR REPLACE FUNCTION @extschema@.ratio_hash(@extschema@.ratio) RETURNS integer
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
COMMENT ON OPERATOR @extschema@.= (@extschema@.ratio, @extschema@.ratio) IS
'Equal value, exactly: 1/2 = 2/4 is true (parts are never reduced, but compared by value, as numeric 1.0 = 1.00). ratio_identical() compares the parts; ratio::text the text.';
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
COMMENT ON OPERATOR CLASS @extschema@.ratio_hash_ops USING hash IS 'Hash equality of ratios by value (1/2 = 2/4), for GROUP BY, DISTINCT and hash joins.';
COMMENT ON OPERATOR FAMILY @extschema@.ratio_hash_ops USING hash IS 'Operator family of ratio_hash_ops: hash equality of ratios by value.';

-- A hash index on a ratio column holds 1.0 hashes (of the parts); rebuild it
-- with the hash of the value.
DO $$
DECLARE
  index_name regclass;
BEGIN
  FOR index_name IN
    SELECT DISTINCT i.indexrelid::regclass
      FROM pg_index i, unnest(i.indclass::oid[]) AS opclass(oid)
     WHERE opclass.oid = (SELECT c.oid FROM pg_opclass c
                           WHERE c.opcname = 'ratio_hash_ops'
                             AND c.opcnamespace = '@extschema@'::regnamespace)
  LOOP
    EXECUTE pg_catalog.format('REINDEX INDEX %s', index_name);
  END LOOP;
END
$$;

-- Inverse transitions: checked results, not executable by PUBLIC.
COMMENT ON FUNCTION @extschema@.rate_agg_inv(@extschema@.ratio, boolean) IS 'Inverse transition of rate_agg, for moving window frames; checks the row as the transition does and refuses to leave a negative part (22023). Not executable by PUBLIC (the aggregate calls it with its owner''s rights).';
COMMENT ON FUNCTION @extschema@.ratio_agg_inv(@extschema@.ratio, numeric, numeric) IS 'Inverse transition of ratio_agg(numeric, numeric), for moving window frames; checks the row as the transition does and refuses to leave a negative part (22023). Not executable by PUBLIC (the aggregate calls it with its owner''s rights).';
COMMENT ON FUNCTION @extschema@.ratio_agg_inv(@extschema@.ratio, bigint, bigint) IS 'Inverse transition of ratio_agg(bigint, bigint), for moving window frames; checks the row as the transition does and refuses to leave a negative part (22023). Not executable by PUBLIC (the aggregate calls it with its owner''s rights).';
COMMENT ON FUNCTION @extschema@.ratio_agg_inv(@extschema@.ratio, integer, integer) IS 'Inverse transition of ratio_agg(integer, integer), for moving window frames; checks the row as the transition does and refuses to leave a negative part (22023). Not executable by PUBLIC (the aggregate calls it with its owner''s rights).';
COMMENT ON FUNCTION @extschema@.rollup_inv(@extschema@.ratio, @extschema@.ratio) IS 'Inverse transition of rollup: subtracts the parts, for moving window frames; checks the row as the transition does and refuses to leave a negative part (22023). Not executable by PUBLIC (the aggregate calls it with its owner''s rights).';
COMMENT ON FUNCTION @extschema@.exit_rate_inv(@extschema@.ratio, date, date, date) IS 'Inverse transition of exit_rate, for moving window frames; checks the row as the transition does and refuses to leave a negative part (22023). Not executable by PUBLIC (the aggregate calls it with its owner''s rights).';
COMMENT ON FUNCTION @extschema@.poverty_incidence_inv(@extschema@.ratio, bigint, bigint) IS 'Inverse transition of poverty_incidence, for moving window frames; checks the row as the transition does and refuses to leave a negative part (22023). Not executable by PUBLIC (the aggregate calls it with its owner''s rights).';
COMMENT ON FUNCTION @extschema@.reduction_rate_inv(@extschema@.ratio, bigint, bigint) IS 'Inverse transition of reduction_rate, for moving window frames; checks the row as the transition does and refuses to leave a negative part (22023). Not executable by PUBLIC (the aggregate calls it with its owner''s rights).';
COMMENT ON FUNCTION @extschema@.fund_in_place_inv(@extschema@.ratio, numeric, numeric) IS 'Inverse transition of fund_in_place, for moving window frames; checks the row as the transition does and refuses to leave a negative part (22023). Not executable by PUBLIC (the aggregate calls it with its owner''s rights).';
REVOKE EXECUTE ON FUNCTION @extschema@.rate_agg_inv(@extschema@.ratio, boolean) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.ratio_agg_inv(@extschema@.ratio, numeric, numeric) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.ratio_agg_inv(@extschema@.ratio, bigint, bigint) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.ratio_agg_inv(@extschema@.ratio, integer, integer) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.rollup_inv(@extschema@.ratio, @extschema@.ratio) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.exit_rate_inv(@extschema@.ratio, date, date, date) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.poverty_incidence_inv(@extschema@.ratio, bigint, bigint) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.reduction_rate_inv(@extschema@.ratio, bigint, bigint) FROM PUBLIC;
REVOKE EXECUTE ON FUNCTION @extschema@.fund_in_place_inv(@extschema@.ratio, numeric, numeric) FROM PUBLIC;
