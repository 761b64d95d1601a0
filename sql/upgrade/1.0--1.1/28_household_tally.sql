-- The household tally that the 1.1 reports read (restated in 30_security.sql),
-- filled from the register the 1.0 install holds.
-- @include sql/ext/52_household_tally.sql
SELECT @extschema@.household_tally_rebuild();
