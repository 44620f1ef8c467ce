package io.convoy.core.script;

import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Parses one revision file into a {@link Revision}.
 *
 * <pre>
 * -- convoy:revision: 3f2a9c1b7d4e
 * -- convoy:down_revision: 1a2b3c4d5e6f
 * -- convoy:message: add user table
 *
 * -- convoy:upgrade
 * CREATE TABLE users (id bigint PRIMARY KEY);
 *
 * -- convoy:downgrade
 * DROP TABLE users;
 * </pre>
 *
 * <ul>
 *   <li>Headers ({@link HeaderKey#ALL}) come first; blank lines and ordinary {@code --} comments
 *       may stand among them, nothing else. Each key at most once, each with a value.</li>
 *   <li>{@code -- convoy:upgrade} (required) starts the upgrade SQL, {@code -- convoy:downgrade}
 *       (optional, after it) the downgrade SQL. The SQL is split by {@link SqlSplitter}; the
 *       upgrade section must hold at least one statement (except in a merge revision, one with
 *       several down_revisions, which often has nothing to do), the downgrade section may be
 *       empty.</li>
 *   <li>Markers are recognised line by line, wherever they stand: a line that starts with
 *       {@code -- convoy:} (blanks allowed around the {@code --}, {@code convoy} in any case) is
 *       always a header or section marker, even inside a dollar-quoted body, and an unknown one
 *       is an error. Write {@code --convoy} differently if you need it inside SQL text.</li>
 *   <li>A leading UTF-8 BOM is ignored; CRLF, CR and LF line ends are all accepted.</li>
 * </ul>
 * Every error is a {@link ConvoyException} with {@link ErrorCode#MIG010} and a message
 * {@code <file>:<line>: <what is wrong>} (line 1 for something missing).
 */
public final class RevisionParser {
    /** What starts every header and section marker line. */
    public static final String MARKER = "-- convoy:";
    public static final String UPGRADE = "upgrade";
    public static final String DOWNGRADE = "downgrade";

    private static final Pattern MARKER_LINE = Pattern.compile("\\s*--\\s*(?i:convoy):(.*)");
    private static final Pattern KEY_AND_REST = Pattern.compile("([^:\\s]*)(.*)", Pattern.DOTALL);

    private RevisionParser() {}

    /** Reads {@code file} as UTF-8 and parses it. */
    public static Revision parse(Path file) {
        String text;
        try {
            text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(Files.readAllBytes(file))).toString();
        } catch (CharacterCodingException e) {
            throw new ConvoyException(ErrorCode.MIG010, file + ": not valid UTF-8 text", e);
        } catch (IOException e) {
            throw new ConvoyException(ErrorCode.MIG010, file + ": cannot read the revision file: " + e, e);
        }
        return parse(text, file);
    }

    /** Parses the text of a revision file; {@code source} names it in errors and in {@link Revision#source()}. */
    public static Revision parse(String text, Path source) {
        return new Parse(text, source).run();
    }

    private static final class Parse {
        private final String text;
        private final Path source;
        private final Map<HeaderKey<?>, Object> values = new HashMap<>();
        private final Map<String, Integer> lines = new LinkedHashMap<>();
        private final Map<String, List<String>> sections = new HashMap<>();
        /** {@code -- convoy:batch:} directives per section: line number and directive. */
        private final Map<String, Map<Integer, BatchDirective>> batches = new HashMap<>();
        private String currentSection;

        Parse(String text, Path source) {
            this.text = text == null ? "" : text;
            this.source = source;
        }

        Revision run() {
            String t = text.startsWith("\uFEFF") ? text.substring(1) : text;
            String[] fileLines = t.split("\r\n|\r|\n", -1);
            for (int i = 0; i < fileLines.length; i++) {
                line(fileLines[i], i + 1);
            }
            for (HeaderKey<?> key : HeaderKey.ALL) {
                if (key.required() && !values.containsKey(key)) {
                    throw error(1, "missing required header " + key.line("<" + key.description() + ">"));
                }
            }
            if (!sections.containsKey(UPGRADE)) {
                throw error(1, "missing " + MARKER + UPGRADE + " section (the line that starts the upgrade SQL)");
            }
            List<String> upgrade = statements(UPGRADE);
            boolean merge = get(HeaderKey.DOWN_REVISION).map(l -> l.size() > 1).orElse(false);
            if (upgrade.isEmpty() && !merge) {
                throw error(lines.get(UPGRADE), "the " + MARKER + UPGRADE + " section holds no SQL statement");
            }
            boolean hasDowngrade = sections.containsKey(DOWNGRADE);
            List<String> downgrade = hasDowngrade ? statements(DOWNGRADE) : List.of();
            return new Revision(
                    get(HeaderKey.REVISION).orElseThrow(),
                    get(HeaderKey.DOWN_REVISION).orElse(List.of()),
                    get(HeaderKey.BRANCH_LABELS).orElse(Set.of()),
                    get(HeaderKey.DEPENDS_ON).orElse(List.of()),
                    get(HeaderKey.MESSAGE).orElse(""),
                    get(HeaderKey.TRANSACTIONAL).orElse(true),
                    get(HeaderKey.LOCK_TIMEOUT),
                    get(HeaderKey.STATEMENT_TIMEOUT),
                    upgrade,
                    downgrade,
                    hasDowngrade,
                    Checksums.ofRevisionText(text),
                    source,
                    lines);
        }

        private void line(String line, int lineNo) {
            Matcher marker = MARKER_LINE.matcher(line);
            if (marker.matches()) {
                markerLine(marker.group(1), lineNo);
            } else if (currentSection != null) {
                sections.get(currentSection).add(line);
            } else if (!line.isBlank() && !line.strip().startsWith("--")) {
                throw error(lineNo, "SQL text before " + MARKER + UPGRADE
                        + ": only headers, -- comments and blank lines may come before it");
            }
        }

        private void markerLine(String afterMarker, int lineNo) {
            Matcher km = KEY_AND_REST.matcher(afterMarker);
            km.matches();
            String key = km.group(1);
            String rest = km.group(2);
            if (key.equals(UPGRADE) || key.equals(DOWNGRADE)) {
                section(key, rest, lineNo);
                return;
            }
            if (key.equals(BatchDirective.NAME)) {
                batch(rest, lineNo);
                return;
            }
            if (key.isEmpty()) {
                throw error(lineNo, "malformed convoy line: expected " + MARKER + "<key>: <value>, "
                        + MARKER + UPGRADE + " or " + MARKER + DOWNGRADE);
            }
            HeaderKey<?> header = HeaderKey.byName(key).orElseThrow(() -> error(lineNo, "unknown header " + MARKER + key
                    + "; known headers: " + HeaderKey.knownNames() + "; sections: " + UPGRADE + ", " + DOWNGRADE));
            if (currentSection != null) {
                throw error(lineNo, "header " + MARKER + key + ": stands inside the " + currentSection
                        + " section; headers must all come before " + MARKER + UPGRADE);
            }
            if (!rest.startsWith(":")) {
                throw error(lineNo, "malformed header line: expected " + header.line("<value>"));
            }
            String value = rest.substring(1).strip();
            if (value.isEmpty()) {
                throw error(lineNo, "header " + MARKER + key + ": has no value (omit the line if there is none)");
            }
            if (lines.containsKey(key)) {
                throw error(lineNo, "duplicate header " + MARKER + key + ": (first at line " + lines.get(key) + ")");
            }
            try {
                values.put(header, header.parse(value));
            } catch (IllegalArgumentException e) {
                throw error(lineNo, "invalid " + MARKER + key + ": " + e.getMessage());
            }
            lines.put(key, lineNo);
        }

        private void section(String name, String rest, int lineNo) {
            if (!rest.isBlank()) {
                throw error(lineNo, "malformed section marker: " + MARKER + name + " takes nothing after it");
            }
            if (sections.containsKey(name)) {
                throw error(lineNo, "duplicate section " + MARKER + name + " (first at line " + lines.get(name) + ")");
            }
            if (name.equals(DOWNGRADE) && !sections.containsKey(UPGRADE)) {
                throw error(lineNo, MARKER + DOWNGRADE + " must come after " + MARKER + UPGRADE);
            }
            sections.put(name, new ArrayList<>());
            lines.put(name, lineNo);
            currentSection = name;
        }

        private List<String> statements(String section) {
            String sql = String.join("\n", sections.get(section));
            List<SqlStatement> split = SqlSplitter.statements(sql, String.valueOf(source), lines.get(section) + 1);
            Map<Integer, BatchDirective> directives = batches.getOrDefault(section, Map.of());
            if (directives.isEmpty()) {
                return split.stream().map(SqlStatement::sql).toList();
            }
            return BatchParsing.attach(split, directives, (line, what) -> error(line, what));
        }

        /** {@code -- convoy:batch: ...} inside a section: the next statement is batched (see {@link BatchDirective}). */
        private void batch(String rest, int lineNo) {
            if (currentSection == null) {
                throw error(lineNo, MARKER + BatchDirective.NAME + ": must stand inside the " + UPGRADE + " or " + DOWNGRADE
                        + " section, right before the statement it batches");
            }
            if (get(HeaderKey.TRANSACTIONAL).orElse(true)) {
                throw error(lineNo, MARKER + BatchDirective.NAME + ": each batch commits on its own, so the revision must be"
                        + " non-transactional: add the header " + HeaderKey.TRANSACTIONAL.line("false"));
            }
            if (!rest.startsWith(":")) {
                throw error(lineNo, "malformed batch directive: expected " + MARKER + BatchDirective.NAME
                        + ": table=<table> key=<column> [target_ms=200] [min_rows=..] [max_rows=..] [start_rows=..] [max_lag=10s]");
            }
            try {
                batches.computeIfAbsent(currentSection, s -> new java.util.TreeMap<>())
                        .put(lineNo, BatchDirective.parse(rest.substring(1)));
            } catch (IllegalArgumentException e) {
                throw error(lineNo, "invalid " + MARKER + BatchDirective.NAME + ": " + e.getMessage());
            }
            sections.get(currentSection).add("");
        }

        @SuppressWarnings("unchecked")
        private <T> Optional<T> get(HeaderKey<T> key) {
            return Optional.ofNullable((T) values.get(key));
        }

        private ConvoyException error(int lineNo, String what) {
            return new ConvoyException(ErrorCode.MIG010, source + ":" + lineNo + ": " + what);
        }
    }
}
