package dev.authgate.server;

import dev.authgate.testing.TestCerts;
import dev.authgate.tls.ServerTls;
import dev.authgate.tls.SslContexts;
import io.netty.channel.epoll.Epoll;
import io.netty.handler.ssl.OpenSsl;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * On Linux x86_64, the platform we ship for, the gateway runs on Netty's native epoll transport and BoringSSL
 * (netty-tcnative). Both fall back silently (to NIO and to the JDK's TLS) when their native library does not load,
 * for instance after a Netty upgrade whose native jars do not match; the gateway would still pass every other test,
 * only slower and with a different TLS stack. This fails instead, with the reason the library did not load.
 */
@EnabledOnOs(OS.LINUX)
@EnabledIfSystemProperty(named = "os.arch", matches = "amd64|x86_64")
class NativeLibrariesTest {

    @Test
    void runsOnEpoll() {
        assertTrue(Epoll.isAvailable(), () -> "native epoll did not load: " + Epoll.unavailabilityCause());
        assertEquals("epoll", GatewayServer.transport());
    }

    @Test
    void servesTlsWithBoringSsl(@TempDir Path dir) {
        assertTrue(OpenSsl.isAvailable(), () -> "netty-tcnative did not load: " + OpenSsl.unavailabilityCause());
        assertTrue(OpenSsl.versionString().contains("BoringSSL"), OpenSsl.versionString());
        ServerTls tls = SslContexts.load(TestCerts.create(dir).tlsConfig());
        try {
            assertEquals(SslContexts.OPENSSL, tls.provider());
        } finally {
            tls.release();
        }
    }
}
