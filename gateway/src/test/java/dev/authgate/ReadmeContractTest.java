package dev.authgate;

import dev.authgate.http.Reason;
import dev.authgate.observe.MetricsNames;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * README.md documents the contract users grep for: a troubleshooting row for every reason code (with its status),
 * and every metric name.
 */
class ReadmeContractTest {
    private static final Pattern ROW = Pattern.compile("^\\| `([a-z_]+)` \\| (\\d{3}) \\|");

    private static String readme() throws IOException {
        Path root = Path.of(System.getProperty("authgate.projectRoot", "..")).toAbsolutePath().normalize();
        return Files.readString(root.resolve("README.md"));
    }

    @Test
    void troubleshootingTableHasARowWithTheStatusForEveryReasonCode() throws IOException {
        String readme = readme();
        int start = readme.indexOf("\n## Troubleshooting");
        assertTrue(start >= 0, "README.md has no '## Troubleshooting' section");
        int end = readme.indexOf("\n## ", start + 1);
        String section = end < 0 ? readme.substring(start) : readme.substring(start, end);
        Map<String, Integer> rows = new HashMap<>();
        for (String line : section.split("\n")) {
            Matcher m = ROW.matcher(line);
            if (m.find()) rows.put(m.group(1), Integer.parseInt(m.group(2)));
        }
        List<String> missing = new ArrayList<>();
        for (Reason r : Reason.values()) {
            if (!rows.containsKey(r.code())) {
                missing.add(r.code());
            } else {
                assertEquals(r.status(), rows.get(r.code()), "status of " + r.code() + " in the troubleshooting table");
            }
        }
        assertTrue(missing.isEmpty(), "no troubleshooting row for " + missing);
    }

    @Test
    void mentionsEveryMetricName() throws IOException, IllegalAccessException {
        String readme = readme();
        List<String> names = new ArrayList<>();
        for (Field f : MetricsNames.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class
                    && ((String) f.get(null)).startsWith("authgate_")) {
                names.add((String) f.get(null));
            }
        }
        assertFalse(names.isEmpty(), "MetricsNames has no authgate_ metric names");
        List<String> missing = new ArrayList<>();
        for (String name : names) {
            if (!readme.contains("`" + name + "`")) missing.add(name);
        }
        assertTrue(missing.isEmpty(), "README.md does not mention the metrics " + missing);
    }
}
