package io.opsdb.relay.site;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README's settings table is generated from {@link SiteSetting}; this keeps the copy in step. */
class SiteSettingsDocTest {

    static final String BEGIN = "<!-- settings:begin -->\n";
    static final String END = "<!-- settings:end -->";

    @Test
    void readmeListsEverySettingAsDefined() throws IOException {
        Path readme = Path.of("..", "README.md");
        String text = Files.readString(readme);
        String current = text.substring(text.indexOf(BEGIN) + BEGIN.length(), text.indexOf(END));
        String generated = SiteSetting.markdownTable();
        if (!current.equals(generated) && Boolean.getBoolean("relay.regenerate-docs")) {
            Files.writeString(readme, text.replace(BEGIN + current + END, BEGIN + generated + END));
            current = generated;
        }
        assertThat(current)
                .as("README settings table; regenerate with ./mvnw -pl site-config test -Drelay.regenerate-docs=true")
                .isEqualTo(generated);
    }
}
