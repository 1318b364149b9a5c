package dev.authgate.proxy.upstream;

import io.netty.resolver.AddressResolver;
import io.netty.resolver.AddressResolverGroup;
import io.netty.resolver.InetNameResolver;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.EventExecutorGroup;
import io.netty.util.concurrent.Promise;
import io.netty.util.internal.SocketUtils;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;

/**
 * Resolves upstream host names with the JDK resolver (so /etc/hosts, the JDK's DNS cache and its TTLs apply) on a
 * small executor of its own. Netty's default resolver calls {@code InetAddress.getByName} on the event loop, which
 * blocks it for as long as DNS takes. IP literals are parsed in place, without a hop.
 */
final class OffLoopResolverGroup extends AddressResolverGroup<InetSocketAddress> {

    private final EventExecutorGroup lookups;

    OffLoopResolverGroup(EventExecutorGroup lookups) {
        this.lookups = lookups;
    }

    @Override
    protected AddressResolver<InetSocketAddress> newResolver(EventExecutor loop) {
        return new OffLoopNameResolver(loop, lookups).asAddressResolver();
    }

    private static final class OffLoopNameResolver extends InetNameResolver {
        private final EventExecutorGroup lookups;

        OffLoopNameResolver(EventExecutor loop, EventExecutorGroup lookups) {
            super(loop);
            this.lookups = lookups;
        }

        @Override
        protected void doResolve(String host, Promise<InetAddress> promise) throws Exception {
            byte[] literal = NetUtil.createByteArrayFromIpAddressString(host);
            if (literal != null) {
                promise.setSuccess(InetAddress.getByAddress(host, literal));
                return;
            }
            lookups.execute(() -> {
                try {
                    promise.trySuccess(SocketUtils.addressByName(host));
                } catch (UnknownHostException e) {
                    promise.tryFailure(e);
                }
            });
        }

        @Override
        protected void doResolveAll(String host, Promise<List<InetAddress>> promise) throws Exception {
            byte[] literal = NetUtil.createByteArrayFromIpAddressString(host);
            if (literal != null) {
                promise.setSuccess(List.of(InetAddress.getByAddress(host, literal)));
                return;
            }
            lookups.execute(() -> {
                try {
                    promise.trySuccess(Arrays.asList(SocketUtils.allAddressesByName(host)));
                } catch (UnknownHostException e) {
                    promise.tryFailure(e);
                }
            });
        }
    }
}
