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
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The README and docs/ document the contract users grep for, and hold together as a set of pages:
 * docs/troubleshooting.md has a row for every reason code (with its status and {@link Reason#fix()}),
 * docs/operations.md names every metric, README.md stays a front door under 20,000 bytes, and every relative link
 * between README.md and docs/*.md (file and #anchor) resolves. The walkthrough's curl lines are checked against the
 * running demo by {@code scripts/demo-smoke}.
 */
class ReadmeContractTest {
    private static final Pattern ROW = Pattern.compile("^\\| `([a-z_]+)` \\| (\\d{3}) \\|");
    private static final Pattern LINK = Pattern.compile("\\]\\(([^)\\s]+)\\)");
    private static final Pattern HEADING = Pattern.compile("^#{1,6} +(.+?) *#*$");
    private static final int README_LIMIT = 20_000;

    private static Path root() {
        return Path.of(System.getProperty("authgate.projectRoot", "..")).toAbsolutePath().normalize();
    }

    private static String read(String relative) throws IOException {
        return Files.readString(root().resolve(relative));
    }

    @Test
    void troubleshootingTableHasARowWithTheStatusAndFixForEveryReasonCode() throws IOException {
        Map<String, String[]> rows = new HashMap<>();
        for (String line : read("docs/troubleshooting.md").split("\n")) {
            Matcher m = ROW.matcher(line);
            if (m.find()) rows.put(m.group(1), line.split("\\|"));
        }
        List<String> missing = new ArrayList<>();
        Set<String> codes = new HashSet<>();
        for (Reason r : Reason.values()) {
            codes.add(r.code());
            String[] cells = rows.get(r.code());
            if (cells == null) {
                missing.add(r.code());
                continue;
            }
            // cells: "", code, status, meaning, fix
            assertEquals(String.valueOf(r.status()), cells[2].trim(), "status of " + r.code() + " in docs/troubleshooting.md");
            assertTrue(plain(cells[4]).startsWith(plain(r.fix())),
                    "the fix of " + r.code() + " in docs/troubleshooting.md does not start with Reason.fix(): " + r.fix());
        }
        assertTrue(missing.isEmpty(), "docs/troubleshooting.md has no row for " + missing);
        Set<String> stale = new HashSet<>(rows.keySet());
        stale.removeAll(codes);
        assertTrue(stale.isEmpty(), "docs/troubleshooting.md has rows for codes that Reason does not have: " + stale);
    }

    /** The table quotes code with backticks where the enum's text uses quotes or nothing. */
    private static String plain(String text) {
        return text.replace("`", "").replace("'", "").trim();
    }

    @Test
    void operationsMentionsEveryMetricName() throws IOException, IllegalAccessException {
        String operations = read("docs/operations.md");
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
            if (!operations.contains("`" + name + "`")) missing.add(name);
        }
        assertTrue(missing.isEmpty(), "docs/operations.md does not mention the metrics " + missing);
    }

    @Test
    void readmeIsAFrontDoorUnderTwentyKilobytes() throws IOException {
        long size = Files.size(root().resolve("README.md"));
        assertTrue(size < README_LIMIT, "README.md is " + size + " bytes; keep it under " + README_LIMIT
                + " and move reference material to docs/");
    }

    @Test
    void everyRelativeLinkInTheReadmeAndDocsResolves() throws IOException {
        List<Path> pages = new ArrayList<>();
        pages.add(root().resolve("README.md"));
        try (Stream<Path> docs = Files.list(root().resolve("docs"))) {
            docs.filter(p -> p.toString().endsWith(".md")).sorted().forEach(pages::add);
        }
        Map<Path, Set<String>> anchors = new LinkedHashMap<>();
        List<String> broken = new ArrayList<>();
        for (Path page : pages) {
            for (String target : links(Files.readString(page))) {
                if (target.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) continue; // https:, mailto:
                int hash = target.indexOf('#');
                String file = hash < 0 ? target : target.substring(0, hash);
                String anchor = hash < 0 ? null : target.substring(hash + 1);
                Path resolved = file.isEmpty() ? page : page.getParent().resolve(file).normalize();
                String where = root().relativize(page) + ": (" + target + ")";
                if (!resolved.startsWith(root()) || !Files.exists(resolved)) {
                    broken.add(where + " no such file");
                } else if (anchor != null && resolved.toString().endsWith(".md")
                        && !anchors.computeIfAbsent(resolved, ReadmeContractTest::anchorsOf).contains(anchor)) {
                    broken.add(where + " no such heading");
                }
            }
        }
        assertTrue(broken.isEmpty(), "broken links: " + broken);
    }

    /** Markdown link targets outside fenced code blocks. */
    private static List<String> links(String markdown) {
        List<String> targets = new ArrayList<>();
        boolean fenced = false;
        for (String line : markdown.split("\n")) {
            if (line.startsWith("```")) fenced = !fenced;
            if (fenced) continue;
            Matcher m = LINK.matcher(line);
            while (m.find()) targets.add(m.group(1));
        }
        return targets;
    }

    /** The anchors GitHub makes for a page's headings: lower case, punctuation dropped, spaces to '-', -1 for repeats. */
    static Set<String> anchorsOf(Path page) {
        String markdown;
        try {
            markdown = Files.readString(page);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Set<String> anchors = new HashSet<>();
        Map<String, Integer> seen = new HashMap<>();
        boolean fenced = false;
        for (String line : markdown.split("\n")) {
            if (line.startsWith("```")) fenced = !fenced;
            Matcher m = HEADING.matcher(line);
            if (fenced || !m.matches()) continue;
            String slug = m.group(1).toLowerCase(Locale.ROOT).replaceAll("[^\\p{L}\\p{N} _-]", "").replace(' ', '-');
            int n = seen.merge(slug, 1, Integer::sum);
            anchors.add(n == 1 ? slug : slug + "-" + (n - 1));
        }
        return anchors;
    }
}
