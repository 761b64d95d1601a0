-- Scale-out: the shard registry, the shard-side views, the setup functions
-- and the coordinator's report (docs/scale-out.md).
-- @include sql/ext/80_shards.sql

-- The BI views that are not shard-aware refuse to run on a coordinator
-- (the other such functions are restated in earlier pieces).
CREATE OR REPLACE FUNCTION @extschema@.helper_indicators_as_of(as_of date)
  RETURNS TABLE (as_of date, helper_id bigint, helper_name text, kind @extschema@.helper_kind,
                 home_region_code text, home_region_name text, pairings_active bigint,
                 counties_paired bigint, villages_paired bigint, households_paired bigint,
                 targets_covered bigint, funds_planned numeric, funds_in_place numeric,
                 fund_in_place_rate numeric, jobs_found bigint, consumption_sales numeric)
  LANGUAGE sql STABLE
BEGIN ATOMIC
  SELECT @extschema@.shard_local_only('helper_indicators_as_of');
  WITH pr AS (
    SELECT pa.helper_id, count(*) AS pairings,
           count(DISTINCT pa.target_region_code)
             FILTER (WHERE @extschema@.region_code_level(pa.target_region_code) = 'county') AS counties,
           count(DISTINCT pa.target_region_code)
             FILTER (WHERE @extschema@.region_code_level(pa.target_region_code) = 'village') AS villages,
           count(DISTINCT pa.target_household_id) AS households
      FROM @extschema@.pairing pa
     WHERE pa.valid_from <= helper_indicators_as_of.as_of
       AND (pa.valid_to IS NULL OR pa.valid_to > helper_indicators_as_of.as_of)
     GROUP BY 1
  ), fd AS (
    SELECT f.helper_id,
           @extschema@.fund_in_place(coalesce(t.in_place, 0), f.planned) AS in_place
      FROM @extschema@.fund f
      LEFT JOIN (SELECT t.fund_id, sum(t.amount) AS in_place FROM @extschema@.fund_transfer t
                  WHERE t.in_place_on <= helper_indicators_as_of.as_of GROUP BY 1) t ON t.fund_id = f.id
     WHERE f.helper_id IS NOT NULL
       AND f.year <= extract(year FROM helper_indicators_as_of.as_of)
       AND (f.allocated_on IS NULL OR f.allocated_on <= helper_indicators_as_of.as_of)
     GROUP BY 1
  ), jobs AS (
    SELECT e.helper_id, count(*) AS jobs
      FROM @extschema@.employment e
     WHERE e.helper_id IS NOT NULL
       AND e.employed_on BETWEEN date_trunc('year', helper_indicators_as_of.as_of)::date AND helper_indicators_as_of.as_of
     GROUP BY 1
  ), sales AS (
    SELECT s.helper_id, sum(s.amount) AS amount
      FROM @extschema@.consumption_sale s
     WHERE s.helper_id IS NOT NULL
       AND s.sold_on BETWEEN date_trunc('year', helper_indicators_as_of.as_of)::date AND helper_indicators_as_of.as_of
     GROUP BY 1
  )
  SELECT helper_indicators_as_of.as_of, h.id, h.name, h.kind, h.home_region_code, r.name,
         coalesce(pr.pairings, 0), coalesce(pr.counties, 0), coalesce(pr.villages, 0),
         coalesce(pr.households, 0),
         coalesce(pr.counties + pr.villages + pr.households, 0),
         coalesce(@extschema@.ratio_denominator(fd.in_place), 0),
         coalesce(@extschema@.ratio_numerator(fd.in_place), 0),
         @extschema@.ratio_percent(fd.in_place, 1),
         coalesce(jobs.jobs, 0), coalesce(sales.amount, 0)
    FROM @extschema@.helper h
    LEFT JOIN @extschema@.region r ON r.code = h.home_region_code
    LEFT JOIN pr ON pr.helper_id = h.id
    LEFT JOIN fd ON fd.helper_id = h.id
    LEFT JOIN jobs ON jobs.helper_id = h.id
    LEFT JOIN sales ON sales.helper_id = h.id
   ORDER BY h.id;
END;
CREATE OR REPLACE FUNCTION @extschema@.fund_source_indicators_as_of(as_of date)
  RETURNS TABLE (as_of date, source @extschema@.fund_source, fiscal boolean, fund_plans bigint,
                 recipients bigint, funds_planned numeric, funds_in_place numeric,
                 fund_in_place_rate numeric, funds_planned_this_year numeric,
                 funds_in_place_this_year numeric, fund_in_place_rate_this_year numeric,
                 funds_planned_deep_poverty numeric, deep_poverty_share numeric,
                 funds_planned_industry numeric, industry_share numeric,
                 funds_allocated_jan_feb numeric)
  LANGUAGE sql STABLE
BEGIN ATOMIC
  SELECT @extschema@.shard_local_only('fund_source_indicators_as_of');
  WITH deep AS (
    SELECT DISTINCT l.region_code
      FROM @extschema@.poverty_listing l
     WHERE l.deep_poverty AND l.listed_on <= fund_source_indicators_as_of.as_of
       AND @extschema@.region_code_level(l.region_code) = 'county'
  ), fd AS (
    SELECT f.id, f.source, f.recipient_region_code, f.planned, f.year, f.purpose, f.allocated_on,
           @extschema@.region_county_code(f.recipient_region_code) IN (SELECT d.region_code FROM deep d) AS deep
      FROM @extschema@.fund f
     WHERE f.year <= extract(year FROM fund_source_indicators_as_of.as_of)
       AND (f.allocated_on IS NULL OR f.allocated_on <= fund_source_indicators_as_of.as_of)
  ), t AS (
    SELECT t.fund_id, sum(t.amount) AS in_place
      FROM @extschema@.fund_transfer t
     WHERE t.in_place_on <= fund_source_indicators_as_of.as_of
     GROUP BY 1
  ), s AS (
    SELECT fd.source, count(*) AS plans, count(DISTINCT fd.recipient_region_code) AS recipients,
           @extschema@.fund_in_place(coalesce(t.in_place, 0), fd.planned) AS in_place,
           @extschema@.fund_in_place(coalesce(t.in_place, 0), fd.planned)
             FILTER (WHERE fd.year = extract(year FROM fund_source_indicators_as_of.as_of)) AS in_place_year,
           @extschema@.ratio_agg(CASE WHEN fd.deep THEN fd.planned ELSE 0 END, fd.planned) AS deep_share,
           @extschema@.ratio_agg(CASE WHEN fd.purpose = 'industry' THEN fd.planned ELSE 0 END, fd.planned) AS industry_share,
           coalesce(sum(fd.planned) FILTER (WHERE fd.allocated_on BETWEEN date_trunc('year', fund_source_indicators_as_of.as_of)::date
                                                AND least(fund_source_indicators_as_of.as_of,
                                                          (date_trunc('year', fund_source_indicators_as_of.as_of) + interval '2 months')::date - 1)), 0) AS jan_feb
      FROM fd LEFT JOIN t ON t.fund_id = fd.id
     GROUP BY 1
  )
  SELECT fund_source_indicators_as_of.as_of, src.source, src.source IN ('city_fiscal', 'district_fiscal'),
         coalesce(s.plans, 0), coalesce(s.recipients, 0),
         coalesce(@extschema@.ratio_denominator(s.in_place), 0), coalesce(@extschema@.ratio_numerator(s.in_place), 0),
         @extschema@.ratio_percent(s.in_place, 1),
         coalesce(@extschema@.ratio_denominator(s.in_place_year), 0), coalesce(@extschema@.ratio_numerator(s.in_place_year), 0),
         @extschema@.ratio_percent(s.in_place_year, 1),
         coalesce(@extschema@.ratio_numerator(s.deep_share), 0), @extschema@.ratio_percent(s.deep_share, 1),
         coalesce(@extschema@.ratio_numerator(s.industry_share), 0), @extschema@.ratio_percent(s.industry_share, 1),
         coalesce(s.jan_feb, 0)
    FROM unnest(enum_range(NULL::@extschema@.fund_source)) AS src (source)
    LEFT JOIN s ON s.source = src.source
   ORDER BY src.source;
END;
