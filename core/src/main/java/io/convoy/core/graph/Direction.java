package io.convoy.core.graph;

public enum Direction {
    UPGRADE, DOWNGRADE;

    public String verb() { return this == UPGRADE ? "upgrade" : "downgrade"; }
}
