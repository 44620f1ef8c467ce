package io.convoy.testkit.postgres;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real PostgreSQL 15 primary, and optionally one streaming standby, bound to 127.0.0.1 (embedded
 * binaries from Maven Central, nothing to install). The standby is made from Java with no extra
 * binaries: a physical replication slot, {@code pg_backup_start}, a copy of the data directory
 * (without {@code pg_replslot}), {@code pg_backup_stop} into {@code backup_label}, then
 * {@code standby.signal} with {@code primary_conninfo} and {@code primary_slot_name}.
 *
 * <p>Connections use the superuser {@code postgres} with trust authentication (loopback only).
 */
public final class PostgresCluster implements AutoCloseable {
    public static final String HOST = "127.0.0.1";
    public static final String USER = "postgres";
    public static final String SLOT = "convoy_standby";
    public static final String STANDBY_NAME = "convoy_standby";

    private static final Logger LOG = LoggerFactory.getLogger(PostgresCluster.class);
    private static final Pattern DB_NAME = Pattern.compile("[a-z_][a-z0-9_]{0,62}");
    /** Files that belong to one running server and must not be copied into the standby. */
    private static final Set<String> SKIP = Set.of("postmaster.pid", "postmaster.opts", "epg-lock", "backup_label", "tablespace_map");

    private final Path root;
    private final EmbeddedPostgres primary;
    private final EmbeddedPostgres standby;
    private final Duration primaryStartup;
    private final Duration standbyStartup;
    private final boolean deleteOnClose;

    private PostgresCluster(Path root, EmbeddedPostgres primary, Duration primaryStartup, EmbeddedPostgres standby,
                            Duration standbyStartup, boolean deleteOnClose) {
        this.root = root;
        this.primary = primary;
        this.primaryStartup = primaryStartup;
        this.standby = standby;
        this.standbyStartup = standbyStartup;
        this.deleteOnClose = deleteOnClose;
    }

    /** A primary only, in a fresh temporary directory. */
    public static PostgresCluster start() {
        return builder().start();
    }

    /** A primary with one streaming standby, in a fresh temporary directory. */
    public static PostgresCluster startWithStandby() {
        return builder().withStandby(true).start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Options of a cluster. */
    public static final class Builder {
        private boolean withStandby;
        private Path directory;

        private Builder() {}

        public Builder withStandby(boolean standby) {
            this.withStandby = standby;
            return this;
        }

        /** Where the data directories go (created; deleted on close only when this was not set). */
        public Builder directory(Path directory) {
            this.directory = directory;
            return this;
        }

        public PostgresCluster start() {
            Path root = null;
            EmbeddedPostgres primary = null;
            try {
                boolean temporary = directory == null;
                root = temporary ? Files.createTempDirectory("convoy-pg-") : Files.createDirectories(directory);
                long t0 = System.nanoTime();
                primary = node(root.resolve("primary"), true);
                Duration primaryStartup = Duration.ofNanos(System.nanoTime() - t0);
                LOG.info("PostgreSQL primary listening on {}:{} (started in {} ms)", HOST, primary.getPort(), primaryStartup.toMillis());
                EmbeddedPostgres standby = null;
                Duration standbyStartup = Duration.ZERO;
                if (withStandby) {
                    long t1 = System.nanoTime();
                    standby = startStandby(primary, root.resolve("primary"), root.resolve("standby"));
                    standbyStartup = Duration.ofNanos(System.nanoTime() - t1);
                    LOG.info("PostgreSQL standby listening on {}:{} (started in {} ms)", HOST, standby.getPort(), standbyStartup.toMillis());
                }
                return new PostgresCluster(root, primary, primaryStartup, standby, standbyStartup, temporary);
            } catch (IOException | SQLException e) {
                closeQuietly(primary);
                throw new IllegalStateException("could not start PostgreSQL in " + root + ": " + e.getMessage(), e);
            }
        }
    }

    private static EmbeddedPostgres node(Path dataDirectory, boolean initialize) throws IOException {
        return EmbeddedPostgres.builder()
                .setDataDirectory(dataDirectory)
                .setCleanDataDirectory(initialize)
                .setServerConfig("listen_addresses", HOST)
                .setServerConfig("unix_socket_directories", "''")
                .setServerConfig("wal_level", "replica")
                .setServerConfig("max_wal_senders", "4")
                .setServerConfig("max_replication_slots", "4")
                .setServerConfig("hot_standby", "on")
                .setServerConfig("hot_standby_feedback", "on")
                .setServerConfig("wal_receiver_status_interval", "1s")
                .setPGStartupWait(Duration.ofSeconds(60))
                .start();
    }

    private static EmbeddedPostgres startStandby(EmbeddedPostgres primary, Path primaryDir, Path standbyDir)
            throws IOException, SQLException {
        try (Connection c = DriverManager.getConnection(url(primary.getPort(), "postgres"));
             Statement s = c.createStatement()) {
            s.execute("select pg_create_physical_replication_slot('" + SLOT + "', true)");
            s.execute("select pg_backup_start('convoy standby', true)");
            copyDataDirectory(primaryDir, standbyDir);
            String label;
            try (ResultSet rs = s.executeQuery("select labelfile from pg_backup_stop(false)")) {
                rs.next();
                label = rs.getString(1);
            }
            Files.writeString(standbyDir.resolve("backup_label"), label, StandardCharsets.UTF_8);
        }
        Files.writeString(standbyDir.resolve("standby.signal"), "", StandardCharsets.UTF_8);
        Files.writeString(standbyDir.resolve("postgresql.auto.conf"),
                "\nprimary_conninfo = 'host=" + HOST + " port=" + primary.getPort() + " user=" + USER
                        + " application_name=" + STANDBY_NAME + "'\nprimary_slot_name = '" + SLOT + "'\n",
                StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        return node(standbyDir, false);
    }

    /** Copies a data directory as a base backup does: without the slots, the pid and lock files; directories mode 0700. */
    private static void copyDataDirectory(Path from, Path to) throws IOException {
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                Path target = to.resolve(from.relativize(dir).toString());
                Files.createDirectories(target);
                Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwx------"));
                return from.relativize(dir).toString().equals("pg_replslot") ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Path rel = from.relativize(file);
                if (rel.getNameCount() == 1 && SKIP.contains(rel.toString())) {
                    return FileVisitResult.CONTINUE;
                }
                try {
                    Files.copy(file, to.resolve(rel.toString()), StandardCopyOption.COPY_ATTRIBUTES, LinkOption.NOFOLLOW_LINKS);
                } catch (java.nio.file.NoSuchFileException gone) {
                    // a temporary file removed while we copied: the WAL replay makes up for it
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) {
                return FileVisitResult.CONTINUE;
            }
        });
    }

    private static String url(int port, String database) {
        return "jdbc:postgresql://" + HOST + ":" + port + "/" + database + "?user=" + USER;
    }

    // ------------------------------------------------------------------ API

    public String host() { return HOST; }

    public int port() { return primary.getPort(); }

    public boolean hasStandby() { return standby != null; }

    /** Port of the standby; IllegalStateException when the cluster has none. */
    public int standbyPort() { return requireStandby().getPort(); }

    /** JDBC URL of {@code database} on the primary (user postgres, no password). */
    public String jdbcUrl(String database) { return url(port(), database); }

    /** JDBC URL of {@code database} on the standby (read only). */
    public String standbyJdbcUrl(String database) { return url(standbyPort(), database); }

    /** Time from asking for the primary to it accepting connections (initdb included). */
    public Duration primaryStartup() { return primaryStartup; }

    /** Time to make and start the standby (slot, backup, copy, start); zero without one. */
    public Duration standbyStartup() { return standbyStartup; }

    /** Total start time of the cluster. */
    public Duration startupTime() { return primaryStartup.plus(standbyStartup); }

    /** Where the data directories are. */
    public Path directory() { return root; }

    public Connection connect(String database) throws SQLException {
        return DriverManager.getConnection(jdbcUrl(database));
    }

    public Connection connectStandby(String database) throws SQLException {
        return DriverManager.getConnection(standbyJdbcUrl(database));
    }

    /** Creates a database on the primary (it reaches the standby by replication). */
    public void createDatabase(String name) {
        if (!DB_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("database name must be a lower-case identifier: " + name);
        }
        try (Connection c = connect("postgres"); Statement s = c.createStatement()) {
            s.execute("create database " + name);
        } catch (SQLException e) {
            throw new IllegalStateException("could not create database " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * Replication lag of the standby seen from the primary, robust when idle (REFERENCE.md):
     * bytes between the primary's current WAL position and the standby's replay position. Empty
     * when the standby is not connected.
     */
    public Optional<Long> standbyLagBytes() {
        requireStandby();
        try (Connection c = connect("postgres"); Statement s = c.createStatement();
             ResultSet rs = s.executeQuery("select pg_wal_lsn_diff(pg_current_wal_lsn(), replay_lsn)::bigint from pg_stat_replication"
                     + " where application_name = '" + STANDBY_NAME + "'")) {
            return rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty();
        } catch (SQLException e) {
            throw new IllegalStateException("could not read pg_stat_replication: " + e.getMessage(), e);
        }
    }

    private EmbeddedPostgres requireStandby() {
        if (standby == null) {
            throw new IllegalStateException("this cluster has no standby (use PostgresCluster.startWithStandby())");
        }
        return standby;
    }

    @Override
    public void close() {
        closeQuietly(standby);
        closeQuietly(primary);
        if (deleteOnClose) {
            try (Stream<Path> paths = Files.walk(root)) {
                paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    private static void closeQuietly(EmbeddedPostgres pg) {
        if (pg != null) {
            try {
                pg.close();
            } catch (IOException | RuntimeException e) {
                LOG.warn("could not stop PostgreSQL: {}", e.toString());
            }
        }
    }

    @Override
    public String toString() {
        return "PostgresCluster{primary=" + HOST + ":" + port() + (standby == null ? "" : ", standby=" + HOST + ":" + standby.getPort()) + "}";
    }
}
