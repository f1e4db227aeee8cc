package dev.gated.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.gated.cli.Gated;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code gated tune STUDY --kubernetes}: the manifest is valid YAML with the volume, the helper pod and an Indexed
 * Job whose pods run workers as docker/k8s-job.yaml runs training (same failure policy and security context).
 * The study lies inside the current directory (this module's build folder), as the manifest requires.
 */
class TuneKubernetesManifestTest {
    private static final Path K8S_JOB = ShippedImage.REPO.resolve("docker/k8s-job.yaml");

    private Path dir;

    @TempDir
    Path outside;

    @BeforeEach
    void studyFolderInsideTheCurrentDirectory() throws IOException {
        dir = Files.createTempDirectory(GatedJvm.buildDir(), "tune-k8s-");
    }

    @AfterEach
    void deleteIt() throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }

    @Test
    void cpuStudyGivesAnIndexedJobOfWorkersOnAReadWriteManyVolume() throws IOException {
        Path study = TuneStudies.write(dir, 6, 2, "cpu");
        Path file = dir.resolve("k8s/manifest.yaml");
        CliRunner.Result r = CliRunner.run("tune", study.toString(), "--kubernetes", "--workers", "3", "--output",
                file.toString());
        assertEquals(Gated.OK, r.exitCode(), r::toString);
        assertTrue(r.out().contains("wrote " + file), r::toString);
        Map<String, JsonNode> docs = documents(file);
        assertEquals(List.of("PersistentVolumeClaim", "Pod", "Job"), List.copyOf(docs.keySet()));

        JsonNode pvc = docs.get("PersistentVolumeClaim");
        assertEquals("v1", pvc.path("apiVersion").asText());
        assertEquals("gated-study-study", pvc.path("metadata").path("name").asText());
        assertEquals("[\"ReadWriteMany\"]", pvc.path("spec").path("accessModes").toString());
        assertTrue(pvc.path("spec").path("resources").path("requests").has("storage"));

        JsonNode job = docs.get("Job");
        assertEquals("batch/v1", job.path("apiVersion").asText());
        assertEquals("gated-tune-study", job.path("metadata").path("name").asText());
        JsonNode spec = job.path("spec");
        assertEquals("Indexed", spec.path("completionMode").asText());
        assertEquals(3, spec.path("completions").asInt());
        assertEquals(3, spec.path("parallelism").asInt());
        assertTrue(spec.path("backoffLimit").asInt() > 0);
        JsonNode trainJob = documents(K8S_JOB).get("Job");
        assertEquals(trainJob.path("spec").path("podFailurePolicy"), spec.path("podFailurePolicy"),
                "FailJob on 2/3/4, Ignore 75 and DisruptionTarget, as docker/k8s-job.yaml");
        JsonNode pod = spec.path("template").path("spec");
        assertEquals("Never", pod.path("restartPolicy").asText());
        assertEquals(30, pod.path("terminationGracePeriodSeconds").asInt());
        JsonNode trainPod = trainJob.path("spec").path("template").path("spec");
        assertEquals(trainPod.path("securityContext"), pod.path("securityContext"), "the image's non-root user");
        assertEquals(1, pod.path("containers").size());
        JsonNode c = pod.path("containers").get(0);
        assertEquals("gated", c.path("name").asText(), "the container the exit-code rules name");
        assertEquals("gated:cpu", c.path("image").asText());
        assertEquals(trainPod.path("containers").get(0).path("securityContext"), c.path("securityContext"));

        // The workers run the study file by its path relative to the current directory, from the volume's mount.
        String rel = Path.of("").toAbsolutePath().relativize(study.toAbsolutePath()).toString();
        assertEquals(List.of("gated", "tune", rel, "--worker", "--worker-name=index-$(JOB_COMPLETION_INDEX)"),
                strings(c.path("command")));
        assertFalse(rel.startsWith("..") || rel.startsWith("/"), rel);
        assertEquals(mountOf(pod, c, "gated-study-study"), c.path("workingDir").asText());
        assertEquals("/study", c.path("workingDir").asText());

        Map<String, String> env = env(c);
        assertFalse(env.containsKey("GATED_LOG_FORMAT"), "gated tune has no JSON log format");
        assertEquals("2", env.get("GATED_CPU_THREADS"), "the threads are the CPU request");
        assertTrue(c.path("env").get(0).path("value").isTextual(), "env values are strings");
        JsonNode res = c.path("resources");
        for (String side : List.of("requests", "limits")) {
            assertEquals("2", res.path(side).path("cpu").asText(), side);
            assertEquals("2Gi", res.path(side).path("memory").asText(), side);
        }
        assertFalse(res.path("limits").has("nvidia.com/gpu"), "a CPU job asks for no GPU");

        // The helper pod mounts the same volume at the same place (to copy files in and to run --show there).
        JsonNode helper = docs.get("Pod").path("spec");
        JsonNode hc = helper.path("containers").get(0);
        assertEquals("/study", mountOf(helper, hc, "gated-study-study"));
        assertEquals("/study", hc.path("workingDir").asText());
        assertEquals(pod.path("securityContext"), helper.path("securityContext"));

        String text = Files.readString(file);
        assertTrue(text.contains("ReadWriteMany") && text.contains("NFSv4") && text.contains("file locks"), text);
        assertTrue(text.contains("tar cf - " + rel + " " + Path.of(rel).resolveSibling("job.yaml") + " "
                + Path.of(rel).resolveSibling("seattle-weather.csv") + " | kubectl exec -i gated-study-study-files"
                + " -- tar xf - -C /study"), "the copy step names the three files\n" + text);
        assertTrue(text.contains("kubectl logs -l job-name=gated-tune-study"), text);
        assertTrue(text.contains("gated tune " + rel + " --show"), text);
    }

    @Test
    void gpuJobGetsTheCudaImageAndAGpuEachWithTheCpusAndMemoryAskedFor() throws IOException {
        Path study = TuneStudies.write(dir, 6, 2, "gpu");
        Path file = dir.resolve("gpu.yaml");
        CliRunner.Result r = CliRunner.run("tune", study.toString(), "--kubernetes", "--workers", "2", "--cpus", "4",
                "--memory", "6Gi", "--output", file.toString());
        assertEquals(Gated.OK, r.exitCode(), r::toString);
        JsonNode job = documents(file).get("Job");
        assertEquals(2, job.path("spec").path("completions").asInt());
        JsonNode c = job.path("spec").path("template").path("spec").path("containers").get(0);
        assertEquals("gated:cuda", c.path("image").asText());
        assertEquals(1, c.path("resources").path("limits").path("nvidia.com/gpu").asInt());
        assertEquals("4", c.path("resources").path("requests").path("cpu").asText());
        assertEquals("6Gi", c.path("resources").path("limits").path("memory").asText());
        assertEquals("4", env(c).get("GATED_CPU_THREADS"));

        CliRunner.Result own = CliRunner.run("tune", study.toString(), "--kubernetes", "--image",
                "registry.example/gated:0.1-cuda", "--output", file.toString());
        assertEquals(Gated.OK, own.exitCode(), own::toString);
        JsonNode c2 = documents(file).get("Job").path("spec").path("template").path("spec").path("containers").get(0);
        assertEquals("registry.example/gated:0.1-cuda", c2.path("image").asText());
        assertEquals(1, c2.path("resources").path("limits").path("nvidia.com/gpu").asInt());
    }

    @Test
    void aStudyThePodsCouldNotFindOrBadResourcesAreUsageErrors() throws IOException {
        Path away = TuneStudies.write(outside.resolve("s"), 6, 2, "cpu"); // not under the current directory
        CliRunner.Result r = CliRunner.run("tune", away.toString(), "--kubernetes", "--output",
                dir.resolve("x.yaml").toString());
        assertEquals(Gated.USAGE, r.exitCode(), r::toString);
        assertTrue(r.err().contains("is not inside the current directory"), r::toString);
        assertFalse(Files.exists(dir.resolve("x.yaml")));

        Path study = TuneStudies.write(dir.resolve("s"), 6, 2, "cpu");
        CliRunner.Result memory = CliRunner.run("tune", study.toString(), "--kubernetes", "--memory", "lots",
                "--output", dir.resolve("x.yaml").toString());
        assertEquals(Gated.USAGE, memory.exitCode(), memory::toString);
        assertTrue(memory.err().contains("Kubernetes quantity"), memory::toString);

        CliRunner.Result alone = CliRunner.run("tune", study.toString(), "--cpus", "4");
        assertEquals(Gated.USAGE, alone.exitCode(), alone::toString);
        assertTrue(alone.err().contains("go with --kubernetes"), alone::toString);

        Files.writeString(study.resolveSibling("job.yaml"), Files.readString(study.resolveSibling("job.yaml"))
                .replace("path: seattle-weather.csv", "path: " + study.resolveSibling("seattle-weather.csv")
                        .toAbsolutePath()));
        CliRunner.Result absolute = CliRunner.run("tune", study.toString(), "--kubernetes", "--output",
                dir.resolve("x.yaml").toString());
        assertEquals(Gated.USAGE, absolute.exitCode(), absolute::toString);
        assertTrue(absolute.err().contains("data.path") && absolute.err().contains("is absolute"),
                absolute::toString);
        assertFalse(Files.exists(dir.resolve("x.yaml")));
    }

    /** The documents by kind, in file order (parsing all of them proves the file is valid YAML). */
    static Map<String, JsonNode> documents(Path file) throws IOException {
        Map<String, JsonNode> docs = new java.util.LinkedHashMap<>();
        try (MappingIterator<JsonNode> it = new YAMLMapper().readerFor(JsonNode.class).readValues(file.toFile())) {
            it.forEachRemaining(d -> docs.put(d.path("kind").asText(), d));
        }
        return docs;
    }

    private static String mountOf(JsonNode podSpec, JsonNode container, String claim) {
        String volume = null;
        for (JsonNode v : podSpec.path("volumes")) {
            if (v.path("persistentVolumeClaim").path("claimName").asText().equals(claim)) {
                volume = v.path("name").asText();
            }
        }
        assertTrue(volume != null, "a volume of the claim " + claim);
        for (JsonNode m : container.path("volumeMounts")) {
            if (m.path("name").asText().equals(volume)) {
                return m.path("mountPath").asText();
            }
        }
        throw new AssertionError("the volume " + volume + " is not mounted");
    }

    private static Map<String, String> env(JsonNode container) {
        Map<String, String> env = new java.util.HashMap<>();
        container.path("env").forEach(e -> env.put(e.path("name").asText(), e.path("value").asText()));
        return env;
    }

    private static List<String> strings(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }
}
