package io.convoy.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class BrokerRequestsTest {
    @Test
    void perUnitCountsEachTypeOnceAndConsumerFetchesInsideFetch() {
        Map<String, Long> before = Map.of("Produce", 10L, "Fetch", 5L, "FetchConsumer", 4L, "Heartbeat", 1L);
        Map<String, Long> after = Map.of("Produce", 30L, "Fetch", 25L, "FetchConsumer", 20L, "Heartbeat", 3L,
                "OffsetCommit", 10L);

        Map<String, Object> perStep = BrokerRequests.perUnit(before, after, 10);

        assertThat(perStep).containsExactly(
                Map.entry("produce", 2.0),
                Map.entry("fetch_consumer", 1.6),
                Map.entry("offset_commit", 1.0),
                // Produce 20 + Fetch 20 + Heartbeat 2 + OffsetCommit 10; FetchConsumer is part of Fetch
                Map.entry("all", 5.2));
    }

    @Test
    void snapshotOfThisJvmWithoutABrokerIsEmpty() {
        assertThat(BrokerRequests.snapshot()).isEmpty();
    }
}
