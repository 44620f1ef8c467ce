package io.convoy.core.catalog;

/** An identity column's kind and the options of its implicit sequence. */
public record Identity(boolean always, long start, long increment, long min, long max, long cache, boolean cycle) {

    public String kind() {
        return always ? "ALWAYS" : "BY DEFAULT";
    }

    /** The sequence options, in the form both CREATE TABLE and ADD GENERATED accept. */
    public String sequenceOptions() {
        return "START WITH " + start + " INCREMENT BY " + increment + " MINVALUE " + min + " MAXVALUE " + max
                + " CACHE " + cache + (cycle ? " CYCLE" : " NO CYCLE");
    }

    public boolean sameSequence(Identity o) {
        return start == o.start && increment == o.increment && min == o.min && max == o.max && cache == o.cache
                && cycle == o.cycle;
    }

    @Override
    public String toString() {
        return "GENERATED " + kind() + " AS IDENTITY (" + sequenceOptions() + ")";
    }
}
