package dev.authgate.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A YAML mapping read through {@link ConfigNode#map}: keys already checked, children in file order. */
public final class ConfigMap {
    /** {@code field}, {@code field.sub}, {@code field[2].sub}: the prefix of a record's "field: problem" message. */
    private static final Pattern FIELD_PATH =
            Pattern.compile("[A-Za-z_][A-Za-z0-9_]*(\\[\\d+])?(\\.[A-Za-z_][A-Za-z0-9_]*(\\[\\d+])?)*");
    private static final Pattern SEGMENT = Pattern.compile("([A-Za-z_][A-Za-z0-9_]*)(?:\\[(\\d+)])?");

    private final ConfigNode self;
    private final Map<String, ConfigNode> children;

    ConfigMap(ConfigNode self, Map<String, ConfigNode> children) {
        this.self = self;
        this.children = children;
    }

    public ConfigNode self() {
        return self;
    }

    /** Keys in file order, including those whose value is empty. */
    public Set<String> keys() {
        return children.keySet();
    }

    /** The child under {@code key} even when its value is empty (null only when the key is absent). */
    public ConfigNode raw(String key) {
        return children.get(key);
    }

    /** The child under {@code key}, or null when it is absent or empty ({@code key:} or {@code key: ~}). */
    public ConfigNode get(String key) {
        ConfigNode c = children.get(key);
        return c == null || c.isNull() ? null : c;
    }

    public ConfigNode require(String key) throws ConfigException {
        return require(key, "required");
    }

    /** The child under {@code key}; when absent or empty, fails with {@code problem} at the key (or this map's key). */
    public ConfigNode require(String key, String problem) throws ConfigException {
        ConfigNode c = get(key);
        if (c != null) return c;
        ConfigNode empty = children.get(key);
        if (empty != null) throw empty.errorAtKey(problem);
        throw self.at(self.keyLine(), ConfigNode.join(self.path(), key), problem);
    }

    /** All children (for maps of user-chosen names); values may be empty. */
    public List<ConfigNode> entries() {
        return new ArrayList<>(children.values());
    }

    public String string(String key, String dflt) throws ConfigException {
        ConfigNode c = get(key);
        return c == null ? dflt : c.string();
    }

    public String text(String key, String dflt) throws ConfigException {
        ConfigNode c = get(key);
        return c == null ? dflt : c.text();
    }

    public String token(String key, String what, String dflt) throws ConfigException {
        ConfigNode c = get(key);
        return c == null ? dflt : c.token(what);
    }

    public boolean bool(String key, boolean dflt) throws ConfigException {
        ConfigNode c = get(key);
        return c == null ? dflt : c.bool();
    }

    public Duration duration(String key, Duration dflt) throws ConfigException {
        ConfigNode c = get(key);
        return c == null ? dflt : c.duration();
    }

    /**
     * Turns a record's {@code "field: problem"} exception into a positioned error: at the field's key and path when
     * the field is written in this mapping, else at this mapping with the field appended to its path.
     */
    public ConfigException wrap(RuntimeException e) {
        String msg = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        int colon = msg.indexOf(": ");
        if (colon > 0 && FIELD_PATH.matcher(msg.substring(0, colon)).matches()) {
            String field = msg.substring(0, colon);
            String problem = msg.substring(colon + 2);
            ConfigNode target = find(field);
            if (target != null) return target.isScalar() ? target.error(problem) : target.errorAtKey(problem);
            return self.at(self.keyLine(), ConfigNode.join(self.path(), field), problem);
        }
        return self.errorAtKey(msg);
    }

    private ConfigNode find(String field) {
        ConfigNode at = self;
        for (String seg : field.split("\\.")) {
            Matcher m = SEGMENT.matcher(seg);
            if (!m.matches()) return null;
            at = at.descend(m.group(1));
            if (at != null && m.group(2) != null) at = at.item(Integer.parseInt(m.group(2)));
            if (at == null) return null;
        }
        return at;
    }
}
