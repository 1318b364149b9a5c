package dev.authgate.proxy;

import dev.authgate.config.UpstreamConfig;
import dev.authgate.proxy.upstream.UpstreamConnection;
import dev.authgate.proxy.upstream.UpstreamPool;
import io.netty.channel.Channel;
import io.netty.channel.ConnectTimeoutException;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.Future;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Finds a connection for one upstream call: an idle pooled one, else a new one, trying twice: nothing had reached the upstream, so one more try on a
 * fresh connection is safe. Not after a connect timeout: {@code connect_timeout} is the operator's budget for reaching
 * the upstream, and a retry would double it.
 */
final class UpstreamConnector {
    private final UpstreamPool pool;
    private final EventLoop loop;
    private final Class<? extends Channel> channelClass;
    private final UpstreamConfig upstream;
    private boolean retried;

    UpstreamConnector(UpstreamPool pool, EventLoop loop, Class<? extends Channel> channelClass,
                      UpstreamConfig upstream) {
        this.pool = pool;
        this.loop = loop;
        this.channelClass = channelClass;
        this.upstream = upstream;
    }

    /** A pooled idle connection to the upstream on this loop, or null. */
    UpstreamConnection pollIdle() {
        return pool.pollIdle(loop, upstream.host(), upstream.port());
    }

    /**
     * @param wanted      false once the call has ended: a connection made after that is closed, not used
     * @param onConnected receives the connection, on the event loop
     * @param onFailed    receives a sentence for the log when both tries failed
     */
    void connect(BooleanSupplier wanted, Consumer<UpstreamConnection> onConnected, Consumer<String> onFailed) {
        pool.connect(loop, channelClass, upstream.host(), upstream.port(), upstream.connectTimeout(),
                        upstream.maxIdle())
                .addListener((Future<UpstreamConnection> f) -> {
                    if (f.isSuccess()) {
                        if (wanted.getAsBoolean()) {
                            onConnected.accept(f.getNow());
                        } else {
                            f.getNow().close();
                        }
                    } else if (wanted.getAsBoolean()) {
                        failed(f.cause(), wanted, onConnected, onFailed);
                    }
                });
    }

    private void failed(Throwable cause, BooleanSupplier wanted, Consumer<UpstreamConnection> onConnected,
                        Consumer<String> onFailed) {
        if (!retried && !(cause instanceof ConnectTimeoutException)) {
            retried = true;
            connect(wanted, onConnected, onFailed);
            return;
        }
        onFailed.accept(describe(cause) + (retried ? " (tried twice)" : ""));
    }

    private String describe(Throwable cause) {
        String target = upstream.host() + ":" + upstream.port();
        if (cause instanceof ConnectTimeoutException) {
            return "no connection to " + target + " within " + upstream.connectTimeout().toMillis()
                    + "ms (connect_timeout)";
        }
        if (cause instanceof UnknownHostException) return "cannot resolve upstream host " + upstream.host();
        if (cause instanceof ConnectException) return "connection refused by " + target;
        return "cannot connect to " + target + ": " + UpstreamFailure.message(cause);
    }
}
