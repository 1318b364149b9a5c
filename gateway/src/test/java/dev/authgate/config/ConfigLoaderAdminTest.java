package dev.authgate.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code admin.recent_rejections} (the rejections explorer's ring). */
class ConfigLoaderAdminTest {
    @TempDir
    Path dir;

    private static String config(String admin) {
        return """
                listen: { address: 127.0.0.1:0 }
                admin: %s
                routes:
                  - { name: a, match: { path: /a }, respond: 204, auth: none }
                """.formatted(admin);
    }

    @Test
    void recentRejectionsDefaultsTo1000AndTakesZero() throws ConfigException {
        LoaderHarness h = new LoaderHarness(dir);
        assertEquals(1000, h.load(config("{ address: 127.0.0.1:0 }")).admin().recentRejections());
        assertEquals(0, h.load(config("{ address: 127.0.0.1:0, recent_rejections: 0 }")).admin().recentRejections());
        AdminConfig c = h.load(config("{ recent_rejections: 50 }")).admin();
        assertEquals(new AdminConfig("127.0.0.1", 9901, 50), c);
    }

    @Test
    void aBadRecentRejectionsNamesItsKey() {
        LoaderHarness h = new LoaderHarness(dir);
        String negative = h.error(config("{ recent_rejections: -1 }"));
        assertTrue(negative.contains("admin.recent_rejections") && negative.contains("0-100000"), negative);
        String huge = h.error(config("{ recent_rejections: 1000000 }"));
        assertTrue(huge.contains("admin.recent_rejections"), huge);
        String unknown = h.error(config("{ recent_rejection: 5 }"));
        assertTrue(unknown.contains("recent_rejection"), unknown);
    }

    @Test
    void aNonLoopbackAdminListenerNeedsAToken() throws ConfigException {
        LoaderHarness h = new LoaderHarness(dir);
        String message = h.error(config("{ address: 0.0.0.0:9901 }"));
        assertTrue(message.contains("admin.address") && message.contains("needs admin.token"), message);
        String named = h.error(config("{ address: 'admin.internal:9901' }"));
        assertTrue(named.contains("needs admin.token"), named);
        h.write("admin-token", "admin-token-value-5e1d\n");
        AdminConfig c = h.load(config("{ address: 0.0.0.0:9901, token: '${file:admin-token}' }")).admin();
        assertEquals("admin-token-value-5e1d", c.token().reveal());
        assertTrue(!c.toString().contains("admin-token-value-5e1d"), c.toString());
        assertEquals(null, h.load(config("{ address: '[::1]:9901' }")).admin().token());
        assertEquals(null, h.load(config("{ address: 'localhost:9901' }")).admin().token());
        assertEquals(null, h.load(config("{ address: 127.0.0.2:9901 }")).admin().token());
    }

    @Test
    void loopbackIsRecognizedWithoutResolvingNames() {
        for (String host : new String[] {"127.0.0.1", "127.1.2.3", "localhost", "::1"}) {
            assertTrue(AdminReader.isLoopback(host), host);
        }
        for (String host : new String[] {"0.0.0.0", "10.0.0.1", "127.0.0", "127.0.0.1.evil", "::", "example.org"}) {
            assertTrue(!AdminReader.isLoopback(host), host);
        }
    }
}
