-- 31_coverage.sql: coverage(unit_id, covered), distinct units with a compact
-- roaring-style set of ids (src/coverage.c).

CREATE FUNCTION @extschema@.coverage_trans(internal, bigint, boolean) RETURNS internal
	AS 'MODULE_PATHNAME', 'coverage_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.coverage_trans(internal, bigint, boolean) IS
'Transition of coverage: adds unit_id to the units in scope and, when covered, to the covered units (a NULL unit_id skips the row; a NULL covered means not covered).';

CREATE FUNCTION @extschema@.coverage_combine(internal, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'coverage_combine' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.coverage_combine(internal, internal) IS 'Combine step of coverage: the union of two partial states.';

CREATE FUNCTION @extschema@.coverage_serialize(internal) RETURNS bytea
	AS 'MODULE_PATHNAME', 'coverage_serialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.coverage_serialize(internal) IS
'Serialises a coverage state into its fixed, versioned layout (magic PAVC, version 1; see src/coverage.c) to pass it between parallel workers.';

CREATE FUNCTION @extschema@.coverage_deserialize(bytea, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'coverage_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.coverage_deserialize(bytea, internal) IS
'Reads a serialised coverage state, checking every length, count, order and kind; corrupt input is an error (22P03).';

CREATE FUNCTION @extschema@.coverage_final(internal) RETURNS @extschema@.ratio
	AS 'MODULE_PATHNAME', 'coverage_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.coverage_final(internal) IS 'Final step of coverage: distinct covered units / distinct units as a ratio.';

CREATE FUNCTION @extschema@.coverage_state_bytes_final(internal) RETURNS bigint
	AS 'MODULE_PATHNAME', 'coverage_state_bytes_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.coverage_state_bytes_final(internal) IS 'Final step of coverage_state_bytes: bytes held by the two unit sets.';

CREATE AGGREGATE @extschema@.coverage(unit_id bigint, covered boolean) (
	SFUNC = @extschema@.coverage_trans, STYPE = internal,
	COMBINEFUNC = @extschema@.coverage_combine,
	SERIALFUNC = @extschema@.coverage_serialize,
	DESERIALFUNC = @extschema@.coverage_deserialize,
	FINALFUNC = @extschema@.coverage_final, FINALFUNC_EXTRA = false,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.coverage(bigint, boolean) IS
'Assistance coverage: distinct units with at least one row where covered is true / distinct units, as a ratio; a unit paired twice counts once. Equals count(DISTINCT unit_id) FILTER (WHERE covered) / count(DISTINCT unit_id) but with a compact bitmap set (about 1 bit per unit on dense ids) and parallel workers. NULL unit_id rows are skipped; NULL covered counts the unit as in scope, not covered; no rows give 0/0.';

CREATE AGGREGATE @extschema@.coverage_state_bytes(unit_id bigint, covered boolean) (
	SFUNC = @extschema@.coverage_trans, STYPE = internal,
	COMBINEFUNC = @extschema@.coverage_combine,
	SERIALFUNC = @extschema@.coverage_serialize,
	DESERIALFUNC = @extschema@.coverage_deserialize,
	FINALFUNC = @extschema@.coverage_state_bytes_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.coverage_state_bytes(bigint, boolean) IS
'Bytes of memory the coverage() state holds for the same rows (hash table entries, arrays and bitmaps, without allocator overhead): for capacity planning and the benchmark.';

CREATE FUNCTION @extschema@.coverage_state_final(internal) RETURNS bytea
	AS 'MODULE_PATHNAME', 'coverage_state_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.coverage_state_final(internal) IS 'Final step of coverage_state: the serialised unit sets.';

CREATE AGGREGATE @extschema@.coverage_state(unit_id bigint, covered boolean) (
	SFUNC = @extschema@.coverage_trans, STYPE = internal,
	COMBINEFUNC = @extschema@.coverage_combine,
	SERIALFUNC = @extschema@.coverage_serialize,
	DESERIALFUNC = @extschema@.coverage_deserialize,
	FINALFUNC = @extschema@.coverage_state_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.coverage_state(bigint, boolean) IS
'The coverage() state itself, serialised (bytea, fixed versioned layout): the distinct units in scope and the covered ones, to store or ship and evaluate later with coverage_of_state(). A ratio cannot be rolled up for distinct counts (a unit may appear on two servers); these sets can.';

CREATE FUNCTION @extschema@.coverage_of_state(bytea) RETURNS @extschema@.ratio
	AS 'MODULE_PATHNAME', 'coverage_of_state' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.coverage_of_state(bytea) IS
'Distinct covered units / distinct units of a coverage_state() value; the input is fully validated and corrupt bytes are an error (22P03).';
