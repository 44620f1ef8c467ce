package io.convoy.core.apply;

import io.convoy.core.util.Secrets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;

/** Opens connections to one target database. {@link #describe()} never contains a password. */
public interface ConnectionSource {
    Connection open() throws SQLException;

    /** Where this points, with credentials masked: safe to print and log. */
    String describe();

    static ConnectionSource of(String jdbcUrl, Properties properties) {
        Properties copy = new Properties();
        copy.putAll(properties);
        String described = Secrets.mask(jdbcUrl);
        return new ConnectionSource() {
            @Override
            public Connection open() throws SQLException {
                return DriverManager.getConnection(jdbcUrl, copy);
            }

            @Override
            public String describe() {
                return described;
            }
        };
    }

    static ConnectionSource of(String jdbcUrl) {
        return of(jdbcUrl, new Properties());
    }
}
