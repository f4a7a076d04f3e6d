package io.cairn.appliance;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The layers of docs/architecture.md ("Modules"), held by the build: each rule fails it when a
 * class of one module reaches where its layer must not. The production classes of every module are
 * read from this module's class path (packaging depends on all of them); a class belongs to the
 * module it was loaded from. Tests and testkit are not production and are not checked here, except
 * that no production module may depend on testkit (its pom scopes it to tests).
 */
class LayerRulesTest {

    private static JavaClasses production;

    @BeforeAll
    static void importProduction() {
        production = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(location -> !modulePattern("testkit").matcher(location.asURI().toString()).find())
                .importPackages("io.cairn");
    }

    /** Classes loaded from module {@code dir} (artifact cairn-{@code dir}), in the reactor or from a repository. */
    static DescribedPredicate<JavaClass> inModule(String dir) {
        Pattern location = modulePattern(dir);
        return DescribedPredicate.describe("in module " + dir, c -> c.getSource()
                .map(s -> location.matcher(s.getUri().toString()).find())
                .orElse(false));
    }

    /** A class file under {@code DIR/target/} in the reactor, or in the jar {@code cairn-DIR-VERSION.jar}. */
    private static Pattern modulePattern(String dir) {
        return Pattern.compile("/" + Pattern.quote(dir) + "/target/|/cairn-" + Pattern.quote(dir) + "-[0-9][^/]*\\.jar");
    }

    private static void check(ArchRule rule) {
        rule.check(production);
    }

    @Test
    void theScsiLayerReachesDataOnlyThroughTheBlockDeviceAndClusterStateOnlyThroughCoordinationsInterfaces() {
        check(noClasses().that(inModule("target-server"))
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.zookeeper..", "org.apache.curator..",
                        "java.nio.file..", "io.cairn.store..", "io.cairn.lun..", "io.cairn.replica..", "io.cairn.appliance..")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("java.nio.channels.FileChannel")
                .orShould().dependOnClassesThat(inModule("coordination"))
                .because("target-server holds PDUs, CDBs and SCSI emulation; it reaches data only through "
                        + "io.cairn.block.BlockDevice and cluster state only through coordination-api"));
    }

    @Test
    void theStoreKnowsNothingOfScsiIscsiOrCoordination() {
        check(noClasses().that(inModule("subunit-store"))
                .should().dependOnClassesThat().resideInAnyPackage("io.cairn.scsi..", "io.cairn.iscsi..",
                        "io.cairn.coord..", "io.cairn.lun..", "io.cairn.appliance..")
                .because("a store keeps sub-unit replicas; placements and geometry reach it through replica-api's interfaces"));
    }

    @Test
    void onlyCoordinationTalksToZooKeeper() {
        check(noClasses().that(DescribedPredicate.not(inModule("coordination")))
                .should().dependOnClassesThat().resideInAnyPackage("org.apache.zookeeper..", "org.apache.curator..")
                .because("coordination turns ZooKeeper into typed stores; nothing else talks to it directly"));
    }

    @Test
    void theLunManagerHoldsNoScsi() {
        check(noClasses().that(inModule("lun-manager"))
                .should().dependOnClassesThat().resideInAnyPackage("io.cairn.scsi..", "io.cairn.iscsi..", "io.cairn.appliance..")
                .orShould().dependOnClassesThat(inModule("coordination"))
                .because("the LUN model and control plane use coordination through its interfaces, and never the SCSI layer"));
    }

    @Test
    void theContractsDependOnNoImplementation() {
        check(noClasses().that(inModule("block-api").or(inModule("replica-api")).or(inModule("coordination-api")))
                .should().dependOnClassesThat(inModule("subunit-store").or(inModule("coordination"))
                        .or(inModule("lun-manager")).or(inModule("target-server")).or(inModule("packaging")))
                .because("the API modules are what the layers share; implementations sit above them"));
        check(noClasses().that(inModule("block-api")).should().dependOnClassesThat()
                .resideInAnyPackage("io.cairn.replica..", "io.cairn.coord.."));
        check(noClasses().that(inModule("coordination-api")).should().dependOnClassesThat()
                .resideInAnyPackage("io.cairn.block..", "io.cairn.replica.."));
    }

    @Test
    void noProductionClassDependsOnTheTestkit() {
        check(noClasses().should().dependOnClassesThat().resideInAnyPackage("io.cairn.testkit.."));
    }

    @Test
    void packagingIsWiringCliAndDistributionOnly() {
        // Glue that implements another module's interface (a SCSI port-group view, a store's
        // placement view, ...) belongs in the module whose types it uses, not in the wiring.
        check(classes().that(inModule("packaging"))
                .should(notImplementAnotherModulesType())
                .because("packaging starts the parts of the other modules; it does not add behaviour to them"));
    }

    @Test
    void noPackageCycles() {
        check(slices().matching("io.cairn.(**)").should().beFreeOfCycles());
    }

    @Test
    void noMainClassOverSixHundredLines() throws IOException {
        Path root = Path.of("").toAbsolutePath().getParent();
        List<String> tooLong;
        try (Stream<Path> files = Files.walk(root)) {
            tooLong = files.filter(p -> p.toString().endsWith(".java") && p.toString().contains("/src/main/java/"))
                    .filter(p -> lines(p) > 600)
                    .map(p -> root.relativize(p) + " (" + lines(p) + " lines)")
                    .sorted().toList();
        }
        assertEquals(List.of(), tooLong, "a main class past about 600 lines holds two ideas (style.md \"Size and shape\")");
    }

    private static long lines(Path p) {
        try (Stream<String> s = Files.lines(p)) {
            return s.count();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static com.tngtech.archunit.lang.ArchCondition<JavaClass> notImplementAnotherModulesType() {
        return new com.tngtech.archunit.lang.ArchCondition<>("implement or extend no type of another Cairn module") {
            @Override
            public void check(JavaClass c, com.tngtech.archunit.lang.ConditionEvents events) {
                Stream.concat(c.getAllRawInterfaces().stream(), c.getAllRawSuperclasses().stream())
                        .filter(t -> t.getPackageName().startsWith("io.cairn.") && !inModule("packaging").test(t))
                        .forEach(t -> events.add(com.tngtech.archunit.lang.SimpleConditionEvent.violated(c,
                                c.getName() + " implements " + t.getName())));
            }
        };
    }
}
