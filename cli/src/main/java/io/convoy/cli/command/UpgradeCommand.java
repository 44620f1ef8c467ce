package io.convoy.cli.command;

import io.convoy.core.graph.Direction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "upgrade", description = {"Upgrade the database to a later revision (default: head).",
        "Targets: head, heads, <rev>, <label>@head, +N, <rev>+N. With --sql: a range such as base:head or <from>:<to>."})
public final class UpgradeCommand extends ApplyCommand {
    @Parameters(index = "0", arity = "0..1", defaultValue = "head", paramLabel = "<target>", description = "revision to upgrade to (default: ${DEFAULT-VALUE})")
    String target;

    @Override
    Direction direction() { return Direction.UPGRADE; }

    @Override
    String target() { return target; }
}
