package io.convoy.core.script;

import java.nio.file.Path;
import java.util.List;

/**
 * The versions directory: loads every revision file (MIG010 naming file and line for malformed
 * ones) and writes new revision files. SKELETON: written by the script work.
 */
public final class ScriptDirectory {
    private final Path directory;
    private final FileNameTemplate template;

    public ScriptDirectory(Path directory, FileNameTemplate template) {
        this.directory = directory;
        this.template = template;
    }

    public Path directory() { return directory; }

    /** Every {@code *.sql} file in the directory, parsed, in file-name order. */
    public List<Revision> load() { throw new UnsupportedOperationException("skeleton"); }

    /** Writes a new revision file and returns it parsed. */
    public Revision create(NewRevision spec) { throw new UnsupportedOperationException("skeleton"); }
}
