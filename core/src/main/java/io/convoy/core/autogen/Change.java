package io.convoy.core.autogen;

import java.util.List;
import java.util.Optional;

/**
 * One schema change: its upgrade statements and the downgrade statements that exactly undo them.
 *
 * @param summary a line for people: {@code + table pages}, {@code ~ column users.email: type text → varchar(320)}
 * @param review  why a person should look at this change before applying it (data loss, a possible
 *                rename, an unsupported corner), written as a {@code -- REVIEW:} comment above its SQL
 */
public record Change(Part part, Phase phase, String summary, List<String> upgrade, List<String> downgrade,
        Optional<String> review) {

    public Change {
        upgrade = List.copyOf(upgrade);
        downgrade = List.copyOf(downgrade);
    }

    Change withReview(String why) {
        return new Change(part, phase, summary, upgrade, downgrade,
                Optional.of(review.map(r -> r + "; " + why).orElse(why)));
    }
}
