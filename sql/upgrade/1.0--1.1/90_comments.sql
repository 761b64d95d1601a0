-- Comments that pointed at the README's sections now point at docs/.

COMMENT ON FUNCTION @extschema@.indicator_report(text, date) IS
  'One row per indicator for a region subtree (code of 6, 9 or 12 digits; NULL: the whole register) as of a date: stable key, label, scope, numerator, denominator, value (percent with one digit for ratios, else the count or amount), unit and the exact ratio. E.g. SELECT * FROM poverty_aid.indicator_report(NULL, ''2020-03-31''). Definitions: docs/reports.md';
