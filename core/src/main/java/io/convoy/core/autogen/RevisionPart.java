package io.convoy.core.autogen;

import java.util.List;

/**
 * The statements of one revision to write: upgrade in order, downgrade in order (already reversed).
 * Statements have no trailing semicolon; a {@code -- REVIEW:} comment may precede a statement's SQL.
 */
public record RevisionPart(Part part, List<String> upgrade, List<String> downgrade) {
    public RevisionPart {
        upgrade = List.copyOf(upgrade);
        downgrade = List.copyOf(downgrade);
    }

    public boolean transactional() {
        return part.transactional();
    }

    /** The upgrade section of a revision file: statements separated by {@code ;} and a blank line. */
    public String upgradeScript() {
        return script(upgrade);
    }

    public String downgradeScript() {
        return script(downgrade);
    }

    private static String script(List<String> statements) {
        StringBuilder sb = new StringBuilder();
        for (String s : statements) {
            if (sb.length() > 0) {
                sb.append("\n\n");
            }
            sb.append(s.strip()).append(';');
        }
        return sb.toString();
    }
}
