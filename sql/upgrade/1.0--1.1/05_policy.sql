-- Policy thresholds move into one function each (exit_threshold_percent,
-- high_incidence_percent); the report functions replaced by 30_security.sql
-- call them.

COMMENT ON TYPE @extschema@.policy_zone IS
  'Policy zone of a province: it sets the exit threshold (exit_threshold_percent())';

CREATE FUNCTION @extschema@.exit_threshold_percent(zone @extschema@.policy_zone) RETURNS numeric
  LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
  RETURN CASE zone WHEN 'west' THEN 3 ELSE 2 END;
COMMENT ON FUNCTION @extschema@.exit_threshold_percent(@extschema@.policy_zone) IS
  'Official exit threshold of poverty incidence for a county or village, in percent: a unit may exit below 3% in the west zone, below 2% elsewhere. exit_check() and the village view compare against it';

CREATE FUNCTION @extschema@.high_incidence_percent() RETURNS numeric
  LANGUAGE sql IMMUTABLE PARALLEL SAFE
  RETURN 10;
COMMENT ON FUNCTION @extschema@.high_incidence_percent() IS
  'Poverty incidence, in percent, above which a village counts as deeply poor (high incidence) in the reports: 10';
