package io.opsdb.relay.infra;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;

class SiteListTest {

    @Test
    void theDefaultStackHasTheObservatoryAloneWithTheSingleSiteComponentNames() {
        assertThat(SiteList.DEFAULT.names()).containsExactly("observatory");
        assertThat(SiteList.DEFAULT.componentNames())
                .containsExactly(
                        "primary",
                        "replica",
                        "kafka-cologne",
                        "kafka-observatory",
                        "mm2-cologne",
                        "mm2-observatory",
                        "cologne-app",
                        "observatory-app");
    }

    @Test
    void theFirstSecondaryKeepsTheSingleSiteNamesAndTheOthersCarryTheirs() {
        SiteList sites = SiteList.parse("summit,lab");

        assertThat(sites.first().componentNames())
                .containsExactly("replica", "kafka-summit", "mm2-cologne", "mm2-summit", "summit-app");
        assertThat(sites.find("lab").orElseThrow().componentNames())
                .containsExactly("replica-lab", "kafka-lab", "mm2-cologne-lab", "mm2-lab", "lab-app");
    }

    @Test
    void componentsStartOneKindAtATimeEverySiteTogether() {
        assertThat(SiteList.parse("observatory,summit").componentNames())
                .containsExactly(
                        "primary",
                        "replica",
                        "replica-summit",
                        "kafka-cologne",
                        "kafka-observatory",
                        "kafka-summit",
                        "mm2-cologne",
                        "mm2-observatory",
                        "mm2-cologne-summit",
                        "mm2-summit",
                        "cologne-app",
                        "observatory-app",
                        "summit-app");
    }

    @Test
    void eachComponentBelongsToItsSite() {
        SiteList sites = SiteList.parse("observatory,summit");

        assertThat(sites.siteOf("primary")).contains("cologne");
        assertThat(sites.siteOf("mm2-cologne")).contains("observatory");
        assertThat(sites.siteOf("mm2-cologne-summit")).contains("summit");
        assertThat(sites.siteOf("replica-summit")).contains("summit");
        assertThat(sites.siteOf("launcher")).isEmpty();
    }

    @Test
    void namesAreTrimmedAndKeepTheirOrder() {
        assertThat(SiteList.parse(" observatory , summit,lab ").names())
                .containsExactly("observatory", "summit", "lab");
        assertThat(SiteList.parse("lab_2,x-ray9").names()).containsExactly("lab_2", "x-ray9");
    }

    @Test
    void everyBadNameIsReportedAtOnceInOneLine() {
        assertThatThrownBy(() -> SiteList.parse("observatory,Summit,cologne,lab,lab,a.b,9lab,"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(
                        "invalid sites 'observatory,Summit,cologne,lab,lab,a.b,9lab,': "
                                + "'Summit' is not a site name (lower-case letters, digits, '-' or '_', starting with a letter, at most 63); "
                                + "'cologne' is the main site's name; "
                                + "'lab' is named twice; "
                                + "'a.b' is not a site name (lower-case letters, digits, '-' or '_', starting with a letter, at most 63); "
                                + "'9lab' is not a site name (lower-case letters, digits, '-' or '_', starting with a letter, at most 63); "
                                + "'' is not a site name (lower-case letters, digits, '-' or '_', starting with a letter, at most 63)")
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain("\n"));
    }

    @Test
    void noSiteAtAllIsRefused() {
        assertThatThrownBy(() -> SiteList.parse(""))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no site named");
        assertThatThrownBy(() -> SiteList.of(List.of()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("no site named");
    }

    @Test
    void namesWhoseComponentsWouldShareANameAreRefused() {
        // lab, not first, has mm2-cologne-lab; so would cologne-lab, as the MirrorMaker into it.
        assertThatThrownBy(() -> SiteList.parse("observatory,lab,cologne-lab"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageEndingWith(
                        "sites 'lab' and 'cologne-lab' would both have a component named mm2-cologne-lab");
    }

    @Test
    void aStackExtendedByMoreSitesKeepsItsOwnFirstInTheirOrder() {
        SiteList made = SiteList.parse("observatory,summit");

        SiteList extended = made.extendedBy(SiteList.parse("lab,summit,observatory,outpost"));

        assertThat(extended.names()).containsExactly("observatory", "summit", "lab", "outpost");
        assertThat(extended.addedTo(made)).extracting(SecondarySite::name).containsExactly("lab", "outpost");
        assertThat(made.extendedBy(made)).isEqualTo(made);
        assertThat(made.extendedBy(made).addedTo(made)).isEmpty();
    }

    @Test
    void aStackIsNotExtendedByAListThatLeavesOutOneOfItsSites() {
        assertThatThrownBy(() -> SiteList.parse("observatory,summit").extendedBy(SiteList.parse("observatory,lab")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("leaves out summit");
    }
}
