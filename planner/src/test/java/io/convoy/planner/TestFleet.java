package io.convoy.planner;

import io.convoy.planner.fleet.Cluster;
import io.convoy.planner.fleet.Fleet;
import io.convoy.planner.fleet.Target;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A fleet for tests: targets t01..tNN on cluster pg-1, t01..t05 labelled env=staging, the rest env=prod. */
public final class TestFleet {
    private TestFleet() {}

    public static Fleet of(int targets) {
        List<Target> ts = new ArrayList<>();
        for (int i = 1; i <= targets; i++) {
            String id = String.format("t%02d", i);
            ts.add(new Target(id, "pg-1", Map.of("env", i <= 5 ? "staging" : "prod", "tenant", "acme")));
        }
        return Fleet.of(Path.of("fleet.yaml"), List.of(new Cluster("pg-1", List.of("pg-1-b"))), ts);
    }

    /** The same fleet as YAML, for a fleet file. */
    public static String yaml(int targets) {
        StringBuilder b = new StringBuilder("clusters:\n  - id: pg-1\n    standbys: [pg-1-b]\ntargets:\n");
        for (int i = 1; i <= targets; i++) {
            b.append(String.format("  - id: t%02d%n    cluster: pg-1%n    labels: {env: %s, tenant: acme}%n",
                    i, i <= 5 ? "staging" : "prod"));
        }
        return b.toString();
    }
}
