package io.opsdb.relay.infra.tls;

import io.opsdb.relay.infra.StackException;
import io.opsdb.relay.infra.process.SupervisedProcess;
import io.opsdb.relay.infra.process.WorkDirectory;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Properties;

/**
 * The local stack's certificates and WAN credentials, under {@code <workdir>/secrets/tls/}: one self-signed CA per
 * stack, and per server (each Kafka cluster's WAN listener, the primary) a key pair whose certificate the CA signed,
 * for {@code localhost} and {@code 127.0.0.1} so that hostname verification passes. Made with the JDK's
 * {@code keytool} on first use and kept; the passwords are random per stack and kept only in
 * {@value #SECRETS_FILE} (mode 600), never in code or logs.
 *
 * <p>Files: {@code ca.p12} (the CA's key, only for signing), {@code ca.pem} (the CA certificate: PostgreSQL clients'
 * {@code sslrootcert}), {@code truststore.p12} (the CA certificate: Kafka clients' truststore), {@code <server>.p12}
 * (key and chain: a broker's keystore), {@code <server>.crt} and {@code <server>.key} (PEM, for PostgreSQL).
 */
public final class WanCertificates {

    /** The properties file MirrorMaker 2 reads its secrets from (Kafka's {@code FileConfigProvider}). */
    public static final String SECRETS_FILE = "wan.properties";
    /** In {@value #SECRETS_FILE}: the password of every keystore and the truststore. */
    public static final String STORE_PASSWORD = "store.password";
    /** In {@value #SECRETS_FILE}: MirrorMaker 2's SCRAM user. */
    public static final String MIRROR_USER = "mirror.user";
    /** In {@value #SECRETS_FILE}: MirrorMaker 2's SCRAM password. */
    public static final String MIRROR_PASSWORD = "mirror.password";

    private static final String MIRROR_USER_NAME = "mirror";
    private static final String CA_ALIAS = "ca";
    private static final String PASSWORD_VARIABLE = "RELAY_TLS_STORE_PASSWORD";
    private static final Duration KEYTOOL_TIMEOUT = Duration.ofSeconds(120);
    // Two years and a bit, browsers' limit; a local stack is made afresh long before.
    private static final String VALIDITY_DAYS = "825";

    private final Path directory;
    private final Path logFile;

    public WanCertificates(WorkDirectory workDir) {
        this.directory = workDir.secrets().resolve("tls");
        this.logFile = workDir.logFile("keytool");
    }

    /** {@code <workdir>/secrets/tls}. */
    public Path directory() {
        return directory;
    }

    /** The secrets file MirrorMaker 2's configuration refers to. */
    public Path secretsFile() {
        return directory.resolve(SECRETS_FILE);
    }

    /** The CA certificate, PEM: what a client trusts. */
    public Path caCertificate() {
        return directory.resolve("ca.pem");
    }

    /** The CA certificate in a PKCS12 truststore (password {@link #storePassword()}). */
    public Path truststore() {
        return directory.resolve("truststore.p12");
    }

    /** The PKCS12 keystore of {@code server} (password {@link #storePassword()}), made if missing. */
    public synchronized Path keystore(String server) {
        ensureCa();
        Path keystore = directory.resolve(server + ".p12");
        Path done = directory.resolve(server + ".crt");
        if (Files.exists(done)) {
            return keystore;
        }
        try {
            Files.deleteIfExists(keystore);
            Path request = directory.resolve(server + ".csr");
            Path signed = directory.resolve(server + ".signed.pem");
            keytool("-genkeypair", server, keystore, newKeyPair("CN=localhost"));
            keytool("-certreq", server, keystore, List.of("-file", request.toString()));
            keytool(
                    "-gencert",
                    CA_ALIAS,
                    caKeystore(),
                    List.of(
                            "-infile",
                            request.toString(),
                            "-outfile",
                            signed.toString(),
                            "-rfc",
                            "-validity",
                            VALIDITY_DAYS,
                            "-ext",
                            "SAN=dns:localhost,ip:127.0.0.1",
                            "-ext",
                            "EKU=serverAuth"));
            // The CA first, so that keytool can build the chain of the signed certificate it installs next.
            importCertificate(keystore, CA_ALIAS, caCertificate());
            importCertificate(keystore, server, signed);
            writePrivateKeyPem(keystore, server, directory.resolve(server + ".key"));
            Files.move(signed, done);
            Files.deleteIfExists(request);
            return keystore;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The password of every keystore and the truststore. */
    public String storePassword() {
        return secrets().getProperty(STORE_PASSWORD);
    }

    /** MirrorMaker 2's SCRAM user. */
    public String mirrorUser() {
        return secrets().getProperty(MIRROR_USER);
    }

    /** MirrorMaker 2's SCRAM password. */
    public String mirrorPassword() {
        return secrets().getProperty(MIRROR_PASSWORD);
    }

    /** The CA, the truststore and the secrets, made if missing. */
    public synchronized void ensureCa() {
        if (Files.exists(truststore())) {
            return;
        }
        try {
            // What an interrupted first attempt left: the CA is made afresh, so are its servers' certificates.
            WorkDirectory.deleteRecursively(directory);
            Files.createDirectories(directory);
            Files.setPosixFilePermissions(directory, PosixFilePermissions.fromString("rwx------"));
            writeSecrets();
            List<String> ca = new ArrayList<>(newKeyPair("CN=ops-db-relay local stack CA"));
            ca.addAll(List.of("-ext", "bc:c"));
            keytool("-genkeypair", CA_ALIAS, caKeystore(), ca);
            keytool(
                    "-exportcert",
                    CA_ALIAS,
                    caKeystore(),
                    List.of("-rfc", "-file", caCertificate().toString()));
            Path truststore = directory.resolve("truststore.p12.partial");
            importCertificate(truststore, CA_ALIAS, caCertificate());
            Files.move(truststore, truststore());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Path caKeystore() {
        return directory.resolve("ca.p12");
    }

    private void importCertificate(Path keystore, String alias, Path certificate) {
        keytool(
                "-importcert",
                alias,
                keystore,
                List.of("-noprompt", "-file", certificate.toString(), "-storetype", "PKCS12"));
    }

    /** The arguments of {@code -genkeypair} beyond alias and keystore: an EC key, its certificate for {@code dname}. */
    private static List<String> newKeyPair(String dname) {
        return List.of(
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                dname,
                "-validity",
                VALIDITY_DAYS,
                "-storetype",
                "PKCS12",
                "-keypass:env",
                PASSWORD_VARIABLE);
    }

    private void writeSecrets() throws IOException {
        Properties secrets = new Properties();
        secrets.setProperty(STORE_PASSWORD, randomPassword());
        secrets.setProperty(MIRROR_USER, MIRROR_USER_NAME);
        secrets.setProperty(MIRROR_PASSWORD, randomPassword());
        Path file = secretsFile();
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try (var writer = Files.newBufferedWriter(file)) {
            secrets.store(writer, "WAN secrets of this local stack: never commit or log");
        }
    }

    private Properties secrets() {
        Properties secrets = new Properties();
        try (Reader reader = Files.newBufferedReader(secretsFile())) {
            secrets.load(reader);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + secretsFile() + ": " + e.getMessage(), e);
        }
        return secrets;
    }

    /** Base64url without padding: no character that SCRAM's format argument, JAAS or a URL would need quoted. */
    private static String randomPassword() {
        byte[] random = new byte[24];
        new SecureRandom().nextBytes(random);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(random);
    }

    /** PostgreSQL reads an unencrypted PKCS #8 PEM key; the JDK's keytool cannot export one, KeyStore can. */
    private void writePrivateKeyPem(Path keystore, String alias, Path pem) throws IOException {
        char[] password = storePassword().toCharArray();
        Key key;
        try (InputStream in = Files.newInputStream(keystore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
            key = store.getKey(alias, password);
        } catch (GeneralSecurityException e) {
            throw new StackException(
                    "cannot read the key of " + alias + " from " + keystore + ": " + e.getMessage(), e);
        }
        String body = Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(key.getEncoded());
        Files.deleteIfExists(pem);
        Files.createFile(pem, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(pem, "-----BEGIN PRIVATE KEY-----\n" + body + "\n-----END PRIVATE KEY-----\n");
    }

    /** Runs {@code keytool <command>} on {@code alias} in {@code keystore}, the store password from the environment. */
    private void keytool(String command, String alias, Path keystore, List<String> more) {
        List<String> args = new ArrayList<>(List.of(
                command, "-alias", alias, "-keystore", keystore.toString(), "-storepass:env", PASSWORD_VARIABLE));
        args.addAll(more);
        run(args);
    }

    private void run(List<String> args) {
        try {
            Files.createDirectories(logFile.getParent());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(args);
        // The password in the environment, not on the command line, so that ps does not show it.
        SupervisedProcess.run(
                "keytool " + args.get(0),
                command,
                Map.of(PASSWORD_VARIABLE, storePassword()),
                logFile,
                KEYTOOL_TIMEOUT);
    }
}
