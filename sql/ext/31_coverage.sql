-- 31_coverage.sql: coverage(unit_id, covered), distinct units with a compact
-- set of ids whose memory per unit is bounded (src/coverage.c); the set
-- itself as a serialised state, and coverage_rollup() to union such states
-- (docs/coverage.md).

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
'Serialises a coverage state into its fixed, versioned layout (magic PAVC, version 2 with a CRC-32C; see docs/coverage.md) to pass it between parallel workers.';

CREATE FUNCTION @extschema@.coverage_deserialize(bytea, internal) RETURNS internal
	AS 'MODULE_PATHNAME', 'coverage_deserialize' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.coverage_deserialize(bytea, internal) IS
'Reads a serialised coverage state (format version 1 or 2), checking its CRC and every length, count, order and kind; corrupt input is an error (22P03), a state past poverty_aid.coverage_memory_limit is an error (54000).';

CREATE FUNCTION @extschema@.coverage_final(internal) RETURNS @extschema@.ratio
	AS 'MODULE_PATHNAME', 'coverage_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.coverage_final(internal) IS 'Final step of coverage: distinct covered units / distinct units as a ratio.';

CREATE FUNCTION @extschema@.coverage_state_bytes_final(internal) RETURNS bigint
	AS 'MODULE_PATHNAME', 'coverage_state_bytes_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.coverage_state_bytes_final(internal) IS 'Final step of coverage_state_bytes: bytes of memory the state holds, as allocated.';

CREATE AGGREGATE @extschema@.coverage(unit_id bigint, covered boolean) (
	SFUNC = @extschema@.coverage_trans, STYPE = internal,
	COMBINEFUNC = @extschema@.coverage_combine,
	SERIALFUNC = @extschema@.coverage_serialize,
	DESERIALFUNC = @extschema@.coverage_deserialize,
	FINALFUNC = @extschema@.coverage_final, FINALFUNC_EXTRA = false,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.coverage(bigint, boolean) IS
'Assistance coverage: distinct units with at least one row where covered is true / distinct units, as a ratio; a unit paired twice counts once. Equals count(DISTINCT unit_id) FILTER (WHERE covered) / count(DISTINCT unit_id) but with a compact set (about 2 bits per unit on dense ids, at most about 30 bytes per unit on any ids, capped by poverty_aid.coverage_memory_limit) and parallel workers. NULL unit_id rows are skipped; NULL covered counts the unit as in scope, not covered; no rows give 0/0.';

CREATE AGGREGATE @extschema@.coverage_state_bytes(unit_id bigint, covered boolean) (
	SFUNC = @extschema@.coverage_trans, STYPE = internal,
	COMBINEFUNC = @extschema@.coverage_combine,
	SERIALFUNC = @extschema@.coverage_serialize,
	DESERIALFUNC = @extschema@.coverage_deserialize,
	FINALFUNC = @extschema@.coverage_state_bytes_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.coverage_state_bytes(bigint, boolean) IS
'Bytes of memory the coverage() state holds for the same rows, as allocated (every allocation of the state with its allocator overhead): for capacity planning, the benchmark and poverty_aid.coverage_memory_limit.';

CREATE FUNCTION @extschema@.coverage_state_final(internal) RETURNS bytea
	AS 'MODULE_PATHNAME', 'coverage_state_final' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.coverage_state_final(internal) IS 'Final step of coverage_state and coverage_rollup: the serialised unit sets.';

CREATE AGGREGATE @extschema@.coverage_state(unit_id bigint, covered boolean) (
	SFUNC = @extschema@.coverage_trans, STYPE = internal,
	COMBINEFUNC = @extschema@.coverage_combine,
	SERIALFUNC = @extschema@.coverage_serialize,
	DESERIALFUNC = @extschema@.coverage_deserialize,
	FINALFUNC = @extschema@.coverage_state_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.coverage_state(bigint, boolean) IS
'The coverage() state itself, serialised (bytea, fixed versioned layout): the distinct units in scope and the covered ones, to store or ship, union with coverage_rollup() and evaluate with coverage_of_state(). A ratio cannot be rolled up for distinct counts (a unit may appear on two servers); these sets can.';

CREATE FUNCTION @extschema@.coverage_of_state(bytea) RETURNS @extschema@.ratio
	AS 'MODULE_PATHNAME', 'coverage_of_state' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.coverage_of_state(bytea) IS
'Distinct covered units / distinct units of a coverage_state() or coverage_rollup() value; the input is fully validated and corrupt bytes are an error (22P03).';

CREATE FUNCTION @extschema@.coverage_rollup_trans(internal, bytea) RETURNS internal
	AS 'MODULE_PATHNAME', 'coverage_rollup_trans' LANGUAGE C IMMUTABLE PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.coverage_rollup_trans(internal, bytea) IS
'Transition of coverage_rollup: reads one serialised coverage state (validated as coverage_of_state does) and adds its units to the union; a NULL state is skipped.';

CREATE AGGREGATE @extschema@.coverage_rollup(state bytea) (
	SFUNC = @extschema@.coverage_rollup_trans, STYPE = internal,
	COMBINEFUNC = @extschema@.coverage_combine,
	SERIALFUNC = @extschema@.coverage_serialize,
	DESERIALFUNC = @extschema@.coverage_deserialize,
	FINALFUNC = @extschema@.coverage_state_final,
	PARALLEL = SAFE
);
COMMENT ON AGGREGATE @extschema@.coverage_rollup(bytea) IS
'Union of coverage_state() values (per shard, month, region...): the serialised state of every unit in scope in any input and every unit covered in any input, so a unit on two shards counts once. coverage_of_state(coverage_rollup(state)) equals coverage() over all the rows behind the states; the result can be rolled up again. NULL states are skipped; no rows give the empty state (0/0). Corrupt input is an error (22P03).';

CREATE FUNCTION @extschema@.coverage_state_memory(state bytea) RETURNS bigint
	AS 'MODULE_PATHNAME', 'coverage_state_memory' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
COMMENT ON FUNCTION @extschema@.coverage_state_memory(bytea) IS
'Bytes of memory a serialised coverage state takes once read (as coverage_state_bytes counts them), for capacity planning of coverage_rollup() and poverty_aid.coverage_memory_limit.';
