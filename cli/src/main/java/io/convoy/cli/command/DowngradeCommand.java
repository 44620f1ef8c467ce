package io.convoy.cli.command;

import io.convoy.core.graph.Direction;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

@Command(name = "downgrade", description = {"Downgrade the database to an earlier revision.",
        "Targets: base, <rev>, -N, <rev>-N. With --sql: a range <from>:<to> such as head:base."})
public final class DowngradeCommand extends ApplyCommand {
    @Parameters(index = "0", paramLabel = "<target>", description = "revision to downgrade to")
    String target;

    @Override
    Direction direction() { return Direction.DOWNGRADE; }

    @Override
    String target() { return target; }
}
