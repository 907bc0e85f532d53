package io.opsdb.relay.app;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The shape of the code base (issue 11), checked on every build: the deployable talks to the site roles through their
 * contract, the two roles never know each other, a role's {@code internal} packages are its own, and no packages
 * depend on each other in a circle.
 */
class ArchitectureTest {

    private static final String APP = "io.opsdb.relay.app..";
    private static final String MAIN_ROLE = "io.opsdb.relay.main..";
    private static final String SECONDARY_ROLE = "io.opsdb.relay.secondary..";
    private static final String MAIN_ROLE_INTERNALS = "io.opsdb.relay.main.internal..";
    private static final String SECONDARY_ROLE_INTERNALS = "io.opsdb.relay.secondary.internal..";
    private static final String[] CONTRACTS = {
        "io.opsdb.relay.role..",
        "io.opsdb.relay.schema..",
        "io.opsdb.relay.codec..",
        "io.opsdb.relay.entity..",
        "io.opsdb.relay.kafka..",
        "io.opsdb.relay.lsn..",
        "io.opsdb.relay.site.."
    };

    /** The one place that names the roles' Spring configurations, so that SITE_TYPE can choose one. */
    private static final String ROLE_SELECTION = "io.opsdb.relay.app.site.SiteRoles";

    private static final JavaClasses CLASSES = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("io.opsdb.relay");

    @Test
    void theApplicationUsesTheRolesOnlyThroughTheirContract() {
        noClasses()
                .that()
                .resideInAPackage(APP)
                .and()
                .doNotHaveFullyQualifiedName(ROLE_SELECTION)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(MAIN_ROLE, SECONDARY_ROLE)
                .because("relay-app is written against SiteRole (io.opsdb.relay.role), not the roles' internals")
                .check(CLASSES);
    }

    @Test
    void theMainRoleDoesNotKnowTheSecondaryNorTheApplication() {
        noClasses()
                .that()
                .resideInAPackage(MAIN_ROLE)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(SECONDARY_ROLE, APP)
                .check(CLASSES);
    }

    @Test
    void theSecondaryRoleDoesNotKnowTheMainNorTheApplication() {
        noClasses()
                .that()
                .resideInAPackage(SECONDARY_ROLE)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(MAIN_ROLE, APP)
                .check(CLASSES);
    }

    @Test
    void aRolesInternalsAreUsedOnlyInsideThatRole() {
        noClasses()
                .that()
                .resideOutsideOfPackage(MAIN_ROLE)
                .should()
                .dependOnClassesThat()
                .resideInAPackage(MAIN_ROLE_INTERNALS)
                .because("the application and the other role reach consumer-main through its public package")
                .check(CLASSES);
        noClasses()
                .that()
                .resideOutsideOfPackage(SECONDARY_ROLE)
                .should()
                .dependOnClassesThat()
                .resideInAPackage(SECONDARY_ROLE_INTERNALS)
                .because("the application and the other role reach producer-secondary through its public package")
                .check(CLASSES);
    }

    @Test
    void contractsDependOnNoRole() {
        noClasses()
                .that()
                .resideInAnyPackage(CONTRACTS)
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(MAIN_ROLE, SECONDARY_ROLE, APP)
                .check(CLASSES);
    }

    @Test
    void noPackagesDependOnEachOtherInACircle() {
        slices().matching("io.opsdb.relay.(**)").should().beFreeOfCycles().check(CLASSES);
    }

    @Test
    void theRulesSeeEveryModule() {
        // A rule over an empty import passes whatever the code does: make sure each module's classes are there.
        for (String module : new String[] {
            APP,
            MAIN_ROLE,
            MAIN_ROLE_INTERNALS,
            SECONDARY_ROLE,
            SECONDARY_ROLE_INTERNALS,
            "io.opsdb.relay.role..",
            "io.opsdb.relay.schema.."
        }) {
            assertThat(CLASSES.that(resideInAPackage(module))).as(module).isNotEmpty();
        }
    }
}
