package dev.authgate.server;

import dev.authgate.observe.Metrics;
import dev.authgate.proxy.Forwarder;
import dev.authgate.replay.ReplayStore;
import dev.authgate.tls.ServerTls;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What every connection shares with the server: the current runtime (swapped on reload), the forwarder, the replay
 * store, the current TLS setup (null for plain HTTP; a certificate reload swaps it, and each connection keeps the one
 * it was accepted with), the draining flag and the process's metrics.
 */
record ServerContext(AtomicReference<GatewayRuntime> runtimeRef, Forwarder forwarder, ReplayStore replayStore,
                     AtomicReference<ServerTls> tlsRef, AtomicBoolean drainingFlag, Metrics metrics) {

    GatewayRuntime runtime() {
        return runtimeRef.get();
    }

    ServerTls tls() {
        return tlsRef.get();
    }

    boolean draining() {
        return drainingFlag.get();
    }
}
