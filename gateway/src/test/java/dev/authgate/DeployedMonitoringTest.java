package dev.authgate;

import dev.authgate.observe.MetricsNames;
import dev.authgate.testing.Json;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

import java.io.IOException;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The shipped Grafana dashboard ({@code deploy/grafana/authgate.json}) and Prometheus rules
 * ({@code deploy/prometheus/authgate-rules.yaml}): every PromQL expression in both parses ({@code promtool check
 * rules}; the dashboard's as recording rules with its variables filled in), the alerts pass their unit tests
 * ({@code promtool test rules}), every metric they name is one the gateway exposes ({@link MetricsNames}) and the
 * dashboard shows every one of those, counters are read only through {@code rate()} or {@code increase()}, and each
 * alert follows the conventions (severity, summary, description, a runbook_url into the docs that resolves, a
 * minimum-volume guard on ratios, a unit test).
 *
 * <p>{@code promtool} is Debian's package {@code prometheus}: without it the promtool checks are skipped with a
 * message on a developer's machine and fail under CI ({@code CI} set, as {@code .ci/run} does, which installs it).
 */
class DeployedMonitoringTest {
    private static final Pattern METRIC = Pattern.compile("authgate_[a-z_]+");
    private static final Pattern HISTOGRAM_SERIES = Pattern.compile("(.+)_(bucket|sum|count)$");
    private static final String RULES = "deploy/prometheus/authgate-rules.yaml";
    private static final String RULE_TESTS = "deploy/prometheus/authgate-rules.test.yaml";
    private static final String DASHBOARD = "deploy/grafana/authgate.json";

    @TempDir
    Path tmp;

    private static Path root() {
        return Path.of(System.getProperty("authgate.projectRoot", "..")).toAbsolutePath().normalize();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> yaml(String relative) throws IOException {
        return (Map<String, Object>) new Yaml(new SafeConstructor(new LoaderOptions()))
                .load(Files.readString(root().resolve(relative)));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> alerts() throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Map<String, Object> group : (List<Map<String, Object>>) yaml(RULES).get("groups")) {
            out.addAll((List<Map<String, Object>>) group.get("rules"));
        }
        return out;
    }

    /** Every {@code expr} of the dashboard's panels, in order. */
    @SuppressWarnings("unchecked")
    private static List<String> dashboardExprs() throws IOException {
        Map<String, Object> dash = Json.object(Files.readString(root().resolve(DASHBOARD)));
        List<String> out = new ArrayList<>();
        for (Map<String, Object> panel : (List<Map<String, Object>>) dash.get("panels")) {
            List<Map<String, Object>> targets = (List<Map<String, Object>>) panel.get("targets");
            if (targets == null) continue;
            for (Map<String, Object> t : targets) out.add((String) t.get("expr"));
        }
        return out;
    }

    private static Set<String> exposedMetrics() throws IllegalAccessException {
        Set<String> names = new TreeSet<>();
        for (Field f : MetricsNames.class.getFields()) {
            if (Modifier.isStatic(f.getModifiers()) && f.getType() == String.class
                    && ((String) f.get(null)).startsWith("authgate_")) {
                names.add((String) f.get(null));
            }
        }
        return names;
    }

    /** The metric families an expression names ({@code _bucket}, {@code _sum}, {@code _count} folded). */
    private static Set<String> metricsIn(String expr, Set<String> exposed) {
        Set<String> out = new TreeSet<>();
        Matcher m = METRIC.matcher(expr);
        while (m.find()) {
            String name = m.group();
            Matcher h = HISTOGRAM_SERIES.matcher(name);
            out.add(!exposed.contains(name) && h.matches() ? h.group(1) : name);
        }
        return out;
    }

    @Test
    void everyMetricTheDashboardAndTheRulesNameIsExposedAndTheDashboardShowsThemAll() throws Exception {
        Set<String> exposed = exposedMetrics();
        Set<String> inDashboard = new TreeSet<>();
        for (String e : dashboardExprs()) inDashboard.addAll(metricsIn(e, exposed));
        Set<String> inRules = new TreeSet<>();
        for (Map<String, Object> a : alerts()) inRules.addAll(metricsIn((String) a.get("expr"), exposed));
        Set<String> inRuleTests = metricsIn(Files.readString(root().resolve(RULE_TESTS)), exposed);

        for (Set<String> used : List.of(inDashboard, inRules, inRuleTests)) {
            Set<String> unknown = new TreeSet<>(used);
            unknown.removeAll(exposed);
            assertTrue(unknown.isEmpty(), "metrics the gateway does not expose: " + unknown);
        }
        Set<String> notShown = new TreeSet<>(exposed);
        notShown.removeAll(inDashboard);
        assertTrue(notShown.isEmpty(), DASHBOARD + " has no panel for " + notShown);
        for (String important : List.of(MetricsNames.REQUESTS, MetricsNames.AUTH_REJECTIONS,
                MetricsNames.UPSTREAM_FAILURES, MetricsNames.CERTIFICATE_EXPIRY, MetricsNames.CONFIG_RELOADS)) {
            assertTrue(inRules.contains(important), RULES + " has no alert on " + important);
        }
    }

    @Test
    void countersAreReadOnlyThroughRateOrIncrease() throws Exception {
        List<String> exprs = new ArrayList<>(dashboardExprs());
        for (Map<String, Object> a : alerts()) exprs.add((String) a.get("expr"));
        for (String expr : exprs) {
            Matcher m = Pattern.compile("authgate_[a-z_]+_total").matcher(expr);
            while (m.find()) {
                String before = expr.substring(0, m.start());
                assertTrue(before.endsWith("rate(") || before.endsWith("increase("),
                        "a raw counter in: " + expr);
            }
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void everyAlertFollowsTheConventionsAndHasAUnitTest() throws Exception {
        String tests = Files.readString(root().resolve(RULE_TESTS));
        for (Map<String, Object> a : alerts()) {
            String name = (String) a.get("alert");
            assertTrue(name != null && name.startsWith("Authgate"), "not an alert named Authgate...: " + a);
            Map<String, Object> labels = (Map<String, Object>) a.get("labels");
            assertTrue(Set.of("critical", "warning").contains(labels.get("severity")), name + ": severity");
            Map<String, Object> ann = (Map<String, Object>) a.get("annotations");
            for (String key : List.of("summary", "description", "runbook_url")) {
                assertTrue(ann.get(key) instanceof String s && !s.isBlank(), name + ": no " + key);
            }
            String runbook = (String) ann.get("runbook_url");
            String[] parts = runbook.split("#", 2);
            Path page = root().resolve(parts[0]);
            assertTrue(Files.isRegularFile(page), name + ": runbook_url " + runbook + " names no file");
            assertTrue(parts.length == 2 && ReadmeContractTest.anchorsOf(page).contains(parts[1]),
                    name + ": runbook_url " + runbook + " names no heading");
            String expr = (String) a.get("expr");
            if (Pattern.compile("\\s/\\s").matcher(expr).find()) {
                assertTrue(Pattern.compile("\\sand\\s").matcher(expr).find(),
                        name + ": a ratio without a minimum-volume guard");
            }
            assertTrue(Pattern.compile("alertname: " + name + "\\s+exp_alerts:\\s+- exp_labels").matcher(tests).find(),
                    name + ": no unit test in " + RULE_TESTS + " where it fires");
        }
    }

    @Test
    void promtoolChecksTheRulesAndRunsTheirUnitTests() throws Exception {
        Path promtool = requirePromtool();
        assertEquals(0, run(promtool, "check", "rules", root().resolve(RULES).toString()));
        assertEquals(0, run(promtool, "test", "rules", root().resolve(RULE_TESTS).toString()));
    }

    @Test
    void promtoolParsesEveryDashboardExpression() throws Exception {
        Path promtool = requirePromtool();
        StringBuilder rules = new StringBuilder("groups:\n  - name: dashboard\n    rules:\n");
        int i = 0;
        for (String expr : dashboardExprs()) {
            String filled = expr.replace("$__rate_interval", "5m").replace("$__range", "1h")
                    .replace("$route", ".*");
            assertFalse(filled.contains("$"), "a Grafana variable the test does not fill: " + expr);
            rules.append("      - record: dashboard:expr_").append(i++).append('\n')
                    .append("        expr: ").append(Json.quote(filled)).append('\n');
        }
        Path file = tmp.resolve("dashboard-rules.yaml");
        Files.writeString(file, rules.toString());
        assertEquals(0, run(promtool, "check", "rules", file.toString()), rules.toString());
    }

    private static Path requirePromtool() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
            Path p = Path.of(dir, "promtool");
            if (Files.isExecutable(p)) return p;
        }
        String message = "promtool is not installed: apt-get install prometheus (.ci/run does this)";
        if (System.getenv("CI") != null) fail(message);
        Assumptions.abort(message);
        return null;
    }

    private static int run(Path promtool, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(promtool.toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(60, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail(String.join(" ", cmd) + ": did not finish within 60 s");
        }
        int code = p.exitValue();
        if (code != 0) System.err.println(String.join(" ", cmd) + ":\n" + new String(out, StandardCharsets.UTF_8));
        return code;
    }

}
