package io.opsdb.relay.infra.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.opsdb.relay.infra.StackException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JavaCommandTest {

    @TempDir
    Path dir;

    private JavaCommand java() {
        return JavaCommand.forBuild(Path.of("..").toAbsolutePath().normalize(), new WorkDirectory(dir.resolve("work")));
    }

    @Test
    void aJarThatIsNoSpringBootJarIsRefusedWithWhatTheExtractionSaidAndNothingIsLeftAsIfExtracted() throws Exception {
        Path jar = dir.resolve("plain.jar");
        try (OutputStream file = Files.newOutputStream(jar);
                ZipOutputStream zip = new ZipOutputStream(file)) {
            zip.putNextEntry(new ZipEntry("hello.txt"));
            zip.write("not an application".getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
        }
        Path destination = dir.resolve("work/lib/plain");

        assertThatThrownBy(() -> java().extractBootJar(jar, destination))
                .isInstanceOf(StackException.class)
                .hasMessageStartingWith("cannot extract " + jar + ": ")
                .hasMessageContaining("Invalid or corrupt jarfile");
        assertThat(destination.resolve("plain.jar")).doesNotExist();
    }

    @Test
    void aJarNotBuiltYetIsHandedBackForItsComponentToReport() {
        Path missing = dir.resolve("relay-app-exec.jar");

        assertThat(java().extractBootJar(missing, dir.resolve("work/lib/relay-app")))
                .isEqualTo(missing);
    }
}
