package io.opsdb.relay.app.auth;

import io.opsdb.relay.site.Database;
import io.opsdb.relay.site.InvalidSiteConfigurationException;
import io.opsdb.relay.site.SiteConfiguration;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.Properties;
import java.util.function.Function;
import org.springframework.boot.env.PropertiesPropertySourceLoader;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;
import org.springframework.core.io.FileSystemResource;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.core.JdbcTemplate;
import org.springframework.jdbc.datasource.SingleConnectionDataSource;

/**
 * {@code java -jar relay-app-exec.jar create-token --username NAME --role ROLE}: issues an API token in the main
 * database named by the site settings (environment, then {@code .env}, then defaults, as the application reads
 * them), creating the user if needed, and prints the token alone on stdout, for a script to capture. This is how
 * the first admin token comes to be; later ones can be made through {@code POST /api/tokens}. Errors are one line
 * on stderr: exit code 1 when the token could not be made, 2 for wrong usage.
 */
public final class CreateTokenCommand {

    /** The first argument that selects this command. */
    public static final String NAME = "create-token";

    static final String USAGE = "usage: " + NAME + " --username NAME --role " + String.join("|", Role.valueSet());

    private static final String UNDEFINED_TABLE = "42P01";
    private static final int CONNECT_TIMEOUT_SECONDS = 10;

    private CreateTokenCommand() {}

    /** From {@code main}: runs the command with the process's settings and returns its exit code. */
    public static int run(String[] args) {
        // Before anything logs: the log goes to stderr, at WARN, so that stdout is the token alone.
        System.setProperty("logback.configurationFile", "logback-command.xml");
        Function<String, String> settings;
        try {
            settings = processSettings();
        } catch (IllegalStateException e) {
            System.err.println(NAME + ": " + e.getMessage());
            return 1;
        }
        return run(args, System.out, System.err, settings);
    }

    static int run(String[] args, PrintStream out, PrintStream err, Function<String, String> settings) {
        String username = null;
        String roleName = null;
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            int equals = arg.indexOf('=');
            String option = equals >= 0 ? arg.substring(0, equals) : arg;
            if (!option.equals("--username") && !option.equals("--role")) {
                return usage(err, "unknown option " + option);
            }
            String value;
            if (equals >= 0) {
                value = arg.substring(equals + 1);
            } else if (i + 1 < args.length) {
                value = args[++i];
            } else {
                return usage(err, "option " + option + " needs a value");
            }
            if (option.equals("--username")) {
                username = value;
            } else {
                roleName = value;
            }
        }
        if (username == null || username.isBlank() || username.length() > ApiTokenStore.MAX_USERNAME_LENGTH) {
            return usage(err, "--username is required, 1 to " + ApiTokenStore.MAX_USERNAME_LENGTH + " characters");
        }
        if (roleName == null || Role.fromValue(roleName).isEmpty()) {
            return usage(err, "--role is required, one of " + String.join(", ", Role.valueSet()));
        }
        Role role = Role.fromValue(roleName).orElseThrow();

        Database main;
        try {
            main = SiteConfiguration.load(settings).mainDb();
        } catch (InvalidSiteConfigurationException e) {
            err.println(NAME + ": invalid site settings: " + String.join("; ", e.problems()));
            return 1;
        }
        try (Connection connection = connect(main)) {
            ApiTokenStore store = new ApiTokenStore(new JdbcTemplate(new SingleConnectionDataSource(connection, true)));
            out.println(store.issue(username, role).token());
            out.flush();
            return 0;
        } catch (SQLException e) {
            err.println(NAME + ": cannot connect to the main database " + main + ": " + oneLine(e.getMessage()));
            return 1;
        } catch (DataAccessException e) {
            if (e.getMostSpecificCause() instanceof SQLException sql && UNDEFINED_TABLE.equals(sql.getSQLState())) {
                err.println(NAME + ": the main database " + main + " has no api_token table yet: start the main site"
                        + " once, so that its migrations run");
            } else {
                err.println(NAME + ": cannot store the token in the main database " + main + ": "
                        + oneLine(e.getMostSpecificCause().getMessage()));
            }
            return 1;
        }
    }

    private static int usage(PrintStream err, String problem) {
        err.println(NAME + ": " + problem + "; " + USAGE);
        return 2;
    }

    private static Connection connect(Database db) throws SQLException {
        Properties properties = new Properties();
        properties.setProperty("user", db.user());
        properties.setProperty("password", db.password());
        properties.setProperty("connectTimeout", String.valueOf(CONNECT_TIMEOUT_SECONDS));
        properties.setProperty("ApplicationName", "ops-db-relay " + NAME);
        return DriverManager.getConnection(db.jdbcUrl(), properties);
    }

    /** The settings as the application reads them: system properties, the environment, then {@code .env}. */
    private static Function<String, String> processSettings() {
        StandardEnvironment environment = new StandardEnvironment();
        Path dotEnv = Path.of(".env");
        if (Files.isRegularFile(dotEnv)) {
            try {
                for (PropertySource<?> source :
                        new PropertiesPropertySourceLoader().load(".env", new FileSystemResource(dotEnv))) {
                    environment.getPropertySources().addLast(source);
                }
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + dotEnv.toAbsolutePath() + ": " + e.getMessage(), e);
            }
        }
        return environment::getProperty;
    }

    private static String oneLine(String message) {
        return message == null ? "" : message.replaceAll("\\s*\\R\\s*", " ");
    }
}
