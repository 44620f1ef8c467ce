package io.convoy.cli.command;

import io.convoy.cli.pipeline.PipelineClient;
import io.convoy.cli.pipeline.PipelineOptions;
import io.convoy.cli.pipeline.RequestFollower;
import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import io.convoy.core.lint.Rule;
import io.convoy.core.util.Secrets;
import io.convoy.planner.lint.ShadowPlanLinter;
import io.convoy.schemas.avro.Direction;
import io.convoy.schemas.avro.MigrationRequest;
import io.convoy.schemas.avro.TargetSelection;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(name = "submit", description = {"Publish a migration request on convoy.requests and print its id.",
        "With --wait, follow it to the end (per-target progress from plan and step events); exit non-zero",
        "if it was rejected or a target failed (the error code's exit code)."})
public final class SubmitCommand extends AbstractCommand {
    @Mixin
    PipelineOptions pipeline;

    @Option(names = "--target", paramLabel = "<id>", description = "target id (repeatable)")
    List<String> targets = new ArrayList<>();

    @Option(names = "--selector", paramLabel = "<label=value,...>", description = "targets carrying every label, e.g. env=dev,tenant=a")
    String selector;

    @Option(names = "--to", paramLabel = "<revision>", defaultValue = "head",
            description = "revision spec to reach: head, heads, an id, label@head, -1 ... (default: ${DEFAULT-VALUE})")
    String to;

    @Option(names = "--downgrade", description = "move down to --to instead of up")
    boolean downgrade;

    @Option(names = "--dry-run", description = "plan and report, emit no commands")
    boolean dryRun;

    @Option(names = "--ticket", paramLabel = "<key>", description = "change ticket, e.g. OPS-42")
    String ticket;

    @Option(names = "--reason", paramLabel = "<text>", description = "why")
    String reason;

    @Option(names = "--approve", paramLabel = "<rule>", split = ",",
            description = "lint rule id whose error-level findings this request approves, e.g. CV002 (CV001..CV013, VR001;"
                    + " repeatable or comma-separated; recorded with the commands and audited)")
    List<String> approvals = new ArrayList<>();

    @Option(names = "--as", paramLabel = "<who>", description = "requested_by (default: the OS user)")
    String as;

    @Option(names = "--request-id", paramLabel = "<id>", description = "request id (default: a random UUID)")
    String requestId;

    @Option(names = "--wait", description = "follow the request until it completes, fails or is rejected")
    boolean await;

    @Option(names = "--timeout", paramLabel = "<duration>", defaultValue = "PT30M",
            description = "how long --wait waits (ISO-8601, default: ${DEFAULT-VALUE})")
    Duration timeout;

    @Override
    int execute() {
        PrintWriter out = out();
        Map<String, String> labels = parseSelector(selector);
        if (targets.isEmpty() && labels.isEmpty()) {
            throw new ConvoyException(ErrorCode.MIG020, "name the targets: --target <id> (repeatable) and/or --selector label=value,...");
        }
        List<String> approved = approvals(approvals);
        String id = requestId != null ? requestId : UUID.randomUUID().toString();
        String who = as != null ? as : Optional.ofNullable(root.context().env().get("USER")).orElse(System.getProperty("user.name"));
        MigrationRequest request = MigrationRequest.newBuilder()
                .setRequestId(id)
                .setRequestedBy(who)
                .setTargets(TargetSelection.newBuilder().setTargetIds(List.copyOf(targets)).setSelector(labels).build())
                .setTargetRevision(to)
                .setDirection(downgrade ? Direction.DOWNGRADE : Direction.UPGRADE)
                .setDryRun(dryRun)
                .setTicket(ticket)
                .setReason(reason == null ? null : Secrets.mask(reason))
                .setCreatedAt(root.context().clock().instant())
                .setApprovals(approved)
                .build();
        PipelineClient client = new PipelineClient(pipeline.resolve(root.context().workingDirectory()));
        if (!await) {
            client.submit(request);
            out.println(id);
            return 0;
        }
        try (PipelineClient.Follow follow = client.follow(false)) {
            client.submit(request);
            out.println(id);
            out.flush();
            RequestFollower follower = new RequestFollower(id, dryRun);
            Optional<RequestFollower.Outcome> outcome = follow.until(follower, line -> {
                out.println("  " + line);
                out.flush();
            }, timeout);
            if (outcome.isEmpty()) {
                err().println("request " + id + " did not finish within " + timeout + " (it goes on; follow it with convoy watch --request " + id + ")");
                return 1;
            }
            RequestFollower.Outcome o = outcome.get();
            String verdict = "request " + id + " " + o.status() + o.errorCode().map(c -> " " + c).orElse("")
                    + (o.reason().isEmpty() ? "" : ": " + o.reason());
            if (o.exitCode() == 0) {
                out.println(verdict);
            } else {
                err().println(verdict);
            }
            return o.exitCode();
        }
    }

    /** The rule ids a request may approve: the lint rules and the rollback verification. */
    public static final Set<String> KNOWN_RULES = knownRules();

    private static Set<String> knownRules() {
        Set<String> rules = new LinkedHashSet<>();
        for (Rule r : Rule.values()) {
            rules.add(r.name());
        }
        rules.add(ShadowPlanLinter.ROLLBACK_RULE);
        return Collections.unmodifiableSet(rules);
    }

    /**
     * The {@code --approve} values as the request carries them: stripped, upper-cased ({@code cv002} is CV002), blanks
     * dropped, each once in first-given order. An id that names no rule is a MIG020 error (an approval nobody checks
     * would let a typo pass silently while the request is still rejected).
     */
    static List<String> approvals(List<String> given) {
        Set<String> out = new LinkedHashSet<>();
        List<String> unknown = new ArrayList<>();
        for (String raw : given) {
            String id = raw == null ? "" : raw.strip().toUpperCase(Locale.ROOT);
            if (id.isEmpty()) {
                continue;
            }
            if (KNOWN_RULES.contains(id)) {
                out.add(id);
            } else {
                unknown.add("'" + raw.strip() + "'");
            }
        }
        if (!unknown.isEmpty()) {
            throw new ConvoyException(ErrorCode.MIG020, "--approve " + String.join(", ", unknown)
                    + (unknown.size() == 1 ? " is not a rule id" : " are not rule ids") + "; the rules are "
                    + String.join(", ", KNOWN_RULES) + " (convoy lint names the rule of each finding)");
        }
        return List.copyOf(out);
    }

    static Map<String, String> parseSelector(String selector) {
        Map<String, String> labels = new LinkedHashMap<>();
        if (selector == null || selector.isBlank()) {
            return labels;
        }
        for (String pair : selector.split(",")) {
            int eq = pair.indexOf('=');
            if (eq <= 0 || eq == pair.length() - 1) {
                throw new ConvoyException(ErrorCode.MIG020, "--selector '" + selector + "': '" + pair.strip() + "' is not label=value");
            }
            labels.put(pair.substring(0, eq).strip(), pair.substring(eq + 1).strip());
        }
        return labels;
    }
}
