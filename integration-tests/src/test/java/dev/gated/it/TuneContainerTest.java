package dev.gated.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.BindMode;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.startupcheck.StartupCheckStrategy;

/**
 * Study workers as containers of the shipped CPU image ({@link ShippedImage}), as pods of the Job that
 * {@code gated tune --kubernetes} writes run them: two containers of {@code gated tune /study/study.yaml --worker},
 * started together, with the same host folder at /study (read-write, working directory), as the image's non-root
 * user, on a read-only root filesystem, with no network. Required when CI is set, like {@link ContainerJobTest}.
 */
class TuneContainerTest {
    private static String skipReason;

    @TempDir
    Path tmp;

    @BeforeAll
    static void docker() {
        skipReason = ShippedImage.unavailable(TuneContainerTest.class);
    }

    @BeforeEach
    void skipWithTheReason() {
        Assumptions.assumeTrue(skipReason == null, skipReason);
    }

    @Test
    void twoContainerWorkersShareTheStudyFolder() throws Exception {
        Path dir = tmp.resolve("study");
        TuneStudies.write(dir, 6, 2, "cpu");
        // The image runs as uid 10001; the folder and the files the test wrote are root's.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxrwxrwx"));

        ShippedImage.cpu().get(); // built first (or found in Docker's cache), so that the workers start together
        try (GenericContainer<?> a = worker(dir); GenericContainer<?> b = worker(dir)) {
            long t0 = System.nanoTime();
            a.start(); // returns once Docker has started it (see StartedCheck)
            b.start();
            DockerClient docker = a.getDockerClient();
            InspectContainerResponse ia = awaitExit(docker, a.getContainerId());
            InspectContainerResponse ib = awaitExit(docker, b.getContainerId());
            System.out.printf("two container workers, 6 trials: %.1f s%n", (System.nanoTime() - t0) / 1e9);
            String logs = "--- a ---\n" + a.getLogs() + "--- b ---\n" + b.getLogs();
            System.out.println(logs);
            assertEquals(0L, ia.getState().getExitCodeLong(), logs);
            assertEquals(0L, ib.getState().getExitCodeLong(), logs);
            assertEquals(ShippedImage.UID + ":" + ShippedImage.UID, ia.getConfig().getUser());
            assertTrue(ia.getHostConfig().getReadonlyRootfs());

            String hostA = ia.getConfig().getHostName();
            String hostB = ib.getConfig().getHostName();
            assertNotEquals(hostA, hostB);
            TuneStudies.Journal j = TuneStudies.Journal.read(dir.resolve(TuneStudies.STUDY_DIR));
            j.assertEveryTrialEndedOnce(6);
            Map<String, Long> claims = j.claimsByWorker();
            // java is PID 1 in each container (the image's entrypoint execs it): the hostname tells them apart.
            assertEquals(List.of("worker@" + hostA + ":1", "worker@" + hostB + ":1").stream().sorted().toList(),
                    List.copyOf(claims.keySet()), () -> "both container workers claimed trials: " + claims + "\n" + logs);
            assertEquals(ShippedImage.UID, Files.getAttribute(dir.resolve(TuneStudies.STUDY_DIR)
                    .resolve("journal.jsonl"), "unix:uid"), "written by the image's user");
        }
    }

    /** One worker container; not started. */
    @SuppressWarnings("resource") // closed by the caller's try-with-resources
    private static GenericContainer<?> worker(Path dir) {
        return new GenericContainer<>(ShippedImage.cpu())
                .withNetworkMode("none")
                .withFileSystemBind(dir.toAbsolutePath().toString(), "/study", BindMode.READ_WRITE)
                .withWorkingDirectory("/study")
                .withCommand("tune", "/study/study.yaml", "--worker")
                .withCreateContainerCmdModifier(cmd -> cmd.getHostConfig().withReadonlyRootfs(true))
                .withStartupCheckStrategy(new StartedCheck());
    }

    /** "Started" as soon as Docker has started it, so that the two workers run at the same time. */
    private static final class StartedCheck extends StartupCheckStrategy {
        @Override
        public StartupStatus checkStartupState(DockerClient docker, String id) {
            return StartupStatus.SUCCESSFUL;
        }
    }

    private static InspectContainerResponse awaitExit(DockerClient docker, String id) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < deadline) {
            InspectContainerResponse info = docker.inspectContainerCmd(id).exec();
            if (!Boolean.TRUE.equals(info.getState().getRunning())) {
                return info;
            }
            Thread.sleep(100);
        }
        throw new AssertionError("the worker container " + id + " still ran after 3 minutes");
    }
}
