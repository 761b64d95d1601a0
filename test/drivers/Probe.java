// Reads the BI views over JDBC (pgjdbc) the way a BI tool does, for
// test/bi_jdbc.sh: the connection sets the as-of date with the `options`
// parameter, then the program prints the result set metadata of bi_county's
// columns and a few figures, one "name value..." line each, for the shell
// test to compare.
//
//   java -cp /usr/share/java/postgresql.jar test/drivers/Probe.java JDBC-URL

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.Statement;

public class Probe {
    public static void main(String[] args) throws Exception {
        try (Connection c = DriverManager.getConnection(args[0]);
             Statement s = c.createStatement()) {
            try (ResultSet r = s.executeQuery("SHOW poverty_aid.as_of")) {
                r.next();
                System.out.println("setting " + r.getString(1));
            }
            try (ResultSet r = s.executeQuery("SELECT * FROM poverty_aid.bi_county ORDER BY county_code")) {
                ResultSetMetaData m = r.getMetaData();
                for (int i = 1; i <= m.getColumnCount(); i++) {
                    System.out.println("column " + m.getColumnName(i) + " " + m.getColumnTypeName(i) + " "
                                       + m.getPrecision(i) + " " + m.getScale(i));
                }
                long exited = 0, listed = 0;
                int rows = 0;
                while (r.next()) {
                    rows++;
                    exited += r.getLong("county_exit_rate_numerator_counties");
                    listed += r.getLong("county_exit_rate_denominator_counties");
                    System.out.println("county " + r.getString("county_code") + " " + r.getDate("as_of") + " "
                                       + r.getBigDecimal("village_exit_rate_pct") + " "
                                       + r.getBigDecimal("fund_in_place_numerator_yuan") + " "
                                       + r.getBigDecimal("fund_in_place_denominator_yuan"));
                }
                System.out.println("rows " + rows);
                System.out.println("county_exit_rate " + exited + "/" + listed);
            }
            // The 1.0 view follows the connection's setting too.
            try (ResultSet r = s.executeQuery("SELECT min(as_of), sum(villages_listed) FROM poverty_aid.county_indicators")) {
                r.next();
                System.out.println("county_indicators " + r.getDate(1) + " " + r.getLong(2));
            }
        }
    }
}
