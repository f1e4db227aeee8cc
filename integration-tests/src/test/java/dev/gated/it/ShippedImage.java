package dev.gated.it;

import static org.junit.jupiter.api.Assertions.fail;

import com.github.dockerjava.api.DockerClient;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.containers.startupcheck.StartupCheckStrategy;
import org.testcontainers.images.builder.ImageFromDockerfile;

/**
 * The shipped CPU image for the container tests ({@link ContainerJobTest}, {@link TuneContainerTest}):
 * Testcontainers builds {@code docker/Dockerfile.cpu} from the sources, as users do (its {@code build} stage runs
 * Maven on {@code gated-build:local}, its image is {@code gated-base:local}: made by
 * {@code docker/make-build-image.sh} and {@code make-base-image.sh}, no registry is needed).
 *
 * <p>Without Docker or those two images the tests skip with the reason, except when the environment variable
 * {@code CI} is set (or {@code -Drequire.docker=true}): then they fail, so CI cannot pass silently without them.
 */
final class ShippedImage {
    static final Path REPO = Files.isDirectory(Path.of("../docker")) ? Path.of("..") : Path.of(".");
    static final Path DOCKERFILE = REPO.resolve("docker/Dockerfile.cpu");
    static final String BASE_IMAGE = System.getProperty("gated.baseImage", "gated-base:local");
    /** JDK, Maven and a Maven repository seeded for the build, offline (docker/make-build-image.sh). */
    static final String BUILD_IMAGE = System.getProperty("gated.buildImage", "gated-build:local");
    /** The image's user (Dockerfile.cpu ARG GATED_UID). */
    static final int UID = 10001;
    /** The tag the tests build it as; kept after the run, so that Docker's layer cache makes the next build quick. */
    static final String TAG = "gated-cpu-test:latest";

    private static ImageFromDockerfile image;

    private ShippedImage() {
    }

    /**
     * Null when Docker and the build's two images are there; else why the tests of {@code test} skip (printed, so
     * the log says why). Fails instead when container tests are required (CI / require.docker).
     */
    static String unavailable(Class<?> test) {
        boolean required = System.getenv("CI") != null || Boolean.getBoolean("require.docker");
        String missing = null;
        if (!DockerClientFactory.instance().isDockerAvailable()) {
            missing = "no usable Docker daemon (start one with docker/start-docker.sh)";
        } else if (!imageExists(BUILD_IMAGE)) {
            missing = "the build image " + BUILD_IMAGE + " is missing (make it with docker/make-build-image.sh)";
        } else if (!imageExists(BASE_IMAGE)) {
            missing = "the base image " + BASE_IMAGE + " is missing (make it with docker/make-base-image.sh)";
        }
        if (missing == null) {
            return null;
        }
        if (required) {
            fail("container tests are required here (CI / require.docker) but " + missing);
        }
        System.out.println("SKIPPED " + test.getSimpleName() + ": " + missing);
        return "container tests skipped: " + missing;
    }

    /**
     * The image, built on first use. Its build context is what the Dockerfile copies (poms, module sources, the
     * entrypoint), so no jar built on the host and no build folder goes in.
     */
    static synchronized ImageFromDockerfile cpu() {
        if (image == null) {
            try {
                ImageFromDockerfile i = new ImageFromDockerfile(TAG, false)
                        .withFileFromPath("Dockerfile", DOCKERFILE)
                        .withBuildArg("BUILD_IMAGE", BUILD_IMAGE)
                        .withBuildArg("BASE_IMAGE", BASE_IMAGE);
                for (String source : Dockerfiles.contextSources(Dockerfiles.parse(Files.readString(DOCKERFILE)))) {
                    i.withFileFromPath(source, REPO.resolve(source));
                }
                image = i;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return image;
    }

    static boolean imageExists(String name) {
        try {
            DockerClientFactory.instance().client().inspectImageCmd(name).exec();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** "Started" means exited, whatever the code (the one-shot strategies treat a non-zero exit as a failure). */
    static final class ExitedStartupCheck extends StartupCheckStrategy {
        @Override
        public StartupStatus checkStartupState(DockerClient docker, String id) {
            return Boolean.TRUE.equals(getCurrentState(docker, id).getRunning())
                    ? StartupStatus.NOT_YET_KNOWN : StartupStatus.SUCCESSFUL;
        }
    }
}
