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
}
