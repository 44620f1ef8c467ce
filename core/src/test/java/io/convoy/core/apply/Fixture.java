package io.convoy.core.apply;

import io.convoy.core.graph.Direction;
import io.convoy.core.graph.MigrationStep;
import io.convoy.core.graph.Plan;
import io.convoy.core.script.Revision;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** Hand-built revisions and plans (the parser and the graph are not used by these tests). */
final class Fixture {
    private Fixture() {}

    static Revision rev(String id, String parent, List<String> upgrade, List<String> downgrade) {
        return new Revision(id, parent == null ? List.of() : List.of(parent), Set.of(), List.of(), "revision " + id, true,
                Optional.empty(), Optional.empty(), upgrade, downgrade, true, checksum(id, upgrade, downgrade),
                Path.of("versions", id + ".sql"), Map.of("revision", 1));
    }

    static Revision nonTransactional(Revision r) {
        return new Revision(r.id(), r.downRevisions(), r.branchLabels(), r.dependsOn(), r.message(), false, r.lockTimeout(),
                r.statementTimeout(), r.upgrade(), r.downgrade(), r.hasDowngrade(), r.checksum(), r.source(), r.headerLines());
    }

    static Revision withoutDowngrade(Revision r) {
        return new Revision(r.id(), r.downRevisions(), r.branchLabels(), r.dependsOn(), r.message(), r.transactional(),
                r.lockTimeout(), r.statementTimeout(), r.upgrade(), List.of(), false, r.checksum(), r.source(), r.headerLines());
    }

    static Revision withChecksum(Revision r, String checksum) {
        return new Revision(r.id(), r.downRevisions(), r.branchLabels(), r.dependsOn(), r.message(), r.transactional(),
                r.lockTimeout(), r.statementTimeout(), r.upgrade(), r.downgrade(), r.hasDowngrade(), checksum, r.source(),
                r.headerLines());
    }

    static Revision withTimeouts(Revision r, Duration lock, Duration statement) {
        return new Revision(r.id(), r.downRevisions(), r.branchLabels(), r.dependsOn(), r.message(), r.transactional(),
                Optional.ofNullable(lock), Optional.ofNullable(statement), r.upgrade(), r.downgrade(), r.hasDowngrade(),
                r.checksum(), r.source(), r.headerLines());
    }

    static Revision merge(String id, List<String> parents, List<String> upgrade) {
        return new Revision(id, parents, Set.of(), List.of(), "merge " + id, true, Optional.empty(), Optional.empty(), upgrade,
                List.of(), true, checksum(id, upgrade, List.of()), Path.of("versions", id + ".sql"), Map.of());
    }

    static String checksum(String id, List<String> upgrade, List<String> downgrade) {
        try {
            byte[] d = MessageDigest.getInstance("SHA-256")
                    .digest((id + "\n" + String.join(";\n", upgrade) + "\n--\n" + String.join(";\n", downgrade))
                            .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(d);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Upgrade of a linear chain (each revision's parent is the previous one), from {@code from} (null = base). */
    static Plan upgrade(String from, List<Revision> chain) {
        List<MigrationStep> steps = new ArrayList<>();
        Set<String> heads = from == null ? Set.of() : Set.of(from);
        Set<String> start = heads;
        for (Revision r : chain) {
            Set<String> after = Set.of(r.id());
            steps.add(new MigrationStep(r, Direction.UPGRADE, heads, after));
            heads = after;
        }
        return new Plan(Direction.UPGRADE, start, heads, steps);
    }

    /** Downgrade of a linear chain, newest first, down to the parent of {@code chain.get(0)} (base when it has none). */
    static Plan downgrade(List<Revision> chain) {
        List<MigrationStep> steps = new ArrayList<>();
        Set<String> heads = Set.of(chain.get(chain.size() - 1).id());
        Set<String> start = heads;
        for (int i = chain.size() - 1; i >= 0; i--) {
            Revision r = chain.get(i);
            Set<String> after = r.downRevisions().isEmpty() ? Set.of() : Set.copyOf(r.downRevisions());
            steps.add(new MigrationStep(r, Direction.DOWNGRADE, heads, after));
            heads = after;
        }
        return new Plan(Direction.DOWNGRADE, start, heads, steps);
    }
}
