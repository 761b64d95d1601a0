-- poverty_aid 1.0 -> 1.1 upgrade.
--
-- Carries every schema and function change of version 1.1 onto a 1.0
-- register, keeping its rows.  A fresh 1.1 install (built from sql/ext/) and
-- a 1.0 install upgraded by this script must have the same catalogue: the
-- upgrade test (test/upgrade.sh) compares them object by object.
\echo Use "ALTER EXTENSION poverty_aid UPDATE TO '1.1'" to load this file. \quit
