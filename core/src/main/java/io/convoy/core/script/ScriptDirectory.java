package io.convoy.core.script;

import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The versions directory: loads every revision file (MIG010 naming file and line for malformed
 * ones) and writes new revision files.
 *
 * <p>Revision files are the regular files directly in the directory whose name ends with
 * {@code .sql} (case-sensitive) and does not start with a dot; subdirectories, hidden files and
 * other files are ignored. Dates in new file names are taken from the clock, in the clock's zone
 * (the default clock is UTC, so that names sort the same for every developer).
 */
public final class ScriptDirectory {
    private static final Pattern REVISION_HEADER = Pattern.compile("\\s*--\\s*(?i:convoy):revision:\\s*(\\S+)\\s*");

    private final Path directory;
    private final FileNameTemplate template;
    private final Clock clock;

    public ScriptDirectory(Path directory, FileNameTemplate template) {
        this(directory, template, Clock.systemUTC());
    }

    public ScriptDirectory(Path directory, FileNameTemplate template, Clock clock) {
        this.directory = Objects.requireNonNull(directory, "directory");
        this.template = template == null ? FileNameTemplate.defaults() : template;
        this.clock = Objects.requireNonNull(clock, "clock");
    }

    public Path directory() { return directory; }

    public FileNameTemplate template() { return template; }

    /** The revision files, in file-name order; MIG020 when the directory does not exist. */
    public List<Path> files() {
        if (!Files.isDirectory(directory)) {
            throw new ConvoyException(ErrorCode.MIG020, "versions directory " + directory
                    + (Files.exists(directory) ? " is not a directory" : " does not exist"));
        }
        try (Stream<Path> entries = Files.list(directory)) {
            return entries
                    .filter(p -> {
                        String name = p.getFileName().toString();
                        return name.endsWith(".sql") && !name.startsWith(".") && Files.isRegularFile(p);
                    })
                    .sorted((a, b) -> a.getFileName().toString().compareTo(b.getFileName().toString()))
                    .toList();
        } catch (IOException e) {
            throw new ConvoyException(ErrorCode.MIG020, "cannot list versions directory " + directory + ": " + e, e);
        }
    }

    /**
     * Every {@code *.sql} file in the directory, parsed, in file-name order. Every file is
     * returned, even when two declare the same id (the graph reports that). When files are
     * malformed, one MIG010 names each of them (one per line), not just the first.
     */
    public List<Revision> load() {
        List<Revision> revisions = new ArrayList<>();
        List<ConvoyException> errors = new ArrayList<>();
        for (Path file : files()) {
            try {
                revisions.add(RevisionParser.parse(file));
            } catch (ConvoyException e) {
                errors.add(e);
            }
        }
        if (errors.size() == 1) {
            throw errors.get(0);
        }
        if (!errors.isEmpty()) {
            StringBuilder message = new StringBuilder(errors.size() + " revision files are malformed:");
            errors.forEach(e -> message.append('\n').append(e.getMessage()));
            ConvoyException all = new ConvoyException(ErrorCode.MIG010, message.toString(), errors.get(0));
            errors.stream().skip(1).forEach(all::addSuppressed);
            throw all;
        }
        return List.copyOf(revisions);
    }

    /**
     * Writes a new revision file and returns it parsed (read back from disk).
     * <ul>
     *   <li>id: the given one (MIG020 if invalid) or 12 random hex digits; MIG001 naming the file
     *       when a revision in the directory already has it;</li>
     *   <li>file name from the template (MIG020 when a configured ticket pattern does not match
     *       the message); MIG020 when that file exists already;</li>
     *   <li>headers: revision; down_revision, branch_labels, depends_on, message only when not
     *       empty; {@code transactional: false} only when false;</li>
     *   <li>sections: the given SQL, or, when none is given, a placeholder that makes applying
     *       the unedited revision fail ({@code RAISE EXCEPTION}) with a comment saying what to do;
     *       a merge (several down revisions) gets empty sections instead;</li>
     *   <li>the text is parsed before anything is written (MIG020 for bad arguments, e.g. SQL
     *       with an unterminated quote), then written to a hidden temporary file in the directory
     *       and linked into place atomically, so a crash never leaves half a file and an existing
     *       file is never overwritten.</li>
     * </ul>
     */
    public Revision create(NewRevision spec) {
        Objects.requireNonNull(spec, "spec");
        String message = checkMessage(spec.message());
        template.checkMessage(message);
        checkArguments(spec);
        Map<String, Path> existing = existingIds();
        String id;
        if (spec.id().isPresent()) {
            id = spec.id().get().strip();
            try {
                RevisionIds.checkId(id);
            } catch (IllegalArgumentException e) {
                throw new ConvoyException(ErrorCode.MIG020, e.getMessage(), e);
            }
            if (existing.containsKey(id)) {
                throw new ConvoyException(ErrorCode.MIG001, "revision id " + id + " already exists in " + existing.get(id));
            }
        } else {
            do {
                id = RevisionIds.random();
            } while (existing.containsKey(id));
        }
        String fileName = template.render(id, message, LocalDateTime.now(clock));
        Path target = directory.resolve(fileName);
        if (Files.exists(target)) {
            throw new ConvoyException(ErrorCode.MIG020, "file " + target + " already exists");
        }
        String text = render(id, message, spec, fileName);
        try {
            RevisionParser.parse(text, target);
        } catch (ConvoyException e) {
            throw new ConvoyException(ErrorCode.MIG020, "revision not written: " + e.getMessage(), e);
        }
        writeAtomically(target, text);
        return RevisionParser.parse(target);
    }

    private static String checkMessage(String message) {
        String m = message == null ? "" : message.strip();
        if (m.indexOf('\n') >= 0 || m.indexOf('\r') >= 0) {
            throw new ConvoyException(ErrorCode.MIG020, "message must be a single line: '" + m + "'");
        }
        return m;
    }

    private static void checkArguments(NewRevision spec) {
        try {
            for (String down : spec.downRevisions()) {
                RevisionIds.checkId(down);
            }
            for (String label : spec.branchLabels()) {
                RevisionIds.checkLabel(label);
            }
            for (String dependency : spec.dependsOn()) {
                RevisionIds.checkId(dependency);
            }
        } catch (IllegalArgumentException e) {
            throw new ConvoyException(ErrorCode.MIG020, e.getMessage(), e);
        }
    }

    /** Ids declared by the files in the directory (a light scan, so a malformed file elsewhere does not block creating one). */
    private Map<String, Path> existingIds() {
        Map<String, Path> ids = new LinkedHashMap<>();
        for (Path file : files()) {
            try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
                lines.map(line -> REVISION_HEADER.matcher(line.startsWith("\uFEFF") ? line.substring(1) : line))
                        .filter(Matcher::matches)
                        .findFirst()
                        .ifPresent(m -> ids.putIfAbsent(m.group(1), file));
            } catch (IOException | java.io.UncheckedIOException e) {
                throw new ConvoyException(ErrorCode.MIG010, file + ": cannot read the revision file: " + e, e);
            }
        }
        return ids;
    }

    private static String render(String id, String message, NewRevision spec, String fileName) {
        StringBuilder out = new StringBuilder();
        out.append(HeaderKey.REVISION.line(id)).append('\n');
        if (!spec.downRevisions().isEmpty()) {
            out.append(HeaderKey.DOWN_REVISION.line(String.join(", ", spec.downRevisions()))).append('\n');
        }
        if (!spec.branchLabels().isEmpty()) {
            out.append(HeaderKey.BRANCH_LABELS.line(String.join(", ", spec.branchLabels().stream().sorted().toList()))).append('\n');
        }
        if (!spec.dependsOn().isEmpty()) {
            out.append(HeaderKey.DEPENDS_ON.line(String.join(", ", spec.dependsOn()))).append('\n');
        }
        if (!message.isEmpty()) {
            out.append(HeaderKey.MESSAGE.line(message)).append('\n');
        }
        if (!spec.transactional()) {
            out.append(HeaderKey.TRANSACTIONAL.line("false")).append('\n');
        }
        boolean merge = spec.downRevisions().size() > 1;
        out.append('\n').append(RevisionParser.MARKER).append(RevisionParser.UPGRADE).append('\n');
        out.append(section(spec.upgrade(), merge, placeholder(id, fileName, RevisionParser.UPGRADE, "")));
        out.append('\n').append(RevisionParser.MARKER).append(RevisionParser.DOWNGRADE).append('\n');
        out.append(section(spec.downgrade(), merge, placeholder(id, fileName, RevisionParser.DOWNGRADE,
                "-- Delete this section (marker included) if the revision cannot be undone.\n")));
        return out.toString();
    }

    private static String section(Optional<String> sql, boolean merge, String placeholder) {
        Optional<String> given = sql.map(s -> s.replaceAll("\r\n?", "\n").strip()).filter(s -> !s.isEmpty());
        if (given.isPresent()) {
            return given.get() + "\n";
        }
        return merge ? "-- A merge revision; add SQL here only if joining the branches needs it.\n" : placeholder;
    }

    private static String placeholder(String id, String fileName, String section, String hint) {
        return "-- Write the " + section + " SQL here; end every statement with a semicolon.\n"
                + hint
                + "-- The statement below makes applying this revision fail until you replace it.\n"
                + "DO $convoy$ BEGIN RAISE EXCEPTION 'revision " + id + " has no " + section + " SQL yet: edit "
                + fileName.replace("'", "''").replace("%", "%%") + "'; END $convoy$;\n";
    }

    private void writeAtomically(Path target, String text) {
        // hidden (never loaded as a revision), created with the default permissions (umask), unlike createTempFile's 0600
        Path temp = directory.resolve(".convoy-" + RevisionIds.random() + ".tmp");
        try {
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
                while (bytes.hasRemaining()) {
                    channel.write(bytes);
                }
                channel.force(true);
            }
            linkIntoPlace(temp, target);
            syncDirectory();
        } catch (IOException e) {
            throw new ConvoyException(ErrorCode.MIG020, "cannot write " + target + ": " + e, e);
        } finally {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // a leftover hidden temporary file is never loaded as a revision
            }
        }
    }

    /** Puts the complete file in place atomically, never replacing an existing file. */
    private static void linkIntoPlace(Path temp, Path target) throws IOException {
        try {
            try {
                // a hard link is atomic and, unlike a rename, refuses to replace an existing file
                Files.createLink(target, temp);
            } catch (FileAlreadyExistsException e) {
                throw e;
            } catch (UnsupportedOperationException | IOException e) {
                // no hard links on this file system: a rename that refuses to replace an existing file
                Files.move(temp, target);
            }
        } catch (FileAlreadyExistsException e) {
            throw new ConvoyException(ErrorCode.MIG020, "file " + target + " already exists", e);
        }
    }

    private void syncDirectory() {
        try (FileChannel dir = FileChannel.open(directory, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException | UnsupportedOperationException ignored) {
            // not every platform can sync a directory; the file itself is synced
        }
    }
}
