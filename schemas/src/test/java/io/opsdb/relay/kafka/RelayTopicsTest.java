package io.opsdb.relay.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class RelayTopicsTest {

    @Test
    void eachSiteHasItsOwnOutcomeTopicAtTheMainSite() {
        assertThat(RelayTopics.outcomes("observatory")).isEqualTo("ops.outcomes.observatory");
        assertThat(RelayTopics.outcomes("summit")).isEqualTo("ops.outcomes.summit");
    }

    @Test
    void aSecondaryFollowsItsOwnMirroredOutcomesAndTheSingleTopicOfBeforeButNoOtherSites() {
        Pattern summit = RelayTopics.mirroredOutcomes("summit");

        assertThat(summit.matcher("cologne.ops.outcomes.summit").matches()).isTrue();
        assertThat(summit.matcher("cologne.ops.outcomes").matches())
                .as("an upgraded deployment's leftovers")
                .isTrue();
        assertThat(summit.matcher("cologne.ops.outcomes.observatory").matches()).isFalse();
        assertThat(summit.matcher("cologne.ops.outcomes.summit2").matches()).isFalse();
        assertThat(summit.matcher("ops.outcomes.summit").matches())
                .as("the main site's own topic, not a mirror")
                .isFalse();
        assertThat(summit.matcher("cologne.ops.commands").matches()).isFalse();
    }

    @Test
    void aSiteNameIsTakenLiterallyInThePattern() {
        Pattern punctuated = RelayTopics.mirroredOutcomes("a-b_c");

        assertThat(punctuated.matcher("cologne.ops.outcomes.a-b_c").matches()).isTrue();
        assertThat(RelayTopics.mirroredOutcomes("a.c")
                        .matcher("cologne.ops.outcomes.abc")
                        .matches())
                .isFalse();
    }

    @Test
    void theSourceSiteOfAMirroredOutcomeTopicIsTheMainSite() {
        assertThat(RelayTopics.sourceSite("cologne.ops.outcomes.summit")).isEqualTo("cologne");
    }
}
