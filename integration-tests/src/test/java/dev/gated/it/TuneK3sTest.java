package dev.gated.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.model.Image;
import dev.gated.cli.Gated;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.Container.ExecResult;
import org.testcontainers.k3s.K3sContainer;
import org.testcontainers.utility.DockerImageName;
import org.testcontainers.utility.MountableFile;

/**
 * The manifest of {@code gated tune --kubernetes} on a real Kubernetes: k3s in a container (Testcontainers' k3s
 * module), the shipped CPU image imported into its containerd, the steps the manifest's header gives (the volume
 * and helper pod, the files copied in with its tar line, the Job), then the Job must complete and the journal show
 * every trial ended once, claimed by workers named after their completion index.
 *
 * <p>It needs a {@code rancher/k3s} image in the local Docker (or {@code -Dgated.k3sImage=IMAGE}); none can be
 * pulled on machines without a registry, where it skips with the reason (also in CI).
 */
class TuneK3sTest {
    private static final String K3S = "rancher/k3s";
    private static final String IMAGE = "gated-tune-k3s-test:cpu";
    private static final String ELSEWHERE = "; the same workers are tested as local processes (TuneWorkersTest) and "
            + "as containers of the shipped image (TuneContainerTest)";

    private static String k3sImage;
    private static String skipReason;

    @TempDir
    Path tmp;

    @BeforeAll
    static void dockerAndAK3sImage() {
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            skipReason = "no usable Docker daemon to run k3s in" + ELSEWHERE;
            return;
        }
        k3sImage = Optional.ofNullable(System.getProperty("gated.k3sImage")).or(TuneK3sTest::localK3sImage)
                .orElse(null);
        if (k3sImage == null) {
            skipReason = "no " + K3S + " image on this machine and no registry to pull it from" + ELSEWHERE;
            return;
        }
        skipReason = ShippedImage.unavailable(TuneK3sTest.class);
    }

    @BeforeEach
    void skipWithTheReason() {
        if (skipReason != null) {
            System.out.println("SKIPPED " + TuneK3sTest.class.getSimpleName() + ": " + skipReason);
        }
        Assumptions.assumeTrue(skipReason == null, skipReason);
    }

    @Test
    void theIndexedJobRunsTheStudyToTheEnd() throws Exception {
        Path dir = tmp.resolve("study");
        TuneStudies.write(dir, 4, 2, "cpu");
        // Written from the study's folder, as a user would: the paths in it are study.yaml, job.yaml, ...
        Path log = tmp.resolve("manifest.log");
        Process p = GatedJvm.start(dir, log, "tune", "study.yaml", "--kubernetes", "--workers", "2", "--cpus", "1",
                "--memory", "1Gi", "--image", IMAGE, "--output", "kubernetes.yaml");
        assertTrue(p.waitFor(60, TimeUnit.SECONDS), () -> read(log));
        assertEquals(Gated.OK, p.exitValue(), () -> read(log));
        String manifest = Files.readString(dir.resolve("kubernetes.yaml"));
        // k3s's local-path provisioner gives ReadWriteOnce volumes only; on its one node every pod shares it.
        Files.writeString(dir.resolve("k3s.yaml"), manifest.replace("- ReadWriteMany", "- ReadWriteOnce"));
        String copy = manifest.lines().map(String::strip).filter(l -> l.startsWith("#      tar cf - "))
                .findFirst().orElseThrow().substring(1).strip();

        DockerClient docker = DockerClientFactory.instance().client();
        docker.tagImageCmd(ShippedImage.cpu().get(), "gated-tune-k3s-test", "cpu").exec();
        Path tar = tmp.resolve("image.tar");
        try (InputStream in = docker.saveImageCmd(IMAGE).exec()) {
            Files.copy(in, tar, StandardCopyOption.REPLACE_EXISTING);
        }
        try (K3sContainer k3s = new K3sContainer(DockerImageName.parse(k3sImage).asCompatibleSubstituteFor(K3S))) {
            k3s.start();
            k3s.copyFileToContainer(MountableFile.forHostPath(tar), "/tmp/gated.tar");
            for (String f : List.of("study.yaml", "job.yaml", "seattle-weather.csv", "k3s.yaml")) {
                k3s.copyFileToContainer(MountableFile.forHostPath(dir.resolve(f)), "/tmp/study/" + f);
            }
            exec(k3s, "k3s", "ctr", "-n", "k8s.io", "images", "import", "/tmp/gated.tar");
            exec(k3s, "kubectl", "apply", "-f", "/tmp/study/k3s.yaml", "-l", "app.kubernetes.io/component=study-volume");
            exec(k3s, "kubectl", "wait", "--for=condition=Ready", "pod/gated-study-study-files", "--timeout=180s");
            exec(k3s, "sh", "-c", "cd /tmp/study && " + copy);
            exec(k3s, "kubectl", "apply", "-f", "/tmp/study/k3s.yaml");
            ExecResult done = k3s.execInContainer("kubectl", "wait", "--for=condition=complete",
                    "job/gated-tune-study", "--timeout=300s");
            String logs = k3s.execInContainer("kubectl", "logs", "-l", "job-name=gated-tune-study", "--prefix")
                    .getStdout();
            assertEquals(0, done.getExitCode(), () -> done.getStderr() + "\n" + logs + "\n"
                    + execQuietly(k3s, "kubectl", "describe", "job/gated-tune-study"));

            String journal = exec(k3s, "kubectl", "exec", "gated-study-study-files", "--", "cat",
                    "/study/runs/tune/study/journal.jsonl");
            Path copied = Files.createDirectories(tmp.resolve("copied"));
            Files.writeString(copied.resolve("journal.jsonl"), journal);
            TuneStudies.Journal j = TuneStudies.Journal.read(copied);
            j.assertEveryTrialEndedOnce(4);
            assertTrue(j.claimsByWorker().keySet().stream().allMatch(w -> w.matches("index-[01]@gated-tune-study-.*")),
                    () -> "workers named by $(JOB_COMPLETION_INDEX): " + j.claimsByWorker());

            String show = exec(k3s, "kubectl", "exec", "gated-study-study-files", "--", "gated", "tune", "study.yaml",
                    "--show");
            assertTrue(show.contains("best: trial "), show);
        } finally {
            docker.removeImageCmd(IMAGE).exec(); // the tag only
        }
    }

    private static String exec(K3sContainer k3s, String... cmd) throws Exception {
        ExecResult r = k3s.execInContainer(cmd);
        System.out.println("$ " + String.join(" ", cmd) + "\n" + r.getStdout() + r.getStderr());
        assertEquals(0, r.getExitCode(), () -> String.join(" ", cmd) + "\n" + r.getStdout() + r.getStderr());
        return r.getStdout();
    }

    private static String execQuietly(K3sContainer k3s, String... cmd) {
        try {
            return k3s.execInContainer(cmd).getStdout();
        } catch (Exception e) {
            return e.toString();
        }
    }

    private static String read(Path f) {
        try {
            return Files.readString(f);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    /** A rancher/k3s image in the local Docker, if any. */
    private static Optional<String> localK3sImage() {
        try {
            List<Image> images = DockerClientFactory.instance().client().listImagesCmd().exec();
            return images.stream().filter(i -> i.getRepoTags() != null).flatMap(i -> Arrays.stream(i.getRepoTags()))
                    .filter(t -> t.startsWith(K3S + ":") || t.startsWith("docker.io/" + K3S + ":")).findFirst();
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }
}
