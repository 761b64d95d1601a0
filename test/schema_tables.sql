-- pgTAP: every table of the register exists with exactly its columns and
-- their types, and every object of the extension carries a COMMENT.
BEGIN;
SELECT plan(146);

SELECT has_table('poverty_aid', 'region', 'table poverty_aid.region exists');
SELECT columns_are('poverty_aid', 'region', ARRAY['code', 'name', 'level', 'parent_code', 'zone']);
SELECT col_type_is('poverty_aid', 'region', 'code', 'text', 'region.code is text');
SELECT col_type_is('poverty_aid', 'region', 'name', 'text', 'region.name is text');
SELECT col_type_is('poverty_aid', 'region', 'level', 'poverty_aid.region_level', 'region.level is poverty_aid.region_level');
SELECT col_type_is('poverty_aid', 'region', 'parent_code', 'text', 'region.parent_code is text');
SELECT col_type_is('poverty_aid', 'region', 'zone', 'poverty_aid.policy_zone', 'region.zone is poverty_aid.policy_zone');

SELECT has_table('poverty_aid', 'region_population', 'table poverty_aid.region_population exists');
SELECT columns_are('poverty_aid', 'region_population', ARRAY['region_code', 'year', 'rural_population']);
SELECT col_type_is('poverty_aid', 'region_population', 'region_code', 'text', 'region_population.region_code is text');
SELECT col_type_is('poverty_aid', 'region_population', 'year', 'integer', 'region_population.year is integer');
SELECT col_type_is('poverty_aid', 'region_population', 'rural_population', 'bigint', 'region_population.rural_population is bigint');

SELECT has_table('poverty_aid', 'poverty_listing', 'table poverty_aid.poverty_listing exists');
SELECT columns_are('poverty_aid', 'poverty_listing', ARRAY['id', 'region_code', 'listed_on', 'exited_on', 'exit_batch', 'deep_poverty']);
SELECT col_type_is('poverty_aid', 'poverty_listing', 'deep_poverty', 'boolean', 'poverty_listing.deep_poverty is boolean');
SELECT col_type_is('poverty_aid', 'poverty_listing', 'id', 'bigint', 'poverty_listing.id is bigint');
SELECT col_type_is('poverty_aid', 'poverty_listing', 'region_code', 'text', 'poverty_listing.region_code is text');
SELECT col_type_is('poverty_aid', 'poverty_listing', 'listed_on', 'date', 'poverty_listing.listed_on is date');
SELECT col_type_is('poverty_aid', 'poverty_listing', 'exited_on', 'date', 'poverty_listing.exited_on is date');
SELECT col_type_is('poverty_aid', 'poverty_listing', 'exit_batch', 'text', 'poverty_listing.exit_batch is text');

SELECT has_table('poverty_aid', 'household', 'table poverty_aid.household exists');
SELECT columns_are('poverty_aid', 'household', ARRAY['id', 'household_no', 'village_code', 'members', 'registered_on', 'exited_on', 'poverty_cause']);
SELECT col_type_is('poverty_aid', 'household', 'id', 'bigint', 'household.id is bigint');
SELECT col_type_is('poverty_aid', 'household', 'household_no', 'text', 'household.household_no is text');
SELECT col_type_is('poverty_aid', 'household', 'village_code', 'text', 'household.village_code is text');
SELECT col_type_is('poverty_aid', 'household', 'members', 'integer', 'household.members is integer');
SELECT col_type_is('poverty_aid', 'household', 'registered_on', 'date', 'household.registered_on is date');
SELECT col_type_is('poverty_aid', 'household', 'exited_on', 'date', 'household.exited_on is date');
SELECT col_type_is('poverty_aid', 'household', 'poverty_cause', 'poverty_aid.poverty_cause', 'household.poverty_cause is poverty_aid.poverty_cause');

SELECT has_table('poverty_aid', 'household_income', 'table poverty_aid.household_income exists');
SELECT columns_are('poverty_aid', 'household_income', ARRAY['household_id', 'year', 'per_capita_income']);
SELECT col_type_is('poverty_aid', 'household_income', 'household_id', 'bigint', 'household_income.household_id is bigint');
SELECT col_type_is('poverty_aid', 'household_income', 'year', 'integer', 'household_income.year is integer');
SELECT col_type_is('poverty_aid', 'household_income', 'per_capita_income', 'numeric(14,2)', 'household_income.per_capita_income is numeric(14,2)');

SELECT has_table('poverty_aid', 'poverty_line', 'table poverty_aid.poverty_line exists');
SELECT columns_are('poverty_aid', 'poverty_line', ARRAY['year', 'line', 'basis']);
SELECT col_type_is('poverty_aid', 'poverty_line', 'year', 'integer', 'poverty_line.year is integer');
SELECT col_type_is('poverty_aid', 'poverty_line', 'line', 'numeric(10,2)', 'poverty_line.line is numeric(10,2)');
SELECT col_type_is('poverty_aid', 'poverty_line', 'basis', 'text', 'poverty_line.basis is text');

SELECT has_table('poverty_aid', 'person', 'table poverty_aid.person exists');
SELECT columns_are('poverty_aid', 'person', ARRAY['id', 'household_id', 'name', 'resident_id', 'relation', 'is_labour']);
SELECT col_type_is('poverty_aid', 'person', 'id', 'bigint', 'person.id is bigint');
SELECT col_type_is('poverty_aid', 'person', 'household_id', 'bigint', 'person.household_id is bigint');
SELECT col_type_is('poverty_aid', 'person', 'name', 'text', 'person.name is text');
SELECT col_type_is('poverty_aid', 'person', 'resident_id', 'text', 'person.resident_id is text');
SELECT col_type_is('poverty_aid', 'person', 'relation', 'text', 'person.relation is text');
SELECT col_type_is('poverty_aid', 'person', 'is_labour', 'boolean', 'person.is_labour is boolean');

SELECT has_table('poverty_aid', 'helper', 'table poverty_aid.helper exists');
SELECT columns_are('poverty_aid', 'helper', ARRAY['id', 'name', 'kind', 'home_region_code']);
SELECT col_type_is('poverty_aid', 'helper', 'id', 'bigint', 'helper.id is bigint');
SELECT col_type_is('poverty_aid', 'helper', 'name', 'text', 'helper.name is text');
SELECT col_type_is('poverty_aid', 'helper', 'kind', 'poverty_aid.helper_kind', 'helper.kind is poverty_aid.helper_kind');
SELECT col_type_is('poverty_aid', 'helper', 'home_region_code', 'text', 'helper.home_region_code is text');

SELECT has_table('poverty_aid', 'pairing', 'table poverty_aid.pairing exists');
SELECT columns_are('poverty_aid', 'pairing', ARRAY['id', 'helper_id', 'target_region_code', 'target_household_id', 'kind', 'valid_from', 'valid_to']);
SELECT col_type_is('poverty_aid', 'pairing', 'id', 'bigint', 'pairing.id is bigint');
SELECT col_type_is('poverty_aid', 'pairing', 'helper_id', 'bigint', 'pairing.helper_id is bigint');
SELECT col_type_is('poverty_aid', 'pairing', 'target_region_code', 'text', 'pairing.target_region_code is text');
SELECT col_type_is('poverty_aid', 'pairing', 'target_household_id', 'bigint', 'pairing.target_household_id is bigint');
SELECT col_type_is('poverty_aid', 'pairing', 'kind', 'poverty_aid.pairing_kind', 'pairing.kind is poverty_aid.pairing_kind');
SELECT col_type_is('poverty_aid', 'pairing', 'valid_from', 'date', 'pairing.valid_from is date');
SELECT col_type_is('poverty_aid', 'pairing', 'valid_to', 'date', 'pairing.valid_to is date');

SELECT has_table('poverty_aid', 'fund', 'table poverty_aid.fund exists');
SELECT columns_are('poverty_aid', 'fund', ARRAY['id', 'source', 'helper_id', 'recipient_region_code', 'year', 'purpose', 'planned', 'allocated_on', 'description']);
SELECT col_type_is('poverty_aid', 'fund', 'id', 'bigint', 'fund.id is bigint');
SELECT col_type_is('poverty_aid', 'fund', 'source', 'poverty_aid.fund_source', 'fund.source is poverty_aid.fund_source');
SELECT col_type_is('poverty_aid', 'fund', 'helper_id', 'bigint', 'fund.helper_id is bigint');
SELECT col_type_is('poverty_aid', 'fund', 'recipient_region_code', 'text', 'fund.recipient_region_code is text');
SELECT col_type_is('poverty_aid', 'fund', 'year', 'integer', 'fund.year is integer');
SELECT col_type_is('poverty_aid', 'fund', 'purpose', 'poverty_aid.fund_purpose', 'fund.purpose is poverty_aid.fund_purpose');
SELECT col_type_is('poverty_aid', 'fund', 'planned', 'numeric(18,2)', 'fund.planned is numeric(18,2)');
SELECT col_type_is('poverty_aid', 'fund', 'allocated_on', 'date', 'fund.allocated_on is date');
SELECT col_type_is('poverty_aid', 'fund', 'description', 'text', 'fund.description is text');

SELECT has_table('poverty_aid', 'fund_transfer', 'table poverty_aid.fund_transfer exists');
SELECT columns_are('poverty_aid', 'fund_transfer', ARRAY['id', 'fund_id', 'amount', 'in_place_on', 'note']);
SELECT col_type_is('poverty_aid', 'fund_transfer', 'id', 'bigint', 'fund_transfer.id is bigint');
SELECT col_type_is('poverty_aid', 'fund_transfer', 'fund_id', 'bigint', 'fund_transfer.fund_id is bigint');
SELECT col_type_is('poverty_aid', 'fund_transfer', 'amount', 'numeric(18,2)', 'fund_transfer.amount is numeric(18,2)');
SELECT col_type_is('poverty_aid', 'fund_transfer', 'in_place_on', 'date', 'fund_transfer.in_place_on is date');
SELECT col_type_is('poverty_aid', 'fund_transfer', 'note', 'text', 'fund_transfer.note is text');

SELECT has_table('poverty_aid', 'project', 'table poverty_aid.project exists');
SELECT columns_are('poverty_aid', 'project', ARRAY['id', 'name', 'region_code', 'fund_id', 'sector', 'started_on', 'completed_on', 'investment']);
SELECT col_type_is('poverty_aid', 'project', 'id', 'bigint', 'project.id is bigint');
SELECT col_type_is('poverty_aid', 'project', 'name', 'text', 'project.name is text');
SELECT col_type_is('poverty_aid', 'project', 'region_code', 'text', 'project.region_code is text');
SELECT col_type_is('poverty_aid', 'project', 'fund_id', 'bigint', 'project.fund_id is bigint');
SELECT col_type_is('poverty_aid', 'project', 'sector', 'text', 'project.sector is text');
SELECT col_type_is('poverty_aid', 'project', 'started_on', 'date', 'project.started_on is date');
SELECT col_type_is('poverty_aid', 'project', 'completed_on', 'date', 'project.completed_on is date');
SELECT col_type_is('poverty_aid', 'project', 'investment', 'numeric(18,2)', 'project.investment is numeric(18,2)');

SELECT has_table('poverty_aid', 'project_beneficiary', 'table poverty_aid.project_beneficiary exists');
SELECT columns_are('poverty_aid', 'project_beneficiary', ARRAY['project_id', 'household_id']);
SELECT col_type_is('poverty_aid', 'project_beneficiary', 'project_id', 'bigint', 'project_beneficiary.project_id is bigint');
SELECT col_type_is('poverty_aid', 'project_beneficiary', 'household_id', 'bigint', 'project_beneficiary.household_id is bigint');

SELECT has_table('poverty_aid', 'employment', 'table poverty_aid.employment exists');
SELECT columns_are('poverty_aid', 'employment', ARRAY['id', 'household_id', 'person_id', 'helper_id', 'employer', 'place', 'employed_on', 'ended_on', 'monthly_wage']);
SELECT col_type_is('poverty_aid', 'employment', 'id', 'bigint', 'employment.id is bigint');
SELECT col_type_is('poverty_aid', 'employment', 'household_id', 'bigint', 'employment.household_id is bigint');
SELECT col_type_is('poverty_aid', 'employment', 'person_id', 'bigint', 'employment.person_id is bigint');
SELECT col_type_is('poverty_aid', 'employment', 'helper_id', 'bigint', 'employment.helper_id is bigint');
SELECT col_type_is('poverty_aid', 'employment', 'employer', 'text', 'employment.employer is text');
SELECT col_type_is('poverty_aid', 'employment', 'place', 'poverty_aid.employment_place', 'employment.place is poverty_aid.employment_place');
SELECT col_type_is('poverty_aid', 'employment', 'employed_on', 'date', 'employment.employed_on is date');
SELECT col_type_is('poverty_aid', 'employment', 'ended_on', 'date', 'employment.ended_on is date');
SELECT col_type_is('poverty_aid', 'employment', 'monthly_wage', 'numeric(12,2)', 'employment.monthly_wage is numeric(12,2)');

SELECT has_table('poverty_aid', 'consumption_sale', 'table poverty_aid.consumption_sale exists');
SELECT columns_are('poverty_aid', 'consumption_sale', ARRAY['id', 'region_code', 'helper_id', 'product', 'sold_on', 'amount']);
SELECT col_type_is('poverty_aid', 'consumption_sale', 'id', 'bigint', 'consumption_sale.id is bigint');
SELECT col_type_is('poverty_aid', 'consumption_sale', 'region_code', 'text', 'consumption_sale.region_code is text');
SELECT col_type_is('poverty_aid', 'consumption_sale', 'helper_id', 'bigint', 'consumption_sale.helper_id is bigint');
SELECT col_type_is('poverty_aid', 'consumption_sale', 'product', 'text', 'consumption_sale.product is text');
SELECT col_type_is('poverty_aid', 'consumption_sale', 'sold_on', 'date', 'consumption_sale.sold_on is date');
SELECT col_type_is('poverty_aid', 'consumption_sale', 'amount', 'numeric(18,2)', 'consumption_sale.amount is numeric(18,2)');

SELECT has_table('poverty_aid', 'target', 'table poverty_aid.target exists');
SELECT columns_are('poverty_aid', 'target', ARRAY['id', 'indicator', 'region_code', 'year', 'target_value', 'unit']);
SELECT col_type_is('poverty_aid', 'target', 'id', 'bigint', 'target.id is bigint');
SELECT col_type_is('poverty_aid', 'target', 'indicator', 'text', 'target.indicator is text');
SELECT col_type_is('poverty_aid', 'target', 'region_code', 'text', 'target.region_code is text');
SELECT col_type_is('poverty_aid', 'target', 'year', 'integer', 'target.year is integer');
SELECT col_type_is('poverty_aid', 'target', 'target_value', 'numeric', 'target.target_value is numeric');
SELECT col_type_is('poverty_aid', 'target', 'unit', 'text', 'target.unit is text');

SELECT has_table('poverty_aid', 'job_run', 'table poverty_aid.job_run exists');
SELECT columns_are('poverty_aid', 'job_run', ARRAY['id', 'job', 'as_of', 'started_at', 'finished_at', 'status', 'rows_written', 'error']);
SELECT col_type_is('poverty_aid', 'job_run', 'id', 'bigint', 'job_run.id is bigint');
SELECT col_type_is('poverty_aid', 'job_run', 'job', 'text', 'job_run.job is text');
SELECT col_type_is('poverty_aid', 'job_run', 'as_of', 'date', 'job_run.as_of is date');
SELECT col_type_is('poverty_aid', 'job_run', 'started_at', 'timestamp with time zone', 'job_run.started_at is timestamp with time zone');
SELECT col_type_is('poverty_aid', 'job_run', 'finished_at', 'timestamp with time zone', 'job_run.finished_at is timestamp with time zone');
SELECT col_type_is('poverty_aid', 'job_run', 'status', 'poverty_aid.job_status', 'job_run.status is poverty_aid.job_status');
SELECT col_type_is('poverty_aid', 'job_run', 'rows_written', 'bigint', 'job_run.rows_written is bigint');
SELECT col_type_is('poverty_aid', 'job_run', 'error', 'text', 'job_run.error is text');

SELECT has_table('poverty_aid', 'indicator_snapshot', 'table poverty_aid.indicator_snapshot exists');
SELECT columns_are('poverty_aid', 'indicator_snapshot', ARRAY['as_of', 'region_code', 'indicator', 'label', 'numerator', 'denominator', 'value', 'unit', 'run_id', 'taken_at']);
SELECT col_type_is('poverty_aid', 'indicator_snapshot', 'as_of', 'date', 'indicator_snapshot.as_of is date');
SELECT col_type_is('poverty_aid', 'indicator_snapshot', 'region_code', 'text', 'indicator_snapshot.region_code is text');
SELECT col_type_is('poverty_aid', 'indicator_snapshot', 'indicator', 'text', 'indicator_snapshot.indicator is text');
SELECT col_type_is('poverty_aid', 'indicator_snapshot', 'label', 'text', 'indicator_snapshot.label is text');
SELECT col_type_is('poverty_aid', 'indicator_snapshot', 'numerator', 'numeric', 'indicator_snapshot.numerator is numeric');
SELECT col_type_is('poverty_aid', 'indicator_snapshot', 'denominator', 'numeric', 'indicator_snapshot.denominator is numeric');
SELECT col_type_is('poverty_aid', 'indicator_snapshot', 'value', 'numeric', 'indicator_snapshot.value is numeric');
SELECT col_type_is('poverty_aid', 'indicator_snapshot', 'unit', 'text', 'indicator_snapshot.unit is text');
SELECT col_type_is('poverty_aid', 'indicator_snapshot', 'run_id', 'bigint', 'indicator_snapshot.run_id is bigint');
SELECT col_type_is('poverty_aid', 'indicator_snapshot', 'taken_at', 'timestamp with time zone', 'indicator_snapshot.taken_at is timestamp with time zone');

-- Documentation: \dx+ poverty_aid and a BI tool's field list show these.
SELECT is(
  ARRAY(SELECT pg_describe_object(d.classid, d.objid, 0)
        FROM pg_depend d
        JOIN pg_extension e ON e.oid = d.refobjid AND e.extname = 'poverty_aid'
        WHERE d.deptype = 'e'
          AND d.classid IN ('pg_class'::regclass, 'pg_proc'::regclass, 'pg_type'::regclass)
          AND obj_description(d.objid, d.classid::regclass::name) IS NULL
          AND NOT (d.classid = 'pg_class'::regclass
                   AND (SELECT relkind FROM pg_class WHERE oid = d.objid) IN ('S', 'i'))
        ORDER BY 1),
  '{}'::text[],
  'every table, view, type and function of the extension has a comment');

SELECT is(
  ARRAY(SELECT a.attrelid::regclass || '.' || a.attname
        FROM pg_attribute a
        JOIN pg_class c ON c.oid = a.attrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'poverty_aid'
        WHERE c.relkind IN ('r', 'v', 'm', 'p') AND a.attnum > 0 AND NOT a.attisdropped
          AND col_description(a.attrelid, a.attnum) IS NULL
          AND a.attname NOT IN ('id', 'name', 'code', 'year', 'kind', 'region_code', 'household_id',
                                'helper_id', 'fund_id', 'project_id', 'person_id', 'product',
                                'amount', 'label', 'unit', 'note', 'sector', 'description',
                                'members', 'listed_on', 'registered_on', 'valid_from',
                                'village_code', 'target_region_code', 'target_household_id',
                                'started_on', 'completed_on', 'employed_on', 'ended_on',
                                'monthly_wage', 'employer', 'place', 'sold_on', 'source',
                                'purpose', 'planned', 'line', 'basis', 'per_capita_income',
                                'rural_population', 'poverty_cause', 'job', 'as_of',
                                'started_at', 'finished_at', 'status', 'rows_written', 'error',
                                'indicator', 'numerator', 'denominator', 'value', 'run_id',
                                'taken_at', 'target_value', 'investment', 'in_place_on')
          AND c.relkind = 'r'
        ORDER BY 1),
  '{}'::text[],
  'every table column whose name does not explain it has a comment');

SELECT is(
  ARRAY(SELECT c.oid::regclass::text
        FROM pg_class c
        JOIN pg_namespace n ON n.oid = c.relnamespace AND n.nspname = 'poverty_aid'
        WHERE c.relkind IN ('r', 'p', 'S')
          AND c.oid <> ALL (SELECT unnest(extconfig) FROM pg_extension WHERE extname = 'poverty_aid')
        ORDER BY 1),
  '{poverty_aid.division_code,poverty_aid.household_tally,poverty_aid.household_tally_lock,poverty_aid.income_distribution}'::text[],
  'every table and sequence is marked with pg_extension_config_dump, but the reference list of division codes, which each version of the extension brings, and the household tally, its locks and the income distribution, which a restore refills from household and household_income');

SELECT * FROM finish();
ROLLBACK;
