package dev.authgate.server;

import dev.authgate.testing.TestCerts;
import dev.authgate.tls.ServerTls;
import dev.authgate.tls.SslContexts;
import io.netty.channel.epoll.Epoll;
import io.netty.handler.ssl.OpenSsl;
import io.netty.util.Version;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

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

    /**
     * The epoll .so registers its JNI methods when it loads, but a Java class whose static native the .so lacks only
     * fails when that class initialises: pairing 4.2.18's .so with 4.2.20's unix-common passed {@link #runsOnEpoll}
     * and then threw UnsatisfiedLinkError in {@code Errors.<clinit>} (errnoENAMETOOLONG, new in 4.2.20), that is, at
     * the first socket error in production. So every class with static natives is initialised here.
     */
    @Test
    void everyEpollNativeTheClassesCallIsInTheLibrary() throws ClassNotFoundException {
        assertTrue(Epoll.isAvailable(), () -> "native epoll did not load: " + Epoll.unavailabilityCause());
        for (String name : List.of("io.netty.channel.unix.Errors", "io.netty.channel.unix.ErrorsStaticallyReferencedJniMethods",
                "io.netty.channel.unix.Limits", "io.netty.channel.unix.LimitsStaticallyReferencedJniMethods",
                "io.netty.channel.unix.Socket", "io.netty.channel.unix.Buffer", "io.netty.channel.epoll.Native",
                "io.netty.channel.epoll.NativeStaticallyReferencedJniMethods", "io.netty.channel.epoll.LinuxSocket")) {
            Class.forName(name, true, getClass().getClassLoader());
        }
    }

    /**
     * Every Netty module on the class path is at the version the root pom manages: the epoll trio (the .so and the
     * two jars whose natives it implements) at {@code netty.native.version}, every other module at
     * {@code netty.version}, so that no transitive dependency brings back an older codec-http or handler.
     */
    @Test
    void nettyModulesAreAtTheManagedVersions() {
        String java = System.getProperty("authgate.netty.version");
        String natives = System.getProperty("authgate.netty.native.version");
        assertTrue(java != null && natives != null, "run through Maven (surefire sets authgate.netty.*version)");
        Set<String> epollTrio = Set.of("netty-transport-native-epoll", "netty-transport-classes-epoll",
                "netty-transport-native-unix-common");
        Map<String, String> wrong = new TreeMap<>();
        Version.identify().forEach((artifact, version) -> {
            String want = epollTrio.contains(artifact) ? natives : java;
            if (!version.artifactVersion().equals(want)) wrong.put(artifact, version.artifactVersion() + " (want " + want + ")");
        });
        assertTrue(wrong.isEmpty(), () -> "Netty modules off the managed versions: " + wrong);
        assertTrue(Version.identify().keySet().containsAll(epollTrio), () -> "missing: " + Version.identify().keySet());
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
