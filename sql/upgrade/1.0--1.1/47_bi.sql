-- 1.0 -> 1.1: the as-of of the report views, and the BI views.
--
-- The 1.0 report views keep their columns but are as of view_as_of() (the
-- setting poverty_aid.as_of, else today) instead of current_date: the
-- function and the views as sql/ext/40_reports.sql defines them.  The
-- monitoring and assessment views, new in 1.1, come with their files.  The
-- BI views are new: the upgrade runs sql/ext/47_bi.sql itself.

-- The date the views report as of: a BI tool that only browses views can
-- set it per session (SET), per connection (libpq options, JDBC options,
-- ODBC ConnSettings) or per role or database (ALTER ROLE ... SET).
-- PARALLEL RESTRICTED: the check of the value runs in a subtransaction
-- (an exception block), which a parallel worker cannot start.
CREATE FUNCTION @extschema@.view_as_of() RETURNS date
  LANGUAGE plpgsql STABLE PARALLEL RESTRICTED SET search_path = pg_catalog, pg_temp AS
$$
DECLARE
  setting text := pg_catalog.current_setting('poverty_aid.as_of', true);
  as_of   date;
BEGIN
  IF setting IS NULL OR pg_catalog.btrim(setting) = '' THEN
    RETURN current_date;
  END IF;
  BEGIN
    as_of := setting::date;
  EXCEPTION WHEN data_exception THEN
    as_of := NULL;
  END;
  IF as_of IS NULL OR NOT pg_catalog.isfinite(as_of) THEN
    RAISE EXCEPTION 'invalid value for poverty_aid.as_of'
      USING ERRCODE = 'invalid_datetime_format',
            DETAIL = pg_catalog.format('The setting poverty_aid.as_of is %L, which is not a date.', setting),
            HINT = 'Set a date, e.g. SET poverty_aid.as_of = ''2020-03-31'', or RESET poverty_aid.as_of for today.';
  END IF;
  RETURN as_of;
END
$$;
COMMENT ON FUNCTION @extschema@.view_as_of() IS
  'The date the report views are as of: the setting poverty_aid.as_of (a date, e.g. SET poverty_aid.as_of = ''2020-03-31''; per connection with the libpq option -c poverty_aid.as_of=2020-03-31, per role with ALTER ROLE ... SET), today when it is unset or empty; any other value is an error (22007). See docs/bi.md';

CREATE OR REPLACE VIEW @extschema@.county_indicators WITH (security_invoker = true) AS
  SELECT * FROM @extschema@.county_indicators_as_of(@extschema@.view_as_of());
COMMENT ON VIEW @extschema@.county_indicators IS
  'One row per county with its indicators as of view_as_of(): the date in the setting poverty_aid.as_of, else today (county_indicators_as_of(date) for a date in the query): codes and names of the county, prefecture and province, listing, exit rates, poor population, incidence, pairing coverage, funds, jobs, purchases, projects';

CREATE OR REPLACE VIEW @extschema@.village_indicators WITH (security_invoker = true) AS
  SELECT * FROM @extschema@.village_indicators_as_of(@extschema@.view_as_of());
COMMENT ON VIEW @extschema@.village_indicators IS
  'One row per listed poor village (or village with registered households) with its indicators as of view_as_of(): the date in the setting poverty_aid.as_of, else today (village_indicators_as_of(date) for a date in the query): names up to the province, listing, households, poor population, incidence against the exit threshold, pairings, funds, jobs, purchases, projects';

CREATE OR REPLACE VIEW @extschema@.helper_indicators WITH (security_invoker = true) AS
  SELECT * FROM @extschema@.helper_indicators_as_of(@extschema@.view_as_of());
COMMENT ON VIEW @extschema@.helper_indicators IS
  'One row per helper (district, enterprise, social organisation, …) with its pairings, targets covered, funds planned and in place, jobs arranged and purchases as of view_as_of(): the date in the setting poverty_aid.as_of, else today (helper_indicators_as_of(date) for a date in the query)';

CREATE OR REPLACE VIEW @extschema@.fund_source_indicators WITH (security_invoker = true) AS
  SELECT * FROM @extschema@.fund_source_indicators_as_of(@extschema@.view_as_of());
COMMENT ON VIEW @extschema@.fund_source_indicators IS
  'One row per fund source (municipal and district fiscal funds, enterprise and social donations, other) with funds planned and in place as of view_as_of(): the date in the setting poverty_aid.as_of, else today (fund_source_indicators_as_of(date) for a date in the query)';

-- @include sql/ext/47_bi.sql
