package dev.authgate.server;

import dev.authgate.tls.SslContexts;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** {@link MtlsEndToEndTest} with the JDK TLS provider ({@code -Dauthgate.tls.provider=jdk}): the same answers. */
class MtlsJdkProviderEndToEndTest extends MtlsEndToEndTest {

    @Override
    String expectedProvider() {
        return SslContexts.JDK;
    }

    /** Runs after the superclass's start (JUnit's order): restarts the gateway with the JDK provider. */
    @BeforeAll
    static void restartWithTheJdkProvider() {
        MtlsEndToEndTest.stop();
        System.setProperty(SslContexts.PROVIDER_PROPERTY, "jdk");
        MtlsEndToEndTest.start();
    }

    @AfterAll
    static void clearTheProvider() {
        System.clearProperty(SslContexts.PROVIDER_PROPERTY);
    }
}
