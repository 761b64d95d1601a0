-- The income distribution that income_values() reads for the whole register
-- and for a province (new in 1.1), filled from the incomes the 1.0 install
-- holds.
-- @include sql/ext/53_income_distribution.sql
SELECT @extschema@.income_distribution_rebuild();
