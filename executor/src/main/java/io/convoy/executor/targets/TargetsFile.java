package io.convoy.executor.targets;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.convoy.core.error.ConvoyException;
import io.convoy.core.error.ErrorCode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The targets an executor may migrate, read from its own {@code targets.yaml}:
 * <pre>
 * targets:
 *   orders-eu-1:
 *     url: jdbc:postgresql://10.0.0.5:5432/orders
 *     user: convoy
 *     password_env: ORDERS_EU_1_PASSWORD        # name of an environment variable holding the password
 *   orders-us-1:
 *     url: jdbc:postgresql://10.1.0.5:5432/orders?user=convoy
 *     password_file: /run/secrets/orders-us-1   # first line of the file (relative paths: from this file's directory)
 * </pre>
 * Passwords are never written in the file itself (neither a {@code password:} key nor in the URL) and never
 * travel in a message: every executor resolves them locally, at start-up, so a missing variable or file stops
 * the start with MIG020 instead of failing the first command. Every executor of a consumer group must list
 * every target the planner addresses (a command may reach any of them after a rebalance).
 *
 * <p>Errors are MIG020 and name the file, the target entry and the key.
 */
public final class TargetsFile {
    public static final String URL = "url";
    public static final String USER = "user";
    public static final String PASSWORD_ENV = "password_env";
    public static final String PASSWORD_FILE = "password_file";
    private static final Set<String> KEYS = Set.of(URL, USER, PASSWORD_ENV, PASSWORD_FILE);
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:@/-]{0,254}");
    private static final Pattern ENV_NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
    private static final Pattern URL_USERINFO_PASSWORD = Pattern.compile("//[^/@?]*:[^/@?]*@");
    private static final Pattern URL_PASSWORD_PARAM = Pattern.compile("(?i)[?&;](password|sslpassword)=");

    private final Path file;
    private final Map<String, Target> targets;

    private TargetsFile(Path file, Map<String, Target> targets) {
        this.file = file;
        this.targets = targets;
    }

    /** Reads and checks {@code file}, resolving {@code password_env} from {@code env}. */
    public static TargetsFile load(Path file, Map<String, String> env) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw error(file, "does not exist");
        } catch (IOException e) {
            throw error(file, "cannot be read: " + e.getClass().getSimpleName() + " " + e.getMessage());
        }
        return parse(text, file, env);
    }

    /** Parses the text of a targets file; {@code file} names it in errors and anchors relative password files. */
    public static TargetsFile parse(String text, Path file, Map<String, String> env) {
        JsonNode root;
        try {
            ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
            yaml.enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            root = yaml.readTree(text);
        } catch (JsonProcessingException e) {
            throw error(file, "is not valid YAML: " + e.getOriginalMessage().replaceAll("\\s+", " ").strip()
                    + (e.getLocation() == null ? "" : " (line " + e.getLocation().getLineNr() + ")"));
        }
        if (root == null || root.isMissingNode() || root.isNull()) {
            throw error(file, "is empty: expected a 'targets:' mapping of target id to url/user/password_env|password_file");
        }
        if (!root.isObject()) {
            throw error(file, "must be a mapping with a 'targets:' key, not a " + kind(root));
        }
        List<String> unknown = new ArrayList<>();
        root.fieldNames().forEachRemaining(k -> {
            if (!k.equals("targets")) {
                unknown.add(k);
            }
        });
        if (!unknown.isEmpty()) {
            throw error(file, "has unknown top-level key(s) " + unknown + ": only 'targets' is allowed");
        }
        JsonNode list = root.get("targets");
        if (list == null || list.isNull() || (list.isObject() && list.isEmpty())) {
            throw error(file, "lists no targets under 'targets:'");
        }
        if (!list.isObject()) {
            throw error(file, "'targets' must be a mapping of target id to its settings, not a " + kind(list));
        }
        Map<String, Target> out = new LinkedHashMap<>();
        Iterator<Map.Entry<String, JsonNode>> it = list.fields();
        while (it.hasNext()) {
            Map.Entry<String, JsonNode> e = it.next();
            Target t = target(file, e.getKey(), e.getValue(), env);
            out.put(t.id(), t);
        }
        return new TargetsFile(file, Map.copyOf(out));
    }

    private static Target target(Path file, String id, JsonNode node, Map<String, String> env) {
        if (!ID.matcher(id).matches()) {
            throw error(file, "target id '" + id + "' is not valid: letters, digits and . _ : @ / - only, starting with"
                    + " a letter or digit");
        }
        if (node == null || !node.isObject()) {
            throw entryError(file, id, "must be a mapping with url, user and password_env or password_file, not a "
                    + kind(node));
        }
        List<String> unknown = new ArrayList<>();
        node.fieldNames().forEachRemaining(k -> {
            if (!KEYS.contains(k)) {
                unknown.add(k);
            }
        });
        if (unknown.contains("password")) {
            throw entryError(file, id, "has an inline 'password': passwords are not written in the targets file;"
                    + " name an environment variable with password_env or a file with password_file");
        }
        if (!unknown.isEmpty()) {
            throw entryError(file, id, "has unknown key(s) " + unknown + " (allowed: url, user, password_env, password_file)");
        }
        String url = text(file, id, node, URL).orElseThrow(() -> entryError(file, id, "has no 'url'"));
        if (!url.startsWith("jdbc:postgresql:")) {
            throw entryError(file, id, "url must be a PostgreSQL JDBC URL starting with jdbc:postgresql:");
        }
        if (URL_USERINFO_PASSWORD.matcher(url).find() || URL_PASSWORD_PARAM.matcher(url).find()) {
            throw entryError(file, id, "url carries a password: remove it from the URL and use password_env or password_file");
        }
        Optional<String> user = text(file, id, node, USER);
        Optional<String> envName = text(file, id, node, PASSWORD_ENV);
        Optional<String> passwordFile = text(file, id, node, PASSWORD_FILE);
        if (envName.isPresent() && passwordFile.isPresent()) {
            throw entryError(file, id, "has both password_env and password_file: keep one");
        }
        Optional<Password> password = Optional.empty();
        if (envName.isPresent()) {
            String name = envName.get();
            if (!ENV_NAME.matcher(name).matches()) {
                throw entryError(file, id, "password_env '" + name + "' is not an environment variable name");
            }
            String value = env.get(name);
            if (value == null || value.isEmpty()) {
                throw entryError(file, id, "password_env names the environment variable " + name + ", which is "
                        + (value == null ? "not set" : "empty"));
            }
            password = Optional.of(new Password(value, "env " + name));
        } else if (passwordFile.isPresent()) {
            password = Optional.of(readPasswordFile(file, id, passwordFile.get()));
        }
        return new Target(id, url, user, password);
    }

    private static Password readPasswordFile(Path file, String id, String name) {
        Path base = file.toAbsolutePath().getParent();
        Path p = base == null ? Path.of(name) : base.resolve(name);
        List<String> lines;
        try {
            lines = Files.readAllLines(p, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw entryError(file, id, "password_file " + p + " does not exist");
        } catch (IOException e) {
            throw entryError(file, id, "password_file " + p + " cannot be read: " + e.getClass().getSimpleName());
        }
        String first = lines.isEmpty() ? "" : lines.get(0).strip();
        if (first.isEmpty()) {
            throw entryError(file, id, "password_file " + p + " is empty (the password is its first line)");
        }
        return new Password(first, "file " + p);
    }

    private static Optional<String> text(Path file, String id, JsonNode node, String key) {
        JsonNode v = node.get(key);
        if (v == null || v.isNull()) {
            return Optional.empty();
        }
        if (!v.isValueNode() || v.isBinary()) {
            throw entryError(file, id, "'" + key + "' must be a single value, not a " + kind(v));
        }
        String s = v.asText().strip();
        if (s.isEmpty()) {
            throw entryError(file, id, "'" + key + "' is empty");
        }
        return Optional.of(s);
    }

    private static String kind(JsonNode n) {
        if (n == null || n.isNull()) {
            return "null";
        }
        return n.isArray() ? "list" : n.isObject() ? "mapping" : "scalar";
    }

    private static ConvoyException error(Path file, String what) {
        return new ConvoyException(ErrorCode.MIG020, "targets file " + file + " " + what);
    }

    private static ConvoyException entryError(Path file, String id, String what) {
        return new ConvoyException(ErrorCode.MIG020, "targets file " + file + ": target '" + id + "' " + what);
    }

    public Path file() {
        return file;
    }

    /** Every target, by id. */
    public Map<String, Target> targets() {
        return targets;
    }

    public Optional<Target> get(String id) {
        return Optional.ofNullable(targets.get(id));
    }

    @Override
    public String toString() {
        return "TargetsFile[" + file + ", " + targets.keySet() + "]";
    }
}
