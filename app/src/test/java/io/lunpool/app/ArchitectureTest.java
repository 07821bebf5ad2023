package io.lunpool.app;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * The structure the code promises (docs/architecture.md): dependencies point inward (core ← adapters ← app),
 * lower packages never import higher ones, no package cycle, no two classes with one simple name, and the product
 * holds no benchmark class. The app's test classpath holds every module, so the whole product is checked here.
 */
class ArchitectureTest {
    private static final ImportOption MAIN_ONLY = location -> !location.contains("/test-classes/")
            && !location.contains("-tests.jar");
    private static final JavaClasses MAIN = new ClassFileImporter().withImportOption(MAIN_ONLY)
            .importPackages("io.lunpool");
    private static final JavaClasses EVERYTHING = new ClassFileImporter().importPackages("io.lunpool");

    @Test
    void coreDependsOnNoOtherModule() {
        noClasses().that().resideInAPackage("io.lunpool.core..")
                .should().dependOnClassesThat().resideInAnyPackage("io.lunpool.scheduler..", "io.lunpool.backend..",
                        "io.lunpool.executor..", "io.lunpool.marathon..", "io.lunpool.app..")
                .check(MAIN);
    }

    @Test
    void adaptersDependOnCoreOnly() {
        Map<String, List<String>> others = Map.of(
                "io.lunpool.scheduler..", List.of("io.lunpool.backend..", "io.lunpool.executor..",
                        "io.lunpool.marathon..", "io.lunpool.app.."),
                "io.lunpool.backend..", List.of("io.lunpool.scheduler..", "io.lunpool.executor..",
                        "io.lunpool.marathon..", "io.lunpool.app.."),
                "io.lunpool.executor..", List.of("io.lunpool.scheduler..", "io.lunpool.backend..",
                        "io.lunpool.marathon..", "io.lunpool.app.."),
                "io.lunpool.marathon..", List.of("io.lunpool.scheduler..", "io.lunpool.backend..",
                        "io.lunpool.executor..", "io.lunpool.app.."));
        others.forEach((module, forbidden) -> noClasses().that().resideInAPackage(module)
                .should().dependOnClassesThat().resideInAnyPackage(forbidden.toArray(String[]::new))
                .allowEmptyShould(true)
                .check(MAIN));
    }

    @Test
    void noPackageCycles() {
        slices().matching("io.lunpool.(**)").should().beFreeOfCycles().check(MAIN);
    }

    @Test
    void schedulerLayersPointDown() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("store").definedBy("io.lunpool.scheduler.store..", "io.lunpool.scheduler.zk..",
                        "io.lunpool.scheduler.array..", "io.lunpool.scheduler.mesos..")
                .layer("state").definedBy("io.lunpool.scheduler.state..")
                .layer("batch").definedBy("io.lunpool.scheduler.batch..")
                .layer("pool").definedBy("io.lunpool.scheduler.pool..")
                .layer("leader").definedBy("io.lunpool.scheduler.leader..")
                .layer("front").definedBy("io.lunpool.scheduler")
                .layer("rest").definedBy("io.lunpool.scheduler.rest..")
                .layer("admin").definedBy("io.lunpool.scheduler.admin..")
                .whereLayer("rest").mayNotBeAccessedByAnyLayer()
                .whereLayer("admin").mayNotBeAccessedByAnyLayer()
                .whereLayer("front").mayOnlyBeAccessedByLayers("rest", "admin")
                .whereLayer("leader").mayOnlyBeAccessedByLayers("front", "rest", "admin")
                .whereLayer("pool").mayOnlyBeAccessedByLayers("leader", "front", "rest", "admin")
                .whereLayer("batch").mayOnlyBeAccessedByLayers("pool", "leader", "front", "rest", "admin")
                .whereLayer("state").mayOnlyBeAccessedByLayers("batch", "pool", "leader", "front", "rest", "admin")
                .check(MAIN);
    }

    @Test
    void mesosProtobufsStayInTheMesosClientAndTheExecutorsMesosPackage() {
        noClasses().that().resideOutsideOfPackages("io.lunpool.scheduler.mesos.client..", "io.lunpool.executor.mesos..")
                .should().dependOnClassesThat().resideInAPackage("org.apache.mesos..")
                .check(MAIN);
    }

    @Test
    void executorLayersPointDown() {
        layeredArchitecture().consideringOnlyDependenciesInLayers()
                .layer("mesos").definedBy("io.lunpool.executor.mesos..")
                .layer("backend").definedBy("io.lunpool.executor.backend..")
                .layer("task").definedBy("io.lunpool.executor.task..")
                .layer("top").definedBy("io.lunpool.executor")
                .whereLayer("top").mayNotBeAccessedByAnyLayer()
                .whereLayer("task").mayOnlyBeAccessedByLayers("top")
                .whereLayer("backend").mayOnlyBeAccessedByLayers("task", "top")
                .whereLayer("mesos").mayOnlyBeAccessedByLayers("task", "top")
                .check(MAIN);
    }

    @Test
    void theChoreEndpointSitsBetweenTheHostLayerAndThePlugin() {
        noClasses().that().resideInAPackage("io.lunpool.backend.chores..")
                .should().dependOnClassesThat().resideInAnyPackage("io.lunpool.backend.plugin..",
                        "io.lunpool.backend.jetty..")
                .check(MAIN);
    }

    @Test
    void theHostLayerKnowsNothingOfThePlugin() {
        noClasses().that().resideInAPackage("io.lunpool.backend.host..")
                .should().dependOnClassesThat().resideInAPackage("io.lunpool.backend.plugin..")
                .check(MAIN);
    }

    @Test
    void theProductHoldsNoBenchmark() {
        assertThat(MAIN.stream().map(JavaClass::getName).filter(n -> n.startsWith("io.lunpool.bench."))).isEmpty();
    }

    @Test
    void noTwoClassesShareASimpleName() {
        Map<String, List<String>> byName = new TreeMap<>(EVERYTHING.stream()
                .filter(c -> c.isTopLevelClass() && !c.getSimpleName().equals("package-info"))
                .collect(Collectors.groupingBy(JavaClass::getSimpleName,
                        Collectors.mapping(JavaClass::getName, Collectors.toList()))));
        byName.values().removeIf(names -> names.size() < 2);
        assertThat(byName).as("simple names used by more than one class").isEmpty();
    }
}
