package dev.authgate.config;

import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;
import org.yaml.snakeyaml.nodes.Tag;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * One node of the config's YAML tree with its key path ({@code routes[2].auth.hmac}) and position, so that every
 * typed read can fail with {@code FILE:LINE: KEY.PATH: problem}.
 *
 * <p>Values of secret fields are read with {@link #rawScalar()} and never echoed; every other reader may quote the
 * (shortened) value in its message.
 */
public final class ConfigNode {
    /** RFC 9110 token characters: header names and methods. */
    private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    private static final Pattern INTEGER = Pattern.compile("-?\\d{1,10}");

    private final String file;
    private final String path;
    private final int keyLine;
    private final Node node;

    private ConfigNode(String file, String path, int keyLine, Node node) {
        this.file = file;
        this.path = path;
        this.keyLine = keyLine;
        this.node = node;
    }

    /** The document's root; {@code file} is the name used in messages. */
    static ConfigNode root(String file, Node node) {
        return new ConfigNode(file, "", line(node), node);
    }

    private static int line(Node n) {
        return n.getStartMark() == null ? 1 : n.getStartMark().getLine() + 1;
    }

    static String join(String path, String key) {
        return path.isEmpty() ? key : path + "." + key;
    }

    public String path() {
        return path;
    }

    /** 1-based line of the value. */
    public int line() {
        return line(node);
    }

    /** 1-based line of the key that introduced this node (of the item itself for list items). */
    public int keyLine() {
        return keyLine;
    }

    // ---- errors and warnings

    /** An error about this node's value, at its line. */
    public ConfigException error(String problem) {
        return at(line(), path, problem);
    }

    /** An error about this node as a whole (missing parts, record checks), at the line of its key. */
    public ConfigException errorAtKey(String problem) {
        return at(keyLine, path, problem);
    }

    ConfigException at(int line, String atPath, String problem) {
        return new ConfigException(position(line, atPath) + problem);
    }

    /** A positioned warning text: at the value for a plain value, else at the key. */
    public String warning(String problem) {
        return position(isScalar() ? line() : keyLine, path) + problem;
    }

    private String position(int line, String atPath) {
        return file + ":" + line + ": " + (atPath.isEmpty() ? "" : atPath + ": ");
    }

    // ---- shape

    public boolean isNull() {
        return node instanceof ScalarNode && Tag.NULL.equals(node.getTag());
    }

    public boolean isMapping() {
        return node instanceof MappingNode;
    }

    public boolean isScalar() {
        return node instanceof ScalarNode && !isNull();
    }

    /** What was found, for "expected X, got Y"; quotes a scalar's value, so never use it for secret fields. */
    public String kind() {
        if (node instanceof ScalarNode && !isNull()) return "'" + Sizes.echo(((ScalarNode) node).getValue()) + "'";
        return kindWithoutValue();
    }

    /** Like {@link #kind()} without the value. */
    public String kindWithoutValue() {
        if (node instanceof MappingNode) return "a mapping";
        if (node instanceof SequenceNode) return "a list";
        if (isNull()) return "nothing";
        return "a plain value";
    }

    /** This node as a mapping whose keys must be among {@code known}. */
    public ConfigMap map(String... known) throws ConfigException {
        return mapOf(Arrays.asList(known), true);
    }

    /** This node as a mapping with names chosen by the user (upstreams, users). */
    public ConfigMap mapOfNames() throws ConfigException {
        return mapOf(List.of(), false);
    }

    private ConfigMap mapOf(List<String> known, boolean checkKeys) throws ConfigException {
        if (!(node instanceof MappingNode)) throw error("expected a mapping, got " + kind());
        Map<String, ConfigNode> children = new LinkedHashMap<>();
        for (NodeTuple t : ((MappingNode) node).getValue()) {
            Node k = t.getKeyNode();
            int kl = line(k);
            if (!(k instanceof ScalarNode) || Tag.NULL.equals(k.getTag())) {
                throw at(kl, path, "expected a plain key name, got " + new ConfigNode(file, path, kl, k).kindWithoutValue());
            }
            String key = ((ScalarNode) k).getValue();
            ConfigNode child = new ConfigNode(file, join(path, key), kl, t.getValueNode());
            if ("<<".equals(key) && Tag.MERGE.equals(k.getTag())) {
                throw at(kl, path, "YAML merge keys (<<) are not supported; write the keys out");
            }
            if (checkKeys && !known.contains(key)) {
                throw at(kl, child.path, "unknown key (known: " + String.join(", ", known) + ")");
            }
            ConfigNode first = children.putIfAbsent(key, child);
            if (first != null) throw at(kl, child.path, "duplicate key (first on line " + first.keyLine + ")");
        }
        return new ConfigMap(this, children);
    }

    /** This node as a list; each item's path is {@code path[i]}. */
    public List<ConfigNode> list() throws ConfigException {
        if (!(node instanceof SequenceNode)) throw error("expected a list, got " + kind());
        List<Node> items = ((SequenceNode) node).getValue();
        List<ConfigNode> out = new ArrayList<>(items.size());
        for (int i = 0; i < items.size(); i++) {
            Node item = items.get(i);
            out.add(new ConfigNode(file, path + "[" + i + "]", line(item), item));
        }
        return out;
    }

    // ---- scalars

    /** The scalar's text exactly as written (for secrets: messages from here never contain the value). */
    public String rawScalar() throws ConfigException {
        if (!isScalar()) throw error("expected a value, got " + kindWithoutValue());
        return ((ScalarNode) node).getValue();
    }

    /** A plain string; a {@code ${env:...}}/{@code ${file:...}} reference is refused (only secrets resolve them). */
    public String string() throws ConfigException {
        if (!isScalar()) throw error("expected a value, got " + kind());
        String s = ((ScalarNode) node).getValue();
        if (s.contains("${env:") || s.contains("${file:")) {
            throw error("${env:...} and ${file:...} are only resolved in secrets (tokens, keys, hmac secrets)");
        }
        return s;
    }

    /** A non-empty string without control characters or leading/trailing spaces. */
    public String text() throws ConfigException {
        String s = string();
        if (s.isEmpty() || !s.strip().equals(s) || s.chars().anyMatch(Character::isISOControl)) {
            throw error("expected a non-empty value without control characters or surrounding spaces, got '"
                    + Sizes.echo(s) + "'");
        }
        return s;
    }

    /** An RFC 9110 token (a header name or method); {@code what} names it in the message. */
    public String token(String what) throws ConfigException {
        String s = string();
        if (!TOKEN.matcher(s).matches()) throw error("expected " + what + ", got '" + Sizes.echo(s) + "'");
        return s;
    }

    public boolean bool() throws ConfigException {
        String s = isScalar() ? ((ScalarNode) node).getValue() : null;
        if ("true".equals(s)) return true;
        if ("false".equals(s)) return false;
        throw error("expected true or false, got " + kind());
    }

    public int integer() throws ConfigException {
        String s = isScalar() ? ((ScalarNode) node).getValue() : "";
        if (!INTEGER.matcher(s).matches()) throw error("expected a whole number, got " + kind());
        long v = Long.parseLong(s);
        if (v != (int) v) throw error("expected a whole number, got " + kind());
        return (int) v;
    }

    /** A duration greater than zero ({@link Durations}). */
    public Duration duration() throws ConfigException {
        String s = isScalar() ? ((ScalarNode) node).getValue() : "";
        if (!isScalar()) throw error("expected a duration like 10s, got " + kind());
        Duration d;
        try {
            d = Durations.parse(s);
        } catch (IllegalArgumentException e) {
            throw error(e.getMessage());
        }
        if (d.isZero()) throw error("expected a duration greater than 0, got '" + s + "'");
        return d;
    }

    /** A size in bytes greater than zero ({@link Sizes}). */
    public long size() throws ConfigException {
        if (!isScalar()) throw error("expected a size like 64KiB, 1MiB or a number of bytes, got " + kind());
        String s = ((ScalarNode) node).getValue();
        long v;
        try {
            v = Sizes.parse(s);
        } catch (IllegalArgumentException e) {
            throw error(e.getMessage());
        }
        if (v == 0) throw error("expected a size greater than 0, got '" + s + "'");
        return v;
    }

    // ---- navigation for wrapping "field: problem" messages

    /** The child under a key of a mapping node, or null; no checks. */
    ConfigNode descend(String key) {
        if (!(node instanceof MappingNode)) return null;
        for (NodeTuple t : ((MappingNode) node).getValue()) {
            if (t.getKeyNode() instanceof ScalarNode && key.equals(((ScalarNode) t.getKeyNode()).getValue())) {
                return new ConfigNode(file, join(path, key), line(t.getKeyNode()), t.getValueNode());
            }
        }
        return null;
    }

    /** The i-th item of a list node, or null; no checks. */
    ConfigNode item(int i) {
        if (!(node instanceof SequenceNode)) return null;
        List<Node> items = ((SequenceNode) node).getValue();
        if (i < 0 || i >= items.size()) return null;
        return new ConfigNode(file, path + "[" + i + "]", line(items.get(i)), items.get(i));
    }
}
