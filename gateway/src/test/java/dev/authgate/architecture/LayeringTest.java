package dev.authgate.architecture;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

/**
 * The layering that docs/architecture.md draws, enforced on the main classes: no package depends on itself through
 * another (every subpackage its own slice, so {@code auth} and {@code auth.hmac} count as two), and each layer is used
 * only by the layers above it. Plus two house rules: no main class over 350 lines, no two main classes with one
 * simple name.
 */
class LayeringTest {
    private static final JavaClasses MAIN = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_JARS)
            .importPackages("dev.authgate");
    private static final Path SOURCES = Path.of(System.getProperty("authgate.projectRoot", ".."),
            "gateway", "src", "main", "java");

    @Test
    void hasNoPackageCycles() {
        slices().matching("dev.authgate.(**)").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void eachLayerIsUsedOnlyFromAbove() {
        layeredArchitecture()
                .consideringOnlyDependenciesInLayers()
                .layer("entry").definedBy("dev.authgate", "dev.authgate.cli..")
                .layer("operations").definedBy("dev.authgate.admin..", "dev.authgate.reload..")
                .layer("server").definedBy("dev.authgate.server..")
                .layer("stages").definedBy("dev.authgate.proxy..", "dev.authgate.replay..",
                        "dev.authgate.limits..", "dev.authgate.route..", "dev.authgate.state..")
                .layer("auth").definedBy("dev.authgate.auth..")
                .layer("config").definedBy("dev.authgate.config..")
                .layer("foundation").definedBy("dev.authgate.tls..", "dev.authgate.observe..",
                        "dev.authgate.http..")
                .whereLayer("entry").mayNotBeAccessedByAnyLayer()
                .whereLayer("operations").mayOnlyBeAccessedByLayers("entry")
                .whereLayer("server").mayOnlyBeAccessedByLayers("entry", "operations")
                .whereLayer("stages").mayOnlyBeAccessedByLayers("entry", "operations", "server")
                .whereLayer("auth").mayOnlyBeAccessedByLayers("entry", "operations", "server", "stages")
                .whereLayer("config").mayOnlyBeAccessedByLayers("entry", "operations", "server", "stages", "auth")
                .check(MAIN);
    }

    @Test
    void noTwoMainClassesShareASimpleName() {
        Map<String, List<String>> byName = new TreeMap<>();
        for (JavaClass c : MAIN) {
            if (c.isNestedClass() || c.isAnonymousClass() || c.isLocalClass()) continue;
            byName.computeIfAbsent(c.getSimpleName(), n -> new ArrayList<>()).add(c.getName());
        }
        assertFalse(byName.isEmpty(), "no main classes imported");
        Map<String, List<String>> shared = byName.entrySet().stream().filter(e -> e.getValue().size() > 1)
                .collect(Collectors.toMap(Map.Entry::getKey, Map.Entry::getValue));
        assertEquals(Map.of(), shared, "one name, one class: a reader who knows the name finds the class");
    }

    @Test
    void noMainClassIsOver350Lines() throws IOException {
        List<String> long_ = new ArrayList<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
                long lines = Files.readAllLines(f).size();
                if (lines > 350) long_.add(SOURCES.relativize(f) + " (" + lines + " lines)");
            }
        }
        assertEquals(List.of(), long_, "split by responsibility (docs/architecture.md)");
    }
}
