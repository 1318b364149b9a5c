package dev.authgate.testing;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

/**
 * A real Redis Cluster of {@code n} masters (and replicas added on request, {@link #addReplica}), started by the
 * test: {@code n} {@link TestRedis} servers with {@code cluster-enabled} (started in parallel), the 16384 slots split
 * evenly in order (node 0 holds the lowest), joined by {@code CLUSTER MEET}, and awaited until every node says
 * {@code cluster_state:ok} and knows every other. Each node's bus port is a free port of its own
 * ({@code --cluster-port}): the default, port + 10000, does not exist for a port above 55535, and a third of the
 * ephemeral range is.
 *
 * <p>{@code cluster-require-full-coverage no}: with a master dead and no replica, the other masters keep serving
 * their slots (the default stops the whole cluster once the dead node is marked failed).
 *
 * <pre>{@code
 * try (TestRedisCluster cluster = TestRedisCluster.start(3)) {
 *     String seed = cluster.url();               // redis://127.0.0.1:PORT of node 0
 *     TestRedis owner = cluster.masterOf(cluster.slot("k"));
 *     cluster.moveSlot(slot, owner, other);       // IMPORTING/MIGRATING, MIGRATE, SETSLOT NODE everywhere
 * }
 * }</pre>
 */
public final class TestRedisCluster implements AutoCloseable {
    public static final int SLOTS = 16384;

    private final List<TestRedis> nodes;
    private final List<TestRedis> replicas = new ArrayList<>();

    private TestRedisCluster(List<TestRedis> nodes) {
        this.nodes = nodes;
    }

    /** {@code masters} nodes on free ports, slots assigned, {@code cluster_state:ok} on all of them. */
    public static TestRedisCluster start(int masters) {
        Set<Integer> ports = new HashSet<>();
        List<TestRedis> nodes = new ArrayList<>();
        while (ports.size() < 2 * masters) ports.add(TestRedis.freePort());
        List<Integer> free = new ArrayList<>(ports);
        for (int i = 0; i < masters; i++) nodes.add(node(free.get(2 * i), free.get(2 * i + 1)));
        TestRedisCluster cluster = new TestRedisCluster(List.copyOf(nodes));
        try {
            CompletableFuture.allOf(nodes.stream().map(n -> CompletableFuture.runAsync(n::restart))
                    .toArray(CompletableFuture[]::new)).join();
            int per = SLOTS / masters;
            for (int i = 0; i < masters; i++) {
                int last = i == masters - 1 ? SLOTS - 1 : (i + 1) * per - 1;
                nodes.get(i).command("CLUSTER", "ADDSLOTSRANGE", Integer.toString(i * per), Integer.toString(last));
            }
            for (int i = 1; i < masters; i++) {
                nodes.get(i).command("CLUSTER", "MEET", "127.0.0.1", Integer.toString(nodes.get(0).port()),
                        Integer.toString(busPort(nodes.get(0))));
            }
            Await.until("cluster_state:ok on all " + masters + " nodes", Duration.ofSeconds(15),
                    () -> nodes.stream().allMatch(n -> String.valueOf(n.command("CLUSTER", "INFO"))
                            .contains("cluster_state:ok")
                            && String.valueOf(n.command("CLUSTER", "INFO"))
                            .contains("cluster_known_nodes:" + masters)));
            return cluster;
        } catch (RuntimeException | AssertionError e) {
            cluster.close();
            throw e;
        }
    }

    private static TestRedis node(int port, int busPort, String... extraArgs) {
        List<String> args = new ArrayList<>(List.of("--cluster-enabled", "yes",
                "--cluster-port", Integer.toString(busPort),
                "--cluster-config-file", "nodes.conf",
                "--cluster-announce-ip", "127.0.0.1", // a node does not know its own address until it meets one
                "--cluster-require-full-coverage", "no"));
        args.addAll(List.of(extraArgs));
        return TestRedis.onPort(port, args.toArray(String[]::new));
    }

    /**
     * Starts a replica of {@code master}: a new node that meets the cluster and {@code CLUSTER REPLICATE}s it, awaited
     * until its replication link is up. Not in {@link #nodes()} (the masters); closed with the cluster.
     */
    public TestRedis addReplica(TestRedis master, String... extraArgs) {
        Set<Integer> ports = new HashSet<>();
        while (ports.size() < 2) ports.add(TestRedis.freePort());
        List<Integer> free = new ArrayList<>(ports);
        TestRedis replica = node(free.get(0), free.get(1), extraArgs);
        replicas.add(replica);
        replica.restart();
        replica.command("CLUSTER", "MEET", "127.0.0.1", Integer.toString(master.port()),
                Integer.toString(busPort(master)));
        int known = nodes.size() + replicas.size();
        Await.until("the new replica knows all " + known + " nodes", () -> String.valueOf(
                replica.command("CLUSTER", "INFO")).contains("cluster_known_nodes:" + known));
        String masterId = id(master);
        Await.until("the new replica can name its master", () -> String.valueOf(
                replica.command("CLUSTER", "NODES")).contains(masterId));
        replica.command("CLUSTER", "REPLICATE", masterId);
        Await.until("the replica's link to its master is up", () -> String.valueOf(
                replica.command("INFO", "replication")).contains("master_link_status:up"));
        return replica;
    }

    private static int busPort(TestRedis node) {
        List<?> r = (List<?>) node.command("CONFIG", "GET", "cluster-port");
        return Integer.parseInt((String) r.get(1));
    }

    /** {@code redis://127.0.0.1:PORT} of node 0: the seed a client is given. */
    public String url() {
        return nodes.get(0).url();
    }

    public List<TestRedis> nodes() {
        return nodes;
    }

    /** {@code CLUSTER KEYSLOT key}, asked of a live node. */
    public int slot(String key) {
        return ((Long) live().command("CLUSTER", "KEYSLOT", key)).intValue();
    }

    /** The id of the node that serves {@code slot}, as the first running node sees it. */
    public String ownerId(int slot) {
        return ownerId(live(), slot);
    }

    /** The running node that serves {@code slot}. */
    public TestRedis masterOf(int slot) {
        String id = ownerId(slot);
        for (TestRedis n : nodes) {
            if (alive(n) && id(n).equals(id)) return n;
        }
        throw new AssertionError("slot " + slot + " is served by " + id + ", which is not running");
    }

    /** The node's cluster id ({@code CLUSTER MYID}). */
    public static String id(TestRedis node) {
        return (String) node.command("CLUSTER", "MYID");
    }

    /** Where {@code slot} lives as {@code node} sees it, from {@code CLUSTER SLOTS}. */
    public static String ownerId(TestRedis node, int slot) {
        for (Object range : (List<?>) node.command("CLUSTER", "SLOTS")) {
            List<?> r = (List<?>) range;
            if ((Long) r.get(0) <= slot && slot <= (Long) r.get(1)) return (String) ((List<?>) r.get(2)).get(2);
        }
        throw new AssertionError("slot " + slot + " is not served as node " + node.port() + " sees it");
    }

    /**
     * Moves {@code slot} with its keys from {@code from} to {@code to} as {@code redis-cli --cluster reshard} does:
     * {@code SETSLOT IMPORTING} on the target, {@code MIGRATING} on the source, {@code MIGRATE} of every key (TTL
     * kept), then {@code SETSLOT NODE} on the target, the source and every other node; awaited until every node
     * names {@code to} as the slot's owner.
     */
    public void moveSlot(int slot, TestRedis from, TestRedis to) {
        moveSlot(slot, from, to, () -> { });
    }

    /**
     * {@link #moveSlot(int, TestRedis, TestRedis)}, running {@code midway} after the keys moved and before the slot
     * changes owner: the source answers {@code ASK} for the slot's keys then, the target serves them to
     * {@code ASKING} clients only.
     */
    public void moveSlot(int slot, TestRedis from, TestRedis to, Runnable midway) {
        String s = Integer.toString(slot);
        String toId = id(to);
        to.command("CLUSTER", "SETSLOT", s, "IMPORTING", id(from));
        from.command("CLUSTER", "SETSLOT", s, "MIGRATING", toId);
        List<?> keys;
        while (!(keys = (List<?>) from.command("CLUSTER", "GETKEYSINSLOT", s, "100")).isEmpty()) {
            List<String> cmd = new ArrayList<>(List.of("MIGRATE", "127.0.0.1", Integer.toString(to.port()), "", "0",
                    "5000", "KEYS"));
            for (Object k : keys) cmd.add((String) k);
            Object r = from.command(cmd.toArray(String[]::new));
            if (!"OK".equals(r)) throw new AssertionError("MIGRATE answered " + r);
        }
        midway.run();
        to.command("CLUSTER", "SETSLOT", s, "NODE", toId);
        from.command("CLUSTER", "SETSLOT", s, "NODE", toId);
        for (TestRedis n : nodes) {
            if (n != to && n != from && alive(n)) n.command("CLUSTER", "SETSLOT", s, "NODE", toId);
        }
        Await.until("every node names the new owner of slot " + slot, () -> nodes.stream()
                .filter(TestRedisCluster::alive).allMatch(n -> ownerId(n, slot).equals(toId)));
    }

    /** Every key on every running node. */
    public List<String> keys() {
        List<String> all = new ArrayList<>();
        for (TestRedis n : nodes) {
            if (alive(n)) all.addAll(n.keys());
        }
        return all;
    }

    private TestRedis live() {
        return nodes.stream().filter(TestRedisCluster::alive).findFirst()
                .orElseThrow(() -> new AssertionError("no cluster node is running"));
    }

    private static boolean alive(TestRedis n) {
        return n.running();
    }

    @Override
    public void close() {
        for (TestRedis n : nodes) n.close();
        for (TestRedis n : replicas) n.close();
    }
}
