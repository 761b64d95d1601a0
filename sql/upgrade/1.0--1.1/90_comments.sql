-- Comments that no longer said what the code does, or pointed at the
-- README's sections (now in docs/).

COMMENT ON FUNCTION @extschema@.indicator_report(text, date) IS
  'One row per indicator for a region subtree (code of 6, 9 or 12 digits; NULL: the whole register) as of a date: stable key, label, scope, numerator, denominator, value (percent with one digit for ratios, else the count, amount or index), unit and the exact ratio; the keys are defined in indicator_definitions(). E.g. SELECT * FROM poverty_aid.indicator_report(NULL, ''2020-03-31''). Definitions: docs/reports.md';

COMMENT ON TABLE @extschema@.audit_log IS
  'Append-only trail of every insert, update, delete and truncate on household, person, pairing, fund, fund_transfer, the exit assessment tables, the monitoring tables and the access tables: who, when, old and new row. Readable by admin only; nobody can update or delete it';

COMMENT ON FUNCTION @extschema@.csv_records(text) IS
  'The records of a CSV text (RFC 4180; LF, CRLF or CR line ends) with the line each starts on; an unquoted empty field is NULL, "" is the empty string; a malformed record (also one of more than 1600 fields) comes back with fields NULL and error set; a UTF-8 byte-order mark at the start is skipped';

-- The report's units since 1.1 (households, year, index: indicator_definitions()).
COMMENT ON COLUMN @extschema@.indicator_trend.unit IS 'Unit of value: % for ratios, else the unit of the count or amount (people, households, villages, yuan, projects, year) or index (indicator_definitions())';
COMMENT ON COLUMN @extschema@.indicator_trend.value IS 'Percent (one digit) for ratios, else the count, amount or index';
