package io.convoy.cli.command;

import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import io.convoy.core.util.Secrets;
import io.convoy.schemas.TopicAdmin;
import io.convoy.schemas.Topics;
import io.convoy.schemas.avro.ControlAction;
import io.convoy.schemas.avro.ControlRecord;
import io.convoy.schemas.control.ControlOrders;
import io.convoy.schemas.control.ControlScope;
import io.convoy.schemas.registry.SchemaRegistryClient;
import io.convoy.schemas.serde.SerdeConfig;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code convoy halt | resume | panic}: an operator's order on the compacted topic convoy.control, keyed by its
 * scope ({@code all}, {@code cluster:<id>}, {@code target:<id>}), with who gave it ({@code --as}, default the OS
 * user) and why. Executors read the topic from its beginning when they start and follow it: a HALT stops every
 * covered target from starting a new statement (within a second), a PANIC also cancels the running ones, a RESUME
 * lifts the halt of exactly that scope.
 */
public final class HaltCommands {
    private HaltCommands() {}

    /** Exactly one of --target, --cluster, --all. */
    static final class Scope {
        @Option(names = "--target", paramLabel = "<id>", required = true, description = "one target (database) of the fleet")
        String target;

        @Option(names = "--cluster", paramLabel = "<id>", required = true,
                description = "every target of a cluster (the 'cluster' of the executors' targets.yaml)")
        String cluster;

        @Option(names = "--all", required = true, description = "the whole fleet")
        boolean all;

        ControlScope scope() {
            try {
                return all ? ControlScope.ALL : target != null ? ControlScope.target(target) : ControlScope.cluster(cluster);
            } catch (IllegalArgumentException e) {
                throw new ConvoyException(ErrorCode.MIG020, e.getMessage());
            }
        }
    }

    /** What the three verbs share: the scope, the actor, where the pipeline is, sending the order. */
    abstract static class Order extends AbstractCommand {
        @ArgGroup(exclusive = true, multiplicity = "1", heading = "Scope (exactly one):%n")
        Scope scope;

        @Option(names = "--as", paramLabel = "<actor>", description = "who gives the order, for the audit trail (default: the OS user)")
        String actor;

        @Option(names = "--bootstrap-servers", paramLabel = "<host:port>", description = "Kafka bootstrap servers of the pipeline")
        String bootstrapServers;

        @Option(names = "--schema-registry-url", paramLabel = "<url>", description = "Confluent-API schema registry URL of the pipeline")
        String schemaRegistryUrl;

        abstract ControlAction action();

        abstract String reason();

        abstract String effect();

        @Override
        int execute() throws Exception {
            ControlScope s = scope.scope();
            String who = actor();
            ControlRecord record;
            try {
                record = ControlOrders.operator(s, action(), who, reason() == null ? null : Secrets.mask(reason()),
                        root.context().clock().instant());
            } catch (IllegalArgumentException e) {
                throw new ConvoyException(ErrorCode.MIG020, e.getMessage() + " (give --reason)");
            }
            RecordMetadata sent = send(record);
            out().println(action() + " of " + s.key() + " by " + who + (record.getReason().isEmpty() ? "" : " (reason: "
                    + record.getReason() + ")") + " recorded on " + Topics.CONTROL.name() + " (partition " + sent.partition()
                    + ", offset " + sent.offset() + ")");
            out().println(effect());
            return 0;
        }

        private String actor() {
            String who = actor;
            if (who == null || who.isBlank()) {
                Map<String, String> env = root.context().env();
                who = env.getOrDefault("USER", env.getOrDefault("LOGNAME", System.getProperty("user.name", "")));
            }
            if (who == null || who.isBlank()) {
                throw new ConvoyException(ErrorCode.MIG020, "who gives the order? the OS user is unknown: give --as <actor>");
            }
            return who.strip();
        }

        private RecordMetadata send(ControlRecord record) {
            if (bootstrapServers == null || bootstrapServers.isBlank() || schemaRegistryUrl == null || schemaRegistryUrl.isBlank()) {
                throw new ConvoyException(ErrorCode.MIG020, "where is the pipeline? give --bootstrap-servers and"
                        + " --schema-registry-url");
            }
            if (!schemaRegistryUrl.startsWith("http://") && !schemaRegistryUrl.startsWith("https://")) {
                throw new ConvoyException(ErrorCode.MIG020, "--schema-registry-url '" + Secrets.mask(schemaRegistryUrl)
                        + "' is not an http(s) URL");
            }
            SchemaRegistryClient registry = new SchemaRegistryClient(schemaRegistryUrl);
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 15_000, AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000))) {
                // The compacted, single-partition topic and its schema, as the services create them.
                TopicAdmin.ensureTopics(admin, registry, List.of(Topics.CONTROL));
            } catch (ConvoyException e) {
                throw e;
            } catch (RuntimeException e) {
                throw new ConvoyException(ErrorCode.MIG021, "cannot reach the pipeline at " + bootstrapServers + " / "
                        + Secrets.mask(schemaRegistryUrl) + ": " + e.getMessage(), e);
            }
            byte[] value = Topics.CONTROL.valueSerde(SerdeConfig.of(registry)).serializer().serialize(Topics.CONTROL.name(), record);
            Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
                    ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true,
                    ProducerConfig.MAX_BLOCK_MS_CONFIG, 15_000, ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 30_000,
                    ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 10_000, ProducerConfig.CLIENT_ID_CONFIG, "convoy-cli-" + action().name().toLowerCase(java.util.Locale.ROOT));
            try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
                return producer.send(new ProducerRecord<>(Topics.CONTROL.name(), record.getScope(), value)).get(40, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConvoyException(ErrorCode.MIG021, "interrupted while sending the order", e);
            } catch (ExecutionException | TimeoutException | RuntimeException e) {
                Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
                throw new ConvoyException(ErrorCode.MIG021, "could not record the " + action() + " on " + Topics.CONTROL.name()
                        + " at " + bootstrapServers + ": " + cause, cause);
            }
        }
    }

    @Command(name = "halt", sortOptions = false, description = {
            "Halt migrations in a scope: executors start no new statement there (within a second) until 'convoy resume'.",
            "The statement running now finishes; a transactional revision stopped mid-way is rolled back and runs again"
                    + " after the resume. Queued commands wait; nothing is failed."})
    public static final class Halt extends Order {
        @Option(names = "--reason", paramLabel = "<text>", required = true, description = "why (recorded, shown in HALTED events)")
        String reason;

        @Override
        ControlAction action() {
            return ControlAction.HALT;
        }

        @Override
        String reason() {
            return reason;
        }

        @Override
        String effect() {
            return "executors covering it start no new statement until: convoy resume " + flag();
        }

        String flag() {
            return scope.all ? "--all" : scope.target != null ? "--target " + scope.target : "--cluster " + scope.cluster;
        }
    }

    @Command(name = "panic", sortOptions = false, description = {
            "Halt a scope AND cancel the migration statements running there (pg_cancel_backend): a transactional"
                    + " revision is rolled back, and runs again after 'convoy resume'."})
    public static final class Panic extends Order {
        @Option(names = "--reason", paramLabel = "<text>", required = true, description = "why (recorded, shown in HALTED events)")
        String reason;

        @Override
        ControlAction action() {
            return ControlAction.PANIC;
        }

        @Override
        String reason() {
            return reason;
        }

        @Override
        String effect() {
            return "running statements there are cancelled; executors start nothing new until: convoy resume "
                    + (scope.all ? "--all" : scope.target != null ? "--target " + scope.target : "--cluster " + scope.cluster);
        }
    }

    @Command(name = "resume", sortOptions = false, description = {
            "Lift the halt (or panic) of exactly this scope: executors go on where they stopped. Halts of other scopes"
                    + " covering a target (all, its cluster, the target itself) stay in force."})
    public static final class Resume extends Order {
        @Option(names = "--reason", paramLabel = "<text>", description = "why (optional, recorded)")
        String reason;

        @Override
        ControlAction action() {
            return ControlAction.RESUME;
        }

        @Override
        String reason() {
            return reason;
        }

        @Override
        String effect() {
            return "the halt of this scope is lifted; halts of other scopes stay in force";
        }
    }
}
