-- The income distribution that income_values() reads for the whole register,
-- a province, a prefecture and a county (new in 1.1: rows for the whole
-- register, each province and each county), filled from the incomes the 1.0
-- install holds.  income_values() itself comes with 50_measures.sql.
-- @include sql/ext/53_income_distribution.sql
SELECT @extschema@.income_distribution_rebuild();
