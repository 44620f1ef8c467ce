package io.convoy.monitor.config;

import io.convoy.core.apply.ConnectionSource;
import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import io.convoy.core.util.Secrets;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;

/**
 * One cluster the monitor watches: its primary (every probe runs there) and the standbys it must have.
 *
 * @param id           cluster id, as in the planner's fleet file and in control scopes ({@code cluster:<id>})
 * @param primaryUrl   JDBC URL of the primary; any database of the cluster will do (pg_stat_replication, pg_locks
 *                     and pg_stat_activity cover the whole cluster)
 * @param user         user to connect as, unless the URL names one
 * @param passwordEnv  environment variable holding the password
 * @param passwordFile file whose first line is the password (read at each connect, so it may be rotated)
 * @param standbys     the standbys expected in {@code pg_stat_replication}
 * @param line         line of the cluster in its file, for messages (0 when unknown)
 */
public record ClusterSpec(String id, String primaryUrl, Optional<String> user, Optional<String> passwordEnv,
                          Optional<Path> passwordFile, List<StandbySpec> standbys, int line) {

    /**
     * A standby the cluster must have.
     *
     * @param name the standby's {@code application_name} (its {@code primary_conninfo}), as in pg_stat_replication
     * @param slot the physical replication slot it streams from, if it uses one: it must exist and be active
     */
    public record StandbySpec(String name, Optional<String> slot) {
        public StandbySpec {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(slot, "slot");
        }
    }

    public ClusterSpec {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(primaryUrl, "primaryUrl");
        Objects.requireNonNull(user, "user");
        Objects.requireNonNull(passwordEnv, "passwordEnv");
        Objects.requireNonNull(passwordFile, "passwordFile");
        standbys = List.copyOf(standbys);
    }

    /** A cluster with no credentials beyond the URL (tests, trust authentication). */
    public static ClusterSpec of(String id, String primaryUrl, List<StandbySpec> standbys) {
        return new ClusterSpec(id, primaryUrl, Optional.empty(), Optional.empty(), Optional.empty(), standbys, 0);
    }

    /**
     * Connections to the primary as {@code applicationName}; the password is looked up on each connect.
     *
     * @param env the environment ({@code System.getenv()})
     */
    public ConnectionSource connectionSource(String applicationName, Map<String, String> env, int connectTimeoutSeconds) {
        String described = "cluster " + id + " primary " + Secrets.mask(primaryUrl);
        return new ConnectionSource() {
            @Override
            public java.sql.Connection open() throws java.sql.SQLException {
                Properties props = new Properties();
                user.ifPresent(u -> props.setProperty("user", u));
                password(env).ifPresent(p -> props.setProperty("password", p));
                props.setProperty("ApplicationName", applicationName);
                props.setProperty("connectTimeout", Integer.toString(connectTimeoutSeconds));
                props.setProperty("socketTimeout", Integer.toString(Math.max(5, connectTimeoutSeconds * 5)));
                props.setProperty("tcpKeepAlive", "true");
                return java.sql.DriverManager.getConnection(primaryUrl, props);
            }

            @Override
            public String describe() {
                return described;
            }
        };
    }

    /** The password from its source; MIG020 naming the source (never the value) when it cannot be read. */
    public Optional<String> password(Map<String, String> env) {
        if (passwordEnv.isPresent()) {
            String v = env.get(passwordEnv.get());
            if (v == null) {
                throw new ConvoyException(ErrorCode.MIG020, "cluster " + id + ": password_env " + passwordEnv.get()
                        + " is not set in the environment");
            }
            return Optional.of(v);
        }
        if (passwordFile.isPresent()) {
            try {
                List<String> lines = Files.readAllLines(passwordFile.get(), StandardCharsets.UTF_8);
                return Optional.of(lines.isEmpty() ? "" : lines.get(0));
            } catch (IOException e) {
                throw new ConvoyException(ErrorCode.MIG020, "cluster " + id + ": cannot read password_file "
                        + passwordFile.get() + ": " + e.getClass().getSimpleName(), e);
            }
        }
        return Optional.empty();
    }

    @Override
    public String toString() {
        return "ClusterSpec[" + id + ", " + Secrets.mask(primaryUrl) + ", standbys "
                + standbys.stream().map(StandbySpec::name).toList() + "]";
    }
}
