package dev.gated.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** docker/k8s-job.yaml holds what the README promises (no cluster here: its structure is what is checked). */
class K8sJobManifestTest {
    private static final Path FILE = (Files.isDirectory(Path.of("../docker")) ? Path.of("..") : Path.of("."))
            .resolve("docker/k8s-job.yaml");

    @Test
    void jobRetriesOnInterruptedAndFailsFastOnUserErrors() throws IOException {
        List<JsonNode> docs = new ArrayList<>();
        try (MappingIterator<JsonNode> it = new YAMLMapper().readerFor(JsonNode.class).readValues(FILE.toFile())) {
            it.forEachRemaining(docs::add);
        }
        JsonNode job = docs.stream().filter(d -> d.path("kind").asText().equals("Job")).findFirst().orElseThrow();
        assertEquals("batch/v1", job.path("apiVersion").asText());
        JsonNode spec = job.path("spec");
        assertTrue(spec.path("backoffLimit").asInt() > 0, "backoffLimit");
        Set<Integer> failFast = new TreeSet<>();
        Set<Integer> ignored = new TreeSet<>();
        for (JsonNode rule : spec.path("podFailurePolicy").path("rules")) {
            Set<Integer> target = switch (rule.path("action").asText()) {
                case "FailJob" -> failFast;
                case "Ignore" -> ignored;
                default -> new TreeSet<>();
            };
            assertTrue(!rule.has("onExitCodes") || rule.path("onExitCodes").path("operator").asText().equals("In"));
            rule.path("onExitCodes").path("values").forEach(v -> target.add(v.asInt()));
        }
        assertEquals(Set.of(2, 3, 4), failFast, "fail at once on usage, data and divergence");
        assertEquals(Set.of(75), ignored, "interrupted: start a new pod without counting a failure");

        JsonNode pod = spec.path("template").path("spec");
        assertEquals("Never", pod.path("restartPolicy").asText(), "podFailurePolicy requires restartPolicy Never");
        assertEquals(30, pod.path("terminationGracePeriodSeconds").asInt());
        JsonNode c = pod.path("containers").get(0);
        assertEquals("gated", c.path("name").asText(), "the container the exit-code rules name");
        assertEquals(1, c.path("resources").path("limits").path("nvidia.com/gpu").asInt());
        assertTrue(c.path("securityContext").path("readOnlyRootFilesystem").asBoolean());
        assertTrue(pod.path("securityContext").path("runAsNonRoot").asBoolean());
        String runsVolume = null;
        for (JsonNode m : c.path("volumeMounts")) {
            if (m.path("mountPath").asText().equals("/runs")) {
                runsVolume = m.path("name").asText();
            }
        }
        String name = runsVolume;
        assertTrue(name != null, "a volume at /runs");
        boolean pvc = false;
        for (JsonNode v : pod.path("volumes")) {
            pvc |= v.path("name").asText().equals(name) && v.has("persistentVolumeClaim");
        }
        assertTrue(pvc, "the runs volume is a PVC, so a new pod resumes from the checkpoint");
    }
}
