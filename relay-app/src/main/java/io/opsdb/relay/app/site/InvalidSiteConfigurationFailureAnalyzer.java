package io.opsdb.relay.app.site;

import io.opsdb.relay.site.InvalidSiteConfigurationException;
import io.opsdb.relay.site.SiteSetting;
import java.util.Arrays;
import java.util.stream.Collectors;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/** Start-up stopped by settings: one line per problem, without a stack trace. */
class InvalidSiteConfigurationFailureAnalyzer extends AbstractFailureAnalyzer<InvalidSiteConfigurationException> {

    @Override
    protected FailureAnalysis analyze(Throwable rootFailure, InvalidSiteConfigurationException cause) {
        return new FailureAnalysis(
                "Invalid site settings:\n  " + String.join("\n  ", cause.problems()),
                "Fix the settings above (environment variables or .env). Known settings: "
                        + Arrays.stream(SiteSetting.values())
                                .map(SiteSetting::variable)
                                .collect(Collectors.joining(", ")),
                cause);
    }
}
