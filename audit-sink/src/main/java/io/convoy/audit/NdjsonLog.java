package io.convoy.audit;

import com.fasterxml.jackson.databind.JsonNode;
import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The append-only ECS NDJSON files: {@code audit-<8-digit index>-<UTC date>.ndjson} in one directory, one audit
 * record per line. A batch is appended whole to one file and {@code fsync}'d before {@link #append} returns;
 * a new file is started (at a batch boundary) when the current one reaches the size limit or the UTC day changes.
 * Lines are never rewritten. The one exception is a torn last line (a crash in the middle of a write, no
 * trailing newline): it was never acknowledged, and {@link #open} cuts it off so the file stays valid NDJSON.
 *
 * <p>These files are the sink's durable state: the newest lines give the chain's last seq and hash, and the last
 * line of every batch carries a checkpoint ({@code convoy.audit.checkpoint}: every source partition's next offset).
 */
public final class NdjsonLog implements AutoCloseable {
    private static final Pattern NAME = Pattern.compile("audit-(\\d{8})-(\\d{4}-\\d{2}-\\d{2})\\.ndjson");

    /** Test seam: called after each line is written (before the batch's fsync). */
    interface LineHook {
        void afterLine(int indexInBatch);
    }

    private final Path dir;
    private final long maxBytes;
    private final Clock clock;
    private LineHook hook = i -> { };
    private boolean hooked;
    private FileChannel channel;
    private Path current;
    private LocalDate currentDay;
    private int currentIndex;

    private NdjsonLog(Path dir, long maxBytes, Clock clock) {
        this.dir = dir;
        this.maxBytes = maxBytes;
        this.clock = clock;
    }

    /** Opens the directory (created if missing), cutting off a torn last line of the newest file. */
    public static NdjsonLog open(Path dir, long maxBytes, Clock clock) {
        try {
            Files.createDirectories(dir);
            List<Path> files = files(dir);
            NdjsonLog log = new NdjsonLog(dir, maxBytes, clock);
            if (!files.isEmpty()) {
                Path newest = files.get(files.size() - 1);
                cutTornTail(newest);
                Matcher m = NAME.matcher(newest.getFileName().toString());
                m.matches();
                log.currentIndex = Integer.parseInt(m.group(1));
            }
            return log;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open audit directory " + dir, e);
        }
    }

    void hook(LineHook hook) {
        this.hook = hook;
        this.hooked = true;
    }

    private void write(ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
    }

    /** The audit files of a directory, oldest first. */
    public static List<Path> files(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.filter(p -> NAME.matcher(p.getFileName().toString()).matches()).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
    }

    private static void cutTornTail(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            long size = ch.size();
            if (size == 0) {
                return;
            }
            long pos = size;
            ByteBuffer one = ByteBuffer.allocate(1);
            while (pos > 0) {
                one.clear();
                ch.read(one, pos - 1);
                if (one.get(0) == '\n') {
                    break;
                }
                pos--;
            }
            if (pos < size) {
                ch.truncate(pos);
                ch.force(true);
            }
        }
    }

    /** Appends the lines (no newlines inside) as one batch and fsyncs them: {@link #appendUtf8} of their UTF-8 bytes. */
    public void append(List<String> lines) {
        appendUtf8(lines.stream().map(line -> line.getBytes(StandardCharsets.UTF_8)).toList());
    }

    /**
     * Appends the lines, given as UTF-8 bytes (no newlines inside), as one batch and fsyncs them: what the sink
     * writes, the bytes it hashed and sends to the data stream, copied once into one buffer, one write, one fsync.
     */
    public void appendUtf8(List<byte[]> lines) {
        if (lines.isEmpty()) {
            return;
        }
        try {
            rollIfNeeded();
            if (hooked) {
                for (int i = 0; i < lines.size(); i++) {
                    byte[] line = lines.get(i);
                    byte[] withNewline = java.util.Arrays.copyOf(line, line.length + 1);
                    withNewline[line.length] = '\n';
                    write(ByteBuffer.wrap(withNewline));
                    hook.afterLine(i);
                }
            } else {
                int size = 0;
                for (byte[] line : lines) {
                    size += line.length + 1;
                }
                byte[] all = new byte[size];
                int at = 0;
                for (byte[] line : lines) {
                    System.arraycopy(line, 0, all, at, line.length);
                    at += line.length;
                    all[at++] = '\n';
                }
                write(ByteBuffer.wrap(all));
            }
            channel.force(false);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot append to audit file " + current, e);
        }
    }

    private void rollIfNeeded() throws IOException {
        LocalDate today = LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
        if (channel == null) {
            List<Path> files = files(dir);
            if (!files.isEmpty()) {
                Path newest = files.get(files.size() - 1);
                Matcher m = NAME.matcher(newest.getFileName().toString());
                m.matches();
                if (LocalDate.parse(m.group(2)).equals(today) && Files.size(newest) < maxBytes) {
                    openFile(newest, today);
                    return;
                }
            }
            openFile(nextFile(today), today);
            return;
        }
        if (!today.equals(currentDay) || channel.size() >= maxBytes) {
            channel.close();
            openFile(nextFile(today), today);
        }
    }

    private Path nextFile(LocalDate day) {
        currentIndex++;
        return dir.resolve(String.format("audit-%08d-%s.ndjson", currentIndex, day));
    }

    private void openFile(Path file, LocalDate day) throws IOException {
        boolean created = !Files.exists(file);
        channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
        current = file;
        currentDay = day;
        if (created) {
            try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
                d.force(true); // the new file's directory entry is durable too
            } catch (IOException ignored) {
                // some file systems cannot fsync a directory; the file's own fsync still holds its data
            }
        }
    }

    public Path currentFile() {
        return current;
    }

    @Override
    public void close() {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } finally {
                channel = null;
            }
        }
    }

    /** Every record of the directory in stored order, parsed lazily; unparsable lines come with a null record. */
    public static Iterator<ChainVerifier.Located> read(Path dir) {
        List<Path> files = files(dir);
        return new Iterator<>() {
            int fileIndex = -1;
            BufferedReader reader;
            int lineNo;
            ChainVerifier.Located next;

            @Override
            public boolean hasNext() {
                while (next == null) {
                    try {
                        if (reader == null) {
                            if (++fileIndex >= files.size()) {
                                return false;
                            }
                            reader = Files.newBufferedReader(files.get(fileIndex), StandardCharsets.UTF_8);
                            lineNo = 0;
                        }
                        String line = reader.readLine();
                        if (line == null) {
                            reader.close();
                            reader = null;
                            continue;
                        }
                        lineNo++;
                        String where = files.get(fileIndex).getFileName() + ":" + lineNo;
                        next = new ChainVerifier.Located(parseOrNull(line), where);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                }
                return true;
            }

            @Override
            public ChainVerifier.Located next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                ChainVerifier.Located n = next;
                next = null;
                return n;
            }
        };
    }

    static JsonNode parseOrNull(String line) {
        try {
            JsonNode node = Canonical.JSON.readTree(line);
            return node != null && node.isObject() ? node : null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Lines of the directory from the newest backwards (whole files are read one at a time). */
    static Iterator<ChainVerifier.Located> readBackwards(Path dir) {
        List<Path> files = new ArrayList<>(files(dir));
        Collections.reverse(files);
        return new Iterator<>() {
            int fileIndex = -1;
            List<String> lines = List.of();
            int pos = 0;

            @Override
            public boolean hasNext() {
                while (pos <= 0) {
                    if (++fileIndex >= files.size()) {
                        return false;
                    }
                    try {
                        lines = Files.readAllLines(files.get(fileIndex), StandardCharsets.UTF_8);
                    } catch (IOException e) {
                        throw new UncheckedIOException(e);
                    }
                    pos = lines.size();
                }
                return true;
            }

            @Override
            public ChainVerifier.Located next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                pos--;
                String where = files.get(fileIndex).getFileName() + ":" + (pos + 1);
                JsonNode node = parseOrNull(lines.get(pos));
                if (node == null) {
                    throw new ConvoyException(ErrorCode.MIG099, "audit file line " + where
                            + " is not an audit record; the files were altered: run convoy audit verify");
                }
                return new ChainVerifier.Located(node, where);
            }
        };
    }
}
