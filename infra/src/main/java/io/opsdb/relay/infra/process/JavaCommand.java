package io.opsdb.relay.infra.process;

import io.opsdb.relay.infra.StackException;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Command lines for the stack's JVM processes: the java binary of this JVM, and for the infrastructure
 * processes this module's classpath as Maven wrote it at build time.
 */
public final class JavaCommand {

    /**
     * System property put on every JVM the stack starts, naming its work directory: a later run recognises its
     * leftovers by it (see {@link PidFiles#killLeftovers}).
     */
    public static final String WORK_DIR_PROPERTY = "localstack.workdir";

    private static final String INITIAL_HEAP = "32m";
    private static final int MAX_CACHED_NIO_BUFFER = 256 * 1024;
    private static final Duration NATIVE_HEAP_TRIM = Duration.ofSeconds(30);
    private static final int MAX_HEAP_FREE_PERCENT = 40;
    private static final int MIN_HEAP_FREE_PERCENT = 20;
    private static final Duration EXTRACT_TIMEOUT = Duration.ofMinutes(2);
    private static final String CLASSES = "infra/target/classes";
    private static final String RUNTIME_CLASSPATH = "infra/target/runtime-classpath.txt";

    private final Path workDir;
    private final String infraClasspath;

    private JavaCommand(Path workDir, String infraClasspath) {
        this.workDir = workDir;
        this.infraClasspath = infraClasspath;
    }

    /**
     * Commands on this module's classpath as built under {@code relayHome}, its classes copied into the work
     * directory first (see {@link WorkDirectory#snapshot(Path)}).
     *
     * @throws StackException if the module is not built
     */
    public static JavaCommand forBuild(Path relayHome, WorkDirectory workDir) {
        Path classes = relayHome.resolve(CLASSES);
        Path runtimeClasspath = relayHome.resolve(RUNTIME_CLASSPATH);
        if (!Files.isDirectory(classes) || !Files.isRegularFile(runtimeClasspath)) {
            throw new StackException(RUNTIME_CLASSPATH + " not found under " + relayHome
                    + ": build the project first (./mvnw -DskipTests install) or set -Drelay.home");
        }
        try {
            String dependencies = Files.readString(runtimeClasspath).trim();
            return new JavaCommand(workDir.root(), workDir.snapshot(classes) + File.pathSeparator + dependencies);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code java <options> -cp <infra classpath> <mainClass> <args>}, logging through {@code logback-component.xml}. */
    public List<String> mainClass(String maxHeap, String mainClass, List<String> args) {
        List<String> command = jvm(maxHeap);
        command.add("-Dlogback.configurationFile=logback-component.xml");
        command.add("-cp");
        command.add(infraClasspath);
        command.add(mainClass);
        command.addAll(args);
        return command;
    }

    /**
     * Extracts a Spring Boot jar into {@code destination} as its tools jar mode lays it out for production (the
     * application's own jar, with its libraries beside it on the manifest's class path), and returns that jar, to run
     * with {@link #jar}. Run so, every class is on the system class path, which is the only one native code finds
     * classes on from its own threads: RocksDB's event listeners (see producer-secondary's DeletedSpaceReclaimer)
     * failed with NoClassDefFoundError from inside the nested jar. Whatever was in {@code destination} goes.
     *
     * @return the extracted application jar; {@code bootJar} itself when it does not exist, for the component to report
     * @throws StackException when the extraction fails
     */
    public Path extractBootJar(Path bootJar, Path destination) {
        if (!Files.isRegularFile(bootJar)) {
            return bootJar;
        }
        WorkDirectory.deleteRecursively(destination);
        List<String> command = List.of(
                javaBinary(),
                "-Djarmode=tools",
                "-jar",
                bootJar.toString(),
                "extract",
                "--destination",
                destination.toString());
        // To a file, not a pipe read before the wait: a hung extraction must not hang the launcher past the timeout.
        Path output = destination.resolveSibling(destination.getFileName() + "-extract.log");
        try {
            Files.createDirectories(destination.getParent());
            Process process = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            if (!process.waitFor(EXTRACT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                throw new StackException("cannot extract " + bootJar + ": no end after " + EXTRACT_TIMEOUT);
            }
            if (process.exitValue() != 0) {
                throw new StackException("cannot extract " + bootJar + ": "
                        + Files.readString(output, StandardCharsets.UTF_8).strip());
            }
        } catch (IOException e) {
            throw new StackException("cannot extract " + bootJar + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StackException("interrupted while extracting " + bootJar, e);
        }
        return destination.resolve(bootJar.getFileName());
    }

    /** {@code java <options> -jar <jar>}: the applications. */
    public List<String> jar(String maxHeap, Path jar) {
        List<String> command = jvm(maxHeap);
        command.addAll(applicationOptions());
        command.add("-jar");
        command.add(jar.toString());
        return command;
    }

    /**
     * The options every JVM of the stack gets, apart from the launcher's own marker ({@link #WORK_DIR_PROPERTY}):
     * also those of docker-compose.yml's containers and of the application image (checked by DockerSettingsTest).
     */
    public static List<String> jvmOptions(String maxHeap) {
        List<String> options = new ArrayList<>();
        // The JVM's default initial heap is 1/64 of the machine's memory (384 MiB here): every process would hold
        // that much from its start whatever it needs. Start small and let the collector grow it to -Xmx on demand.
        options.add("-Xms" + INITIAL_HEAP);
        options.add("-Xmx" + maxHeap);
        // Eight processes share two cores: the serial collector spends no threads on concurrent GC.
        options.add("-XX:+UseSerialGC");
        options.add("-XX:+ExitOnOutOfMemoryError");
        options.add("-Djava.awt.headless=true");
        return options;
    }

    /** The options the applications get beyond {@link #jvmOptions}. */
    public static List<String> applicationOptions() {
        // A socket read into a heap buffer goes through a temporary direct buffer of the read's size, which the JDK
        // keeps per thread for good: with fetches of up to 16 MiB, an application's Kafka client threads held 108 MiB
        // of them ("Other" in native memory tracking, at the million-transaction run). Larger reads now get a
        // direct buffer that is freed after use.
        return List.of(
                "-Djdk.nio.maxCachedBufferSize=" + MAX_CACHED_NIO_BUFFER,
                // glibc keeps what RocksDB and the JDK freed in its arenas rather than giving it back: at a million
                // settled transactions one trim took the observatory's RSS from 501 to 434 MiB. The JVM trims every
                // so often itself (JDK 17.0.9 and later).
                "-XX:TrimNativeHeapInterval=" + NATIVE_HEAP_TRIM.toMillis(),
                // The serial collector gives heap back to the system only where more than MaxHeapFreeRatio of it is
                // free after a full collection (70 % by default): in the benchmark the observatory's old generation
                // stayed at 117 MiB committed with 63 MiB live, and its young generation is sized after it. At 40 %
                // a burst's heap is given back, and it grows again only when less than 20 % is free.
                "-XX:MaxHeapFreeRatio=" + MAX_HEAP_FREE_PERCENT,
                "-XX:MinHeapFreeRatio=" + MIN_HEAP_FREE_PERCENT);
    }

    private List<String> jvm(String maxHeap) {
        List<String> command = new ArrayList<>();
        command.add(javaBinary());
        command.addAll(jvmOptions(maxHeap));
        command.add("-D" + WORK_DIR_PROPERTY + "=" + workDir);
        return command;
    }

    private static String javaBinary() {
        return ProcessHandle.current()
                .info()
                .command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }
}
