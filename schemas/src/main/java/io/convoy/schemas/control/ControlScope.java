package io.convoy.schemas.control;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The scope of an order on {@code convoy.control}, and the record key: {@code all}, {@code cluster:<cluster id>} or
 * {@code target:<target id>}. A target is covered by {@code all}, by {@code cluster:<its cluster>} and by
 * {@code target:<its id>}.
 *
 * @param kind what the scope names
 * @param id   the cluster or target id; empty for {@link Kind#ALL}
 */
public record ControlScope(Kind kind, String id) {
    /** What a scope names. */
    public enum Kind { ALL, CLUSTER, TARGET }

    public static final String ALL_KEY = "all";
    public static final String CLUSTER_PREFIX = "cluster:";
    public static final String TARGET_PREFIX = "target:";

    /** Every target of the fleet. */
    public static final ControlScope ALL = new ControlScope(Kind.ALL, "");

    public ControlScope {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(id, "id");
        if (kind == Kind.ALL ? !id.isEmpty() : !validId(id)) {
            throw new IllegalArgumentException("invalid " + kind.name().toLowerCase(java.util.Locale.ROOT) + " id '" + id
                    + "' in a control scope: expected a non-empty id without spaces");
        }
    }

    public static ControlScope cluster(String clusterId) {
        return new ControlScope(Kind.CLUSTER, clusterId);
    }

    public static ControlScope target(String targetId) {
        return new ControlScope(Kind.TARGET, targetId);
    }

    /** Parses {@code all}, {@code cluster:<id>} or {@code target:<id>}; IllegalArgumentException naming the text. */
    public static ControlScope parse(String text) {
        if (text == null) {
            throw new IllegalArgumentException("no control scope given: expected all, cluster:<id> or target:<id>");
        }
        if (text.equals(ALL_KEY)) {
            return ALL;
        }
        try {
            if (text.startsWith(CLUSTER_PREFIX)) {
                return cluster(text.substring(CLUSTER_PREFIX.length()));
            }
            if (text.startsWith(TARGET_PREFIX)) {
                return target(text.substring(TARGET_PREFIX.length()));
            }
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid control scope '" + text + "': " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("invalid control scope '" + text + "': expected all, cluster:<id> or target:<id>");
    }

    /** The record key: {@code all}, {@code cluster:<id>} or {@code target:<id>}. */
    public String key() {
        return switch (kind) {
            case ALL -> ALL_KEY;
            case CLUSTER -> CLUSTER_PREFIX + id;
            case TARGET -> TARGET_PREFIX + id;
        };
    }

    /** The keys of every scope covering a target: {@code all}, {@code cluster:<clusterId>} (when known), {@code target:<targetId>}. */
    public static List<String> covering(String targetId, String clusterId) {
        List<String> keys = new ArrayList<>(3);
        keys.add(ALL_KEY);
        if (clusterId != null) {
            keys.add(cluster(clusterId).key());
        }
        keys.add(target(targetId).key());
        return keys;
    }

    private static boolean validId(String id) {
        return !id.isEmpty() && id.chars().noneMatch(Character::isWhitespace);
    }

    @Override
    public String toString() {
        return key();
    }
}
