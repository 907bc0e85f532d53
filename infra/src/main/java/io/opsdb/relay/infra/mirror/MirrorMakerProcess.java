package io.opsdb.relay.infra.mirror;

import io.opsdb.relay.infra.kafka.KafkaCluster;
import io.opsdb.relay.infra.process.JavaCommand;
import io.opsdb.relay.infra.process.JvmProcessComponent;
import io.opsdb.relay.infra.process.WorkDirectory;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * MirrorMaker 2 in dedicated mode for one target cluster ({@code --clusters <target>}): it consumes the remote
 * cluster and produces locally, as MirrorMaker 2 is meant to be deployed. Ready once the mirrored topic exists on
 * the target and this process's replication task has reported itself running ({@link MirrorTaskStatus}); a process
 * that merely started, or one left from before a restart, is not ready.
 *
 * <p>MirrorMaker 2 exits when it cannot describe a cluster while it starts (an unreachable or overloaded WAN), so an
 * exit while starting is retried within the start timeout, and the stack's supervision starts it again when it exits
 * later.
 */
public final class MirrorMakerProcess extends JvmProcessComponent {

    // A few seconds on an idle machine; 60-80 s were measured while a stack of several sites started its JVMs beside
    // other stacks on two cores.
    private static final Duration START_TIMEOUT = Duration.ofSeconds(180);
    private static final String MAIN_CLASS = "org.apache.kafka.connect.mirror.MirrorMaker";

    /** A MirrorMaker 2 JVM's {@code -Xmx}. */
    public static final String MAX_HEAP = "256m";

    private final Path propertiesFile;
    private final KafkaCluster source;
    private final KafkaCluster target;
    private final String mirroredTopic;

    /**
     * @param propertiesFile the shared {@code mm2.properties}, written before the first start
     * @param mirroredTopic  the topic whose appearance on {@code target} shows the flow runs
     */
    public MirrorMakerProcess(
            String name,
            Path propertiesFile,
            KafkaCluster source,
            KafkaCluster target,
            String mirroredTopic,
            WorkDirectory workDir,
            JavaCommand java) {
        super(name, START_TIMEOUT, workDir, java);
        this.propertiesFile = propertiesFile;
        this.source = source;
        this.target = target;
        this.mirroredTopic = mirroredTopic;
    }

    @Override
    protected List<String> command() {
        return java.mainClass(MAX_HEAP, MAIN_CLASS, List.of(propertiesFile.toString(), "--clusters", target.alias()));
    }

    @Override
    protected boolean retriesExitWhileStarting() {
        return true;
    }

    @Override
    protected boolean isReady() throws Exception {
        Instant launched = launchedAt();
        return target.topicExists(mirroredTopic) && MirrorTaskStatus.runningSince(source.alias(), target, launched);
    }

    @Override
    protected String readiness() {
        return name() + " created " + mirroredTopic + " on " + target.alias() + " and its "
                + MirrorTaskStatus.SOURCE_TASK + " reported RUNNING";
    }
}
