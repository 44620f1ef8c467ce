package io.convoy.cli.command;

import com.fasterxml.jackson.databind.JsonNode;
import io.convoy.audit.AuditQuery;
import io.convoy.audit.Canonical;
import io.convoy.audit.ChainVerifier;
import io.convoy.audit.NdjsonLog;
import io.convoy.audit.SearchClient;
import io.convoy.audit.VerifyResult;
import io.convoy.cli.ConvoyCommand;
import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code convoy audit verify|query}: the audit trail written by the audit sink. */
@Command(name = "audit", description = "Verify or query the hash-chained audit trail written by the audit sink.",
        subcommands = {AuditCommand.Verify.class, AuditCommand.Query.class})
public final class AuditCommand implements Runnable {
    /** Exit code of {@code verify} when the chain is broken. */
    public static final int BROKEN = 1;

    @ParentCommand
    ConvoyCommand root;

    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    String env(String name, String fallback) {
        return root.context().env().getOrDefault(name, fallback);
    }

    /** Where the data stream is: flag, else CONVOY_AUDIT_SEARCH_URL / CONVOY_AUDIT_DATA_STREAM. */
    static final class Stream {
        @Option(names = "--search-url", paramLabel = "<url>",
                description = "Elasticsearch/OpenSearch base URL (default: CONVOY_AUDIT_SEARCH_URL)")
        String searchUrl;

        @Option(names = "--data-stream", paramLabel = "<name>",
                description = "audit data stream (default: CONVOY_AUDIT_DATA_STREAM, else convoy-audit)")
        String dataStream;

        SearchClient client(AuditCommand parent) {
            String url = searchUrl != null ? searchUrl : parent.env("CONVOY_AUDIT_SEARCH_URL", "");
            if (url.isBlank()) {
                throw new ConvoyException(ErrorCode.MIG020, "no search cluster given: pass --search-url or set CONVOY_AUDIT_SEARCH_URL");
            }
            String stream = dataStream != null ? dataStream : parent.env("CONVOY_AUDIT_DATA_STREAM", "convoy-audit");
            return new SearchClient(url, stream, Duration.ofSeconds(30));
        }
    }

    @Command(name = "verify", description = {"Recompute the hash chain over the NDJSON files (--dir) or the data stream "
            + "(--search-url) and report the first missing, altered or reordered record by seq.",
            "Exit 0 only when the chain is intact."})
    static final class Verify implements Callable<Integer> {
        @ParentCommand
        AuditCommand parent;

        @Spec
        CommandSpec spec;

        @Option(names = "--dir", paramLabel = "<directory>", description = "directory of the audit NDJSON files")
        Path dir;

        @picocli.CommandLine.Mixin
        Stream stream = new Stream();

        @Override
        public Integer call() {
            PrintWriter out = spec.commandLine().getOut();
            VerifyResult result;
            if (dir != null) {
                Path d = dir.isAbsolute() ? dir : parent.root.context().workingDirectory().resolve(dir);
                if (!Files.isDirectory(d)) {
                    throw new ConvoyException(ErrorCode.MIG020, "audit directory " + d + " does not exist");
                }
                if (NdjsonLog.files(d).isEmpty()) {
                    throw new ConvoyException(ErrorCode.MIG020, "no audit files (audit-*.ndjson) in " + d);
                }
                result = ChainVerifier.verify(NdjsonLog.read(d));
            } else {
                SearchClient client = stream.client(parent);
                client.refresh();
                result = ChainVerifier.verify(client.scanBySeq(1000));
            }
            out.println(result.describe());
            out.flush();
            return result.intact() ? 0 : BROKEN;
        }
    }

    @Command(name = "query", description = "Search the audit data stream; newest first.")
    static final class Query implements Callable<Integer> {
        @ParentCommand
        AuditCommand parent;

        @Spec
        CommandSpec spec;

        @picocli.CommandLine.Mixin
        Stream stream = new Stream();

        @Option(names = "--target", paramLabel = "<id>", description = "target id")
        String target;

        @Option(names = "--actor", paramLabel = "<name>", description = "who asked (user.name)")
        String actor;

        @Option(names = "--revision", paramLabel = "<rev>", description = "revision id")
        String revision;

        @Option(names = "--action", paramLabel = "<action>",
                description = "event.action, e.g. step-events.failed, or a prefix with *: step-events.*")
        String action;

        @Option(names = "--since", paramLabel = "<time>", description = "from this instant (2026-03-01T12:00:00Z) or day (2026-03-01)")
        String since;

        @Option(names = "--until", paramLabel = "<time>", description = "before this instant or day")
        String until;

        @Option(names = "--limit", paramLabel = "<n>", defaultValue = "100", description = "most records shown (default 100)")
        int limit;

        @Option(names = "--format", paramLabel = "table|json", defaultValue = "table", description = "table (default) or json (one record per line)")
        String format;

        @Override
        public Integer call() {
            if (!format.equals("table") && !format.equals("json")) {
                throw new ConvoyException(ErrorCode.MIG020, "--format must be table or json, got '" + format + "'");
            }
            if (limit < 1) {
                throw new ConvoyException(ErrorCode.MIG020, "--limit must be at least 1, got " + limit);
            }
            AuditQuery query = new AuditQuery(Optional.ofNullable(target), Optional.ofNullable(actor), Optional.ofNullable(revision),
                    Optional.ofNullable(action), instant("--since", since), instant("--until", until), limit);
            List<JsonNode> hits = query.run(stream.client(parent));
            PrintWriter out = spec.commandLine().getOut();
            if (format.equals("json")) {
                hits.forEach(h -> out.println(Canonical.json(h)));
            } else {
                out.println(table(hits));
            }
            out.flush();
            return 0;
        }

        static Optional<Instant> instant(String flag, String value) {
            if (value == null) {
                return Optional.empty();
            }
            try {
                return Optional.of(value.length() == 10 ? LocalDate.parse(value).atStartOfDay(ZoneOffset.UTC).toInstant() : Instant.parse(value));
            } catch (DateTimeParseException e) {
                throw new ConvoyException(ErrorCode.MIG020, flag + " must be an instant like 2026-03-01T12:00:00Z or a day like 2026-03-01, got '" + value + "'");
            }
        }
    }

    /** A fixed-width table: seq, time, action, outcome, actor, target, revision, error. */
    static String table(List<JsonNode> hits) {
        String[] head = {"SEQ", "@TIMESTAMP", "ACTION", "OUTCOME", "ACTOR", "TARGET", "REVISION", "ERROR"};
        String[] paths = {"/convoy/audit/seq", "/@timestamp", "/event/action", "/event/outcome", "/user/name", "/convoy/target",
                "/convoy/revision", "/convoy/error_code"};
        int[] width = new int[head.length];
        String[][] rows = new String[hits.size()][head.length];
        for (int c = 0; c < head.length; c++) {
            width[c] = head[c].length();
        }
        for (int r = 0; r < hits.size(); r++) {
            for (int c = 0; c < head.length; c++) {
                JsonNode v = hits.get(r).at(paths[c]);
                rows[r][c] = v.isMissingNode() || v.isNull() ? "-" : v.asText();
                width[c] = Math.max(width[c], rows[r][c].length());
            }
        }
        StringBuilder sb = new StringBuilder();
        appendRow(sb, head, width);
        for (String[] row : rows) {
            sb.append('\n');
            appendRow(sb, row, width);
        }
        sb.append('\n').append(hits.size()).append(hits.size() == 1 ? " record" : " records");
        return sb.toString();
    }

    private static void appendRow(StringBuilder sb, String[] cells, int[] width) {
        for (int c = 0; c < cells.length; c++) {
            if (c > 0) {
                sb.append("  ");
            }
            sb.append(c == cells.length - 1 ? cells[c] : String.format("%-" + width[c] + "s", cells[c]));
        }
    }
}
