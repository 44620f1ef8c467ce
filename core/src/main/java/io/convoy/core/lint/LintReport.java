package io.convoy.core.lint;

import java.util.Comparator;
import java.util.List;
import java.util.Optional;

/**
 * What a lint run found, in revision and statement order.
 *
 * @param linted     the revisions linted, in apply order
 * @param findings   the findings
 */
public record LintReport(List<String> linted, List<Finding> findings) {
    public LintReport {
        linted = List.copyOf(linted);
        findings = List.copyOf(findings);
    }

    /** The worst severity found; empty when there is no finding. */
    public Optional<Severity> worst() {
        return findings.stream().map(Finding::severity).max(Comparator.naturalOrder());
    }

    public List<Finding> of(String revision) {
        return findings.stream().filter(f -> f.revision().equals(revision)).toList();
    }
}
