package io.opsdb.relay.site;

import java.util.List;

/** Settings that stop start-up: one line per problem, each naming the setting and what is allowed. */
public class InvalidSiteConfigurationException extends RuntimeException {

    private final List<String> problems;

    public InvalidSiteConfigurationException(List<String> problems) {
        super(String.join("\n", problems));
        this.problems = List.copyOf(problems);
    }

    public List<String> problems() {
        return problems;
    }
}
