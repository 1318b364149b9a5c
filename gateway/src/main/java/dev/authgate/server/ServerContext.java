package dev.authgate.server;

import dev.authgate.observe.Metrics;
import dev.authgate.proxy.Forwarder;
import dev.authgate.replay.ReplayGuard;
import dev.authgate.tls.ServerTls;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What every connection shares with the server: the current runtime (swapped on reload), the forwarder, the replay
 * stages over the server's store, the current TLS setup (null for plain HTTP; a certificate reload swaps it, and
 * each connection keeps the one it was accepted with), the draining flag and the process's metrics.
 */
record ServerContext(AtomicReference<GatewayRuntime> runtimeRef, Forwarder forwarder, ReplayGuard replay,
                     AtomicReference<ServerTls> tlsRef, AtomicBoolean drainingFlag, Metrics metrics) {

    /** The user event fired to every client connection when the server starts draining. */
    static final Object DRAIN = new Object() {
        @Override
        public String toString() {
            return "DRAIN";
        }
    };

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
