"""Reads the BI views over ODBC (psqlODBC under unixODBC, through pyodbc)
the way a BI tool does, for test/bi_odbc.sh: a DSN-less connection whose
ConnSettings set the as-of date, then the description of bi_county's
columns (SQLDescribeCol: type, column size, decimal digits), a few figures
and column descriptions from the data dictionary, one "name value..." line
each, for the shell test to compare.

    /usr/bin/python3 test/drivers/odbc_probe.py SOCKET_DIR PORT DATABASE USER
"""
import sys

import pyodbc

socket_dir, port, database, user = sys.argv[1:5]
connection = pyodbc.connect(
    "Driver={PostgreSQL Unicode};"
    f"Servername={socket_dir};Port={port};Database={database};Username={user};"
    "ConnSettings={SET poverty_aid.as_of = '2020-03-31'};",
    autocommit=True)
cursor = connection.cursor()

cursor.execute("SHOW poverty_aid.as_of")
print("setting", cursor.fetchone()[0])

cursor.execute("SELECT * FROM poverty_aid.bi_county ORDER BY county_code")
# (name, type_code, display_size, internal_size, precision, scale, null_ok)
for name, type_code, _, _, precision, scale, _ in cursor.description:
    print("column", name, type_code.__name__, precision, scale)
rows = cursor.fetchall()
print("rows", len(rows))
print("county_exit_rate", "%d/%d" % (sum(r.county_exit_rate_numerator_counties for r in rows),
                                     sum(r.county_exit_rate_denominator_counties for r in rows)))
for r in rows:
    print("county", r.county_code, r.as_of, r.poverty_incidence_pct, r.poverty_incidence_numerator_people,
          r.poverty_incidence_denominator_people, r.fund_in_place_denominator_yuan)

cursor.execute(sys.argv[5])
for r in cursor.fetchall():
    print("description", *r)
