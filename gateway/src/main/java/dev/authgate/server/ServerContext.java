package dev.authgate.server;

import dev.authgate.proxy.Forwarder;
import dev.authgate.replay.ReplayStore;
import io.netty.handler.ssl.SslContext;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

/**
 * What every connection shares with the server: the current runtime (swapped on reload), the forwarder, the replay
 * store, the TLS context and the draining flag.
 */
record ServerContext(AtomicReference<GatewayRuntime> runtimeRef, Forwarder forwarder, ReplayStore replayStore,
                     SslContext sslContext, AtomicBoolean drainingFlag) {

    GatewayRuntime runtime() {
        return runtimeRef.get();
    }

    boolean draining() {
        return drainingFlag.get();
    }
}
