package io.convoy.schemas;

import io.convoy.schemas.registry.SchemaRegistryClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.stream.Collectors;
import org.apache.avro.Schema;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.CreateTopicsResult;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the pipeline's topics at start-up (and registers their value schemas), so that every service can
 * start in any order against an empty cluster. Safe to run concurrently from several services: a topic that
 * another one created in the meantime counts as existing.
 */
public final class TopicAdmin {
    private static final Logger LOG = LoggerFactory.getLogger(TopicAdmin.class);
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final long POLL_INTERVAL_MS = 50;

    /**
     * What {@link #ensureTopics} did.
     *
     * @param created   topics created now
     * @param existing  topics that were already there
     * @param schemaIds registry id of each value subject registered (empty when no registry was given)
     */
    public record Result(List<String> created, List<String> existing, Map<String, Integer> schemaIds) {
        public Result {
            created = List.copyOf(created);
            existing = List.copyOf(existing);
            schemaIds = Map.copyOf(schemaIds);
        }
    }

    private TopicAdmin() {}

    /** Creates the missing ones of {@code topics}. */
    public static Result ensureTopics(Admin admin, Collection<? extends Topic<?, ?>> topics) {
        return ensureTopics(admin, topics, DEFAULT_TIMEOUT);
    }

    /**
     * Creates the missing ones of {@code topics}, then registers every Avro value schema under its
     * {@code <topic>-value} subject, so an incompatible schema stops the service at start-up rather than at its
     * first send.
     */
    public static Result ensureTopics(Admin admin, SchemaRegistryClient registry, Collection<? extends Topic<?, ?>> topics) {
        Result result = ensureTopics(admin, topics, DEFAULT_TIMEOUT);
        return new Result(result.created(), result.existing(), registerSchemas(registry, topics));
    }

    /** Creates the missing ones of {@code topics}, waiting at most {@code timeout} for each admin call. */
    public static Result ensureTopics(Admin admin, Collection<? extends Topic<?, ?>> topics, Duration timeout) {
        Set<String> present = await(admin.listTopics().names(), timeout, "list the topics");
        List<String> created = new ArrayList<>();
        List<String> existing = new ArrayList<>();
        List<String> listed = new ArrayList<>();
        List<Topic<?, ?>> missing = new ArrayList<>();
        for (Topic<?, ?> topic : topics) {
            if (present.contains(topic.name())) {
                existing.add(topic.name());
                listed.add(topic.name());
            } else {
                missing.add(topic);
            }
        }
        if (!missing.isEmpty()) {
            CreateTopicsResult result = admin.createTopics(missing.stream().map(Topic::newTopic).toList());
            for (Topic<?, ?> topic : missing) {
                try {
                    await(result.values().get(topic.name()), timeout, "create topic " + describe(topic));
                    created.add(topic.name());
                    LOG.info("created topic {}", describe(topic));
                } catch (KafkaException e) {
                    if (e.getCause() instanceof TopicExistsException) {
                        // created by another service meanwhile
                        existing.add(topic.name());
                    } else {
                        throw e;
                    }
                }
            }
        }
        awaitUsable(admin, created, timeout);
        warnAboutPartitionCounts(admin, topics, listed, timeout);
        return new Result(created, existing, Map.of());
    }

    /** Registers the Avro value schema of each topic under its value subject; returns subject → id. */
    public static Map<String, Integer> registerSchemas(SchemaRegistryClient registry, Collection<? extends Topic<?, ?>> topics) {
        Map<String, Integer> ids = new LinkedHashMap<>();
        for (Topic<?, ?> topic : topics) {
            Schema schema = topic.valueSchema().orElse(null);
            if (schema != null) {
                ids.put(topic.valueSubject(), registry.register(topic.valueSubject(), schema));
            }
        }
        return ids;
    }

    /**
     * A created topic reaches the brokers' metadata a moment after the controller accepted it: wait until every
     * partition of each has a leader, so that the caller can use the topics at once.
     */
    private static void awaitUsable(Admin admin, List<String> names, Duration timeout) {
        if (names.isEmpty()) {
            return;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        String last = "not described yet";
        while (System.nanoTime() < deadline) {
            try {
                Map<String, TopicDescription> described = admin.describeTopics(names).allTopicNames()
                        .get(Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())), TimeUnit.MILLISECONDS);
                boolean ready = described.values().stream()
                        .allMatch(d -> d.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
                if (ready) {
                    return;
                }
                last = "some partitions have no leader yet";
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    Throwable cause = e.getCause() == null ? e : e.getCause();
                    throw new KafkaException("could not describe created topics " + names + ": " + cause.getMessage(), cause);
                }
                last = e.getCause().getMessage();
            } catch (TimeoutException e) {
                break;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaException("interrupted while waiting for topics " + names, e);
            }
            try {
                Thread.sleep(POLL_INTERVAL_MS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new KafkaException("interrupted while waiting for topics " + names, e);
            }
        }
        throw new KafkaException("topics " + names + " were created but not usable within " + timeout.toMillis()
                + " ms (" + last + ")");
    }

    /**
     * Advisory only: logs topics that exist with another partition count than declared. Only for topics that were
     * listed (one just created by another service may not be described yet); never fails the start-up.
     */
    private static void warnAboutPartitionCounts(Admin admin, Collection<? extends Topic<?, ?>> topics,
                                                 List<String> existing, Duration timeout) {
        if (existing.isEmpty()) {
            return;
        }
        Map<String, TopicDescription> descriptions;
        try {
            descriptions = await(admin.describeTopics(existing).allTopicNames(), timeout, "describe topics " + existing);
        } catch (KafkaException e) {
            LOG.warn("cannot check the partition counts of existing topics: {}", e.getMessage());
            return;
        }
        Map<String, Topic<?, ?>> byName = topics.stream().collect(Collectors.toMap(Topic::name, t -> t, (a, b) -> a));
        descriptions.forEach((name, description) -> {
            int expected = byName.get(name).partitions();
            int actual = description.partitions().size();
            if (actual != expected) {
                LOG.warn("topic {} exists with {} partitions, Convoy declares {} (topics keyed by target id must stay"
                        + " co-partitioned; change the declaration or the topic, not one of them)", name, actual, expected);
            }
        });
    }

    private static String describe(Topic<?, ?> topic) {
        return topic.name() + " (" + topic.partitions() + " partitions, replication "
                + (topic.replication() == Topic.BROKER_DEFAULT_REPLICATION ? "broker default" : topic.replication())
                + (topic.configs().isEmpty() ? "" : ", " + topic.configs()) + ")";
    }

    private static <T> T await(KafkaFuture<T> future, Duration timeout, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new KafkaException("could not " + what + ": " + cause.getClass().getSimpleName() + ": " + cause.getMessage(), cause);
        } catch (TimeoutException e) {
            throw new KafkaException("could not " + what + " within " + timeout.toMillis() + " ms (is the cluster reachable?)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaException("interrupted while waiting to " + what, e);
        }
    }
}
