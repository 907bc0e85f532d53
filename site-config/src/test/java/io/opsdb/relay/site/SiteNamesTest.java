package io.opsdb.relay.site;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SiteNamesTest {

    @Test
    void aSiteNameIsAnAliasWithoutDotsStartingWithALetter() {
        assertThat(SiteNames.isValid("observatory")).isTrue();
        assertThat(SiteNames.isValid("summit-2")).isTrue();
        assertThat(SiteNames.isValid("lab_b")).isTrue();
        assertThat(SiteNames.isValid("a" + "b".repeat(62))).isTrue();
        assertThat(SiteNames.isValid("a" + "b".repeat(63))).isFalse();
        assertThat(SiteNames.isValid("my.site")).isFalse();
        assertThat(SiteNames.isValid("Summit")).isFalse();
        assertThat(SiteNames.isValid("9lab")).isFalse();
        assertThat(SiteNames.isValid("")).isFalse();
        assertThat(SiteNames.isValid(null)).isFalse();
    }

    @Test
    void theMainSiteRefusesAnOriginNamedAsItselfOrNotAValidAlias() {
        assertThat(SiteNames.originProblem("observatory", "cologne")).isEmpty();
        assertThat(SiteNames.originProblem("cologne", "cologne")).contains("'cologne' is the main site's own name");
        assertThat(SiteNames.originProblem("Lab", "cologne"))
                .hasValueSatisfying(problem -> assertThat(problem).startsWith("'Lab' is not a valid site name ("));
    }
}
