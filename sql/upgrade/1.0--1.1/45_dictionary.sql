-- 1.0 -> 1.1: the data dictionary (indicator_definitions() and the
-- data_dictionary view), new in 1.1.

-- @include sql/ext/45_dictionary.sql
