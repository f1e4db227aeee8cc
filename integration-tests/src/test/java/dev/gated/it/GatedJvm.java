package dev.gated.it;

import dev.gated.cli.Gated;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The {@code gated} command as a separate JVM (so that a test can kill it): the shaded jar of the cli module when it
 * has been built, else the test class path. Used by {@link ResumeAfterKillTest} and the tune tests.
 */
final class GatedJvm {
    private GatedJvm() {
    }

    /** {@code java --add-modules jdk.incubator.vector -Xmx512m -jar cli/<build dir>/gated.jar}, or the class path. */
    static List<String> command() {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--add-modules");
        cmd.add("jdk.incubator.vector");
        cmd.add("-Xmx512m");
        Path jar = shadedJar();
        if (jar != null) {
            cmd.add("-jar");
            cmd.add(jar.toString());
        } else {
            cmd.add("-cp");
            cmd.add(System.getProperty("java.class.path"));
            cmd.add(Gated.class.getName());
        }
        return cmd;
    }

    /** Starts {@code gated ARGS} in {@code dir}, its stdout and stderr going to {@code log}. */
    static Process start(Path dir, Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(command());
        cmd.addAll(List.of(args));
        System.out.println("$ (cd " + dir + " && " + String.join(" ", cmd) + ")");
        return new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
    }

    /** This module's build folder (target, or whatever -Dgated.build.dir says). */
    static Path buildDir() {
        try {
            return Path.of(GatedJvm.class.getProtectionDomain().getCodeSource().getLocation().toURI()).getParent();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The shaded jar of the cli module built next to this module's classes: the build folder name (target, or
     * whatever -Dgated.build.dir says) is the one these test classes were compiled into. Null when not packaged
     * (e.g. {@code mvn test}) or older than the cli's classes.
     */
    private static Path shadedJar() {
        try {
            Path buildDir = buildDir(); // integration-tests/<build dir>
            Path module = buildDir.getParent();
            Path jar = module.resolveSibling("cli").resolve(buildDir.getFileName()).resolve("gated.jar");
            if (Files.isRegularFile(jar)
                    && Files.getLastModifiedTime(jar).compareTo(newestClass(module.resolveSibling("cli")
                    .resolve(buildDir.getFileName()).resolve("classes"))) >= 0) {
                return jar;
            }
        } catch (IOException | RuntimeException e) {
            // fall back to the class path
        }
        return null;
    }

    private static FileTime newestClass(Path classes) throws IOException {
        FileTime newest = FileTime.fromMillis(0);
        if (!Files.isDirectory(classes)) {
            return newest;
        }
        try (Stream<Path> s = Files.walk(classes)) {
            for (Path p : (Iterable<Path>) s.filter(Files::isRegularFile)::iterator) {
                FileTime t = Files.getLastModifiedTime(p);
                if (t.compareTo(newest) > 0) {
                    newest = t;
                }
            }
        }
        return newest;
    }
}
