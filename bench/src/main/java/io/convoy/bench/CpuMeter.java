package io.convoy.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.ToIntFunction;

/**
 * Where the CPU went between two snapshots: this JVM as a whole and its threads by group (broker, executors, ...),
 * the PostgreSQL server (its postmaster and every backend, ended ones included) and the whole machine. Per unit of
 * work (a step, an event), these hardly depend on what else the shared machine runs, unlike elapsed times, so they
 * tell which part a change made cheaper. Linux only ({@code /proc}); elsewhere the PostgreSQL and machine figures
 * are absent. Threads that ended between two snapshots count in {@code jvm_process} but in no group.
 */
final class CpuMeter {
    /** USER_HZ: the unit of the times in /proc/[pid]/stat and /proc/stat on every Linux of these machines. */
    private static final double TICKS_PER_SECOND = 100.0;
    private static final ThreadMXBean THREADS = ManagementFactory.getThreadMXBean();

    record Snapshot(long processCpuNs, Map<Long, long[]> threads, OptionalLong postgresTicks, OptionalLong machineBusyTicks) {}

    private final List<String> groups;
    private final ToIntFunction<String> groupOf;
    private final Path postmasterPidFile;

    /**
     * @param groups            names of the thread groups
     * @param groupOf           a thread name to its index in {@code groups}
     * @param postgresDataDir   the data directory of the PostgreSQL server to count (its postmaster.pid), or null
     */
    CpuMeter(List<String> groups, ToIntFunction<String> groupOf, Path postgresDataDir) {
        this.groups = List.copyOf(groups);
        this.groupOf = groupOf;
        this.postmasterPidFile = postgresDataDir == null ? null : postgresDataDir.resolve("postmaster.pid");
    }

    Snapshot snapshot() {
        Map<Long, long[]> threads = new HashMap<>();
        for (ThreadInfo info : THREADS.getThreadInfo(THREADS.getAllThreadIds())) {
            if (info == null) {
                continue;
            }
            long cpu = THREADS.getThreadCpuTime(info.getThreadId());
            if (cpu >= 0) {
                threads.put(info.getThreadId(), new long[] {cpu, groupOf.applyAsInt(info.getThreadName())});
            }
        }
        long process = ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os
                ? os.getProcessCpuTime() : -1;
        return new Snapshot(process, threads, postgresTicks(), machineBusyTicks());
    }

    /**
     * Milliseconds of CPU per unit between the snapshots: {@code jvm_process}, each thread group, {@code postgres},
     * {@code machine} (all processes, the kernel's too) and {@code machine_cores_busy} (the average number of busy
     * cores over {@code seconds}).
     */
    Map<String, Object> perUnit(Snapshot before, Snapshot after, int units, double seconds) {
        Map<String, Object> out = new LinkedHashMap<>();
        if (after.processCpuNs() >= 0 && before.processCpuNs() >= 0) {
            out.put("jvm_process", Stats.round((after.processCpuNs() - before.processCpuNs()) / 1e6 / units));
        }
        groupNanos(before, after).forEach((group, ns) -> out.put("jvm_" + group, Stats.round(ns / 1e6 / units)));
        if (before.postgresTicks().isPresent() && after.postgresTicks().isPresent()) {
            out.put("postgres", Stats.round((after.postgresTicks().getAsLong() - before.postgresTicks().getAsLong())
                    / TICKS_PER_SECOND * 1000 / units));
        }
        if (before.machineBusyTicks().isPresent() && after.machineBusyTicks().isPresent()) {
            double busy = (after.machineBusyTicks().getAsLong() - before.machineBusyTicks().getAsLong()) / TICKS_PER_SECOND;
            out.put("machine", Stats.round(busy * 1000 / units));
            if (seconds > 0) {
                out.put("machine_cores_busy", Stats.round(busy / seconds));
            }
        }
        return out;
    }

    /**
     * CPU nanoseconds of each thread group between the snapshots, in the order of the groups. Threads that ended in
     * between are in no group.
     */
    Map<String, Double> groupNanos(Snapshot before, Snapshot after) {
        double[] ns = new double[groups.size()];
        after.threads().forEach((id, a) -> {
            long[] b = before.threads().get(id);
            ns[(int) a[1]] += a[0] - (b == null ? 0 : b[0]);
        });
        Map<String, Double> out = new LinkedHashMap<>();
        for (int i = 0; i < ns.length; i++) {
            out.put(groups.get(i), ns[i]);
        }
        return out;
    }

    /** The postmaster's own and reaped children's times plus every live child's (its backends). */
    private OptionalLong postgresTicks() {
        if (postmasterPidFile == null) {
            return OptionalLong.empty();
        }
        try {
            long postmaster = postmaster();
            long[] own = stat(Path.of("/proc", Long.toString(postmaster), "stat"));
            if (own == null) {
                return OptionalLong.empty();
            }
            long total = own[1] + own[2] + own[3] + own[4];
            for (long[] child : children(postmaster).values()) {
                total += child[1] + child[2];
            }
            return OptionalLong.of(total);
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }

    /**
     * How many processes of the PostgreSQL server serve a database whose name starts with {@code databasePrefix}, told
     * by their titles ({@code postgres: user database host(port) state}). A backend keeps its title until it has
     * exited, and here its exit costs ~20 ms of CPU after its client has gone. -1 when it cannot be told (not Linux,
     * no server).
     */
    int backends(String databasePrefix) {
        if (postmasterPidFile == null) {
            return -1;
        }
        try {
            String marker = " " + databasePrefix;
            return (int) children(postmaster()).keySet().stream().filter(p -> title(p).contains(marker)).count();
        } catch (IOException | RuntimeException e) {
            return -1;
        }
    }

    private long postmaster() throws IOException {
        return Long.parseLong(Files.readAllLines(postmasterPidFile).get(0).trim());
    }

    /** The live children of {@code postmaster}: their /proc directories and {@link #stat}s. */
    private static Map<Path, long[]> children(long postmaster) throws IOException {
        Map<Path, long[]> out = new HashMap<>();
        try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().chars()
                .allMatch(Character::isDigit))) {
            for (Path p : procs) {
                long[] s = stat(p.resolve("stat"));
                if (s != null && s[0] == postmaster) {
                    out.put(p, s);
                }
            }
        }
        return out;
    }

    /**
     * Waits until no process of the server serves a database whose name starts with {@code databasePrefix}
     * ({@link #backends}), at most {@code limit}; returns how long it waited, in milliseconds. So that no clock
     * starts while sessions ended before it are still exiting.
     *
     * @throws IllegalStateException when some are still there after {@code limit} (a session left open)
     */
    long awaitNoBackends(String databasePrefix, java.time.Duration limit) throws InterruptedException {
        long t0 = System.nanoTime();
        long deadline = t0 + limit.toNanos();
        int left;
        while ((left = backends(databasePrefix)) > 0) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException(left + " backend(s) of " + databasePrefix + "* databases still there after "
                        + limit + ": a session was left open");
            }
            Thread.sleep(5);
        }
        return (System.nanoTime() - t0) / 1_000_000;
    }

    private static String title(Path proc) {
        try {
            return new String(Files.readAllBytes(proc.resolve("cmdline")), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** ppid, utime, stime, cutime, cstime of a process, or null if it is gone. */
    private static long[] stat(Path file) {
        String s;
        try {
            s = Files.readString(file);
        } catch (IOException e) {
            return null;
        }
        // the command name (field 2) may hold spaces: the fields after it start after the last ')'
        String[] f = s.substring(s.lastIndexOf(')') + 2).trim().split(" ");
        // f[0] is field 3 (state): ppid is field 4, utime..cstime fields 14..17
        return new long[] {Long.parseLong(f[1]), Long.parseLong(f[11]), Long.parseLong(f[12]), Long.parseLong(f[13]),
                Long.parseLong(f[14])};
    }

    /** All CPU time of the machine but idle and iowait, from the first line of /proc/stat. */
    private static OptionalLong machineBusyTicks() {
        try {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i < f.length && i <= 8; i++) {
                if (i != 4 && i != 5) {
                    busy += Long.parseLong(f[i]);
                }
            }
            return OptionalLong.of(busy);
        } catch (IOException | RuntimeException e) {
            return OptionalLong.empty();
        }
    }
}
