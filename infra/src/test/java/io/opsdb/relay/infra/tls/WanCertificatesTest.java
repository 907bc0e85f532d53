package io.opsdb.relay.infra.tls;

import static org.assertj.core.api.Assertions.assertThat;

import io.opsdb.relay.infra.process.WorkDirectory;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WanCertificatesTest {

    @TempDir
    Path dir;

    @Test
    void aServersKeystoreHoldsAChainToTheStacksCaForLocalhostAndTheLoopbackAddress() throws Exception {
        WanCertificates certificates = new WanCertificates(new WorkDirectory(dir));

        Path keystore = certificates.keystore("kafka-cologne");

        char[] password = certificates.storePassword().toCharArray();
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            store.load(in, password);
        }
        Certificate[] chain = store.getCertificateChain("kafka-cologne");
        X509Certificate ca = caCertificate(certificates.caCertificate());
        assertThat(chain).hasSize(2);
        X509Certificate server = (X509Certificate) chain[0];
        server.verify(ca.getPublicKey());
        assertThat(server.getSubjectX500Principal().getName()).isEqualTo("CN=localhost");
        List<Object> alternativeNames = server.getSubjectAlternativeNames().stream()
                .map(name -> (Object) name.get(1))
                .toList();
        assertThat(alternativeNames).containsExactlyInAnyOrder("localhost", "127.0.0.1");
        assertThat(ca.getBasicConstraints()).as("the CA may sign").isGreaterThanOrEqualTo(0);

        KeyStore truststore = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(certificates.truststore())) {
            truststore.load(in, password);
        }
        assertThat(truststore.getCertificate("ca")).isEqualTo(ca);

        Path key = certificates.directory().resolve("kafka-cologne.key");
        assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----\n");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(key)))
                .isEqualTo("rw-------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(certificates.secretsFile())))
                .isEqualTo("rw-------");
        assertThat(List.of(certificates.mirrorUser(), certificates.mirrorPassword(), certificates.storePassword()))
                .doesNotContainNull()
                .doesNotHaveDuplicates();
        assertThat(certificates.mirrorPassword()).matches("[A-Za-z0-9_-]{32}");

        // Kept: a second call neither makes a new key pair nor a new CA.
        byte[] before = Files.readAllBytes(keystore);
        assertThat(Files.readAllBytes(new WanCertificates(new WorkDirectory(dir)).keystore("kafka-cologne")))
                .isEqualTo(before);
    }

    private static X509Certificate caCertificate(Path pem) throws Exception {
        try (InputStream in = Files.newInputStream(pem)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
    }
}
