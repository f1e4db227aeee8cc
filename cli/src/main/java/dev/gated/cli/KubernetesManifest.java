package dev.gated.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLGenerator;
import com.fasterxml.jackson.dataformat.yaml.YAMLMapper;
import dev.gated.engine.backend.DeviceMode;
import dev.gated.engine.config.JobConfig;
import dev.gated.engine.config.JobFiles;
import dev.gated.engine.io.AtomicFiles;
import dev.gated.engine.tune.StudyConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * {@code gated tune STUDY --kubernetes}: the study's workers as a Kubernetes Indexed Job on a shared volume: a
 * ReadWriteMany PersistentVolumeClaim, a helper pod that mounts it (to copy files in and out and run
 * {@code --show}) and the Job, whose N pods each run {@code gated tune STUDY --worker}. What goes on the volume is
 * the current directory's tree, so the study file, its job and data keep their relative paths.
 */
final class KubernetesManifest {
    static final String MOUNT = "/study";
    static final int DEFAULT_CPUS = 2;
    static final String DEFAULT_MEMORY = "2Gi";
    private static final Pattern QUANTITY = Pattern.compile("\\d+(\\.\\d+)?(Ki|Mi|Gi|Ti|Pi|Ei|k|M|G|T|P|E)?");
    private static final YAMLMapper YAML = YAMLMapper.builder().enable(YAMLGenerator.Feature.MINIMIZE_QUOTES)
            .enable(YAMLGenerator.Feature.ALWAYS_QUOTE_NUMBERS_AS_STRINGS).build();

    private KubernetesManifest() {
    }

    static void write(StudyConfig study, Path studyFile, int workers, String image, Path file) throws IOException {
        write(study, studyFile, workers, image, DEFAULT_CPUS, DEFAULT_MEMORY, file);
    }

    /**
     * @param image  null: {@code gated:cpu}, or {@code gated:cuda} when the base job's training.device is gpu
     * @param cpus   CPU request and limit of each worker, and its GATED_CPU_THREADS
     * @param memory memory request and limit of each worker, a Kubernetes quantity (2Gi, 512Mi)
     */
    static void write(StudyConfig study, Path studyFile, int workers, String image, int cpus, String memory,
                      Path file) throws IOException {
        if (workers < 1 || cpus < 1 || memory == null || !QUANTITY.matcher(memory).matches()) {
            throw new IllegalArgumentException("--kubernetes: expected --workers >= 1, --cpus >= 1 and --memory as a "
                    + "Kubernetes quantity (2Gi, 512Mi), got " + workers + ", " + cpus + ", '" + memory + "'");
        }
        JobConfig job = JobFiles.load(study.job());
        boolean gpu = job.training().device() == DeviceMode.GPU;
        Path cwd = Path.of("").toAbsolutePath();
        List<String> files = new ArrayList<>(List.of(inside(cwd, studyFile, "the study file"),
                inside(cwd, study.job(), "its job file (study.job)"),
                inside(cwd, fromJob(study.job(), job.data().path(), "data.path"), "the job's data.path")));
        if (job.model().initFrom().isPresent()) {
            files.add(inside(cwd, fromJob(study.job(), job.model().initFrom().get(), "model.init_from"),
                    "the job's model.init_from"));
        }
        if (job.model().embedding().flatMap(e -> e.pretrained()).isPresent()) {
            files.add(inside(cwd, fromJob(study.job(), job.model().embedding().get().pretrained().get(),
                    "model.embedding.pretrained"), "the job's model.embedding.pretrained"));
        }
        if (study.dir().isAbsolute() || study.dir().normalize().startsWith("..")) {
            throw new IllegalArgumentException("--kubernetes: the study folder " + study.dir() + " is not on the "
                    + "volume; set study.dir to a relative path (default runs/tune)");
        }
        String name = dnsName(study.name());
        String pvc = "gated-study-" + name;
        String helper = pvc + "-files";
        String jobName = "gated-tune-" + name;
        String img = image != null ? image : gpu ? "gated:cuda" : "gated:cpu";
        String studyPath = files.get(0);
        String dir = study.dir().normalize().toString().replace('\\', '/');
        String manifest = file.getFileName().toString();
        String words = String.join(" ", files.stream().map(KubernetesManifest::shellWord).toList());

        ObjectNode claim = object("v1", "PersistentVolumeClaim", pvc, "study-volume");
        claim.putObject("spec").<ObjectNode>set("accessModes", YAML.createArrayNode().add("ReadWriteMany"))
                .putObject("resources").putObject("requests").put("storage", "10Gi");

        ObjectNode pod = object("v1", "Pod", helper, "study-volume");
        ObjectNode podSpec = pod.putObject("spec").put("restartPolicy", "Never");
        ObjectNode files0 = podSpec.<ObjectNode>set("securityContext", securityContext()).putArray("containers").addObject()
                .put("name", "files").put("image", img).put("workingDir", MOUNT);
        files0.putArray("command").add("sleep").add("864000");
        files0.putObject("resources").<ObjectNode>set("requests", YAML.createObjectNode().put("cpu", "100m")
                .put("memory", "1Gi")).putObject("limits").put("memory", "1Gi");
        mounts(files0, podSpec, pvc);

        ObjectNode batch = object("batch/v1", "Job", jobName, "tune");
        ObjectNode spec = batch.putObject("spec").put("completionMode", "Indexed").put("completions", workers)
                .put("parallelism", workers).put("backoffLimit", Math.max(3, workers));
        ArrayNode rules = spec.putObject("podFailurePolicy").putArray("rules");
        exitCodes(rules.addObject().put("action", "FailJob"), 2, 3, 4);
        exitCodes(rules.addObject().put("action", "Ignore"), 75);
        rules.addObject().put("action", "Ignore").putArray("onPodConditions").addObject()
                .put("type", "DisruptionTarget");
        ObjectNode tmpl = spec.putObject("template").putObject("spec").put("restartPolicy", "Never")
                .put("terminationGracePeriodSeconds", 30);
        ObjectNode c = tmpl.<ObjectNode>set("securityContext", securityContext()).putArray("containers").addObject()
                .put("name", "gated").put("image", img).put("workingDir", MOUNT);
        c.putArray("command").add("gated").add("tune").add(studyPath).add("--worker")
                .add("--worker-name=index-$(JOB_COMPLETION_INDEX)");
        ArrayNode env = c.putArray("env");
        env.addObject().put("name", "GATED_CPU_THREADS").put("value", Integer.toString(cpus));
        ObjectNode res = c.putObject("resources");
        res.putObject("requests").put("cpu", Integer.toString(cpus)).put("memory", memory);
        ObjectNode limits = res.putObject("limits").put("cpu", Integer.toString(cpus)).put("memory", memory);
        if (gpu) {
            limits.put("nvidia.com/gpu", 1);
        }
        mounts(c, tmpl, pvc);

        String text = """
                # Gated study %1$s as a Kubernetes Indexed Job of %2$d workers (written by gated tune --kubernetes):
                # each pod runs `gated tune %3$s --worker --worker-name=index-K` in %4$s, the shared volume %5$s,
                # and claims trials from the study's journal until none is left (docs/TUNING.md).
                # 1. The volume and a helper pod that mounts it:
                #      kubectl apply -f %6$s -l app.kubernetes.io/component=study-volume
                #      kubectl wait --for=condition=Ready pod/%7$s
                # 2. The study file, its job and data, with their paths relative to the folder this was written in
                #    (the pods' working directory is %4$s, so relative paths stay valid; kubectl cp works too):
                #      tar cf - %8$s | kubectl exec -i %7$s -- tar xf - -C %4$s
                # 3. The workers, their progress, the end:
                #      kubectl apply -f %6$s
                #      kubectl logs -l job-name=%9$s --prefix -f --max-log-requests=%2$d
                #      kubectl wait --for=condition=complete job/%9$s --timeout=24h
                # 4. The leaderboard and results files (leaderboard.csv, study.json, best.yaml, plots), copied out:
                #      kubectl exec %7$s -- gated tune %3$s --show
                #      kubectl cp %7$s:%4$s/%10$s ./%10$s
                # After a change of the budget, delete the Job and apply it again: ended trials are kept, interrupted
                # ones resume from their checkpoints. `kubectl delete -f %6$s` deletes the volume too.
                # Exit codes: 0 no trial left to claim; 75 stopped by SIGTERM (eviction, drain) after a checkpoint:
                # the Job starts a new pod, which resumes the trial (podFailurePolicy Ignore, as for DisruptionTarget);
                # 2 study-file or usage error, 3 data error, 4 diverged: FailJob; crashes (1, 137 = OOM-killed) count
                # against backoffLimit. Each worker's GATED_CPU_THREADS is its CPU request.
                # ReadWriteMany: workers on several nodes share the volume, so its storage class must support RWX
                # (NFS, CephFS, ...: set spec.storageClassName). The study folder relies on POSIX file locks
                # (journal.lock, leases/): NFSv4 supports them (do not mount with nolock or local_lock). The image
                # runs as uid/gid 10001: fsGroup makes the volume writable for it where the volume supports that.
                """.formatted(study.name(), workers, studyPath, MOUNT, pvc, manifest, helper, words, jobName, dir);
        StringBuilder b = new StringBuilder(text);
        b.append(YAML.writeValueAsString(claim));
        b.append("# For copying files in and out and for --show; delete it when the study is done.\n");
        b.append(YAML.writeValueAsString(pod));
        b.append(YAML.writeValueAsString(batch));
        Files.createDirectories(file.toAbsolutePath().getParent());
        AtomicFiles.write(file, b.toString().getBytes(StandardCharsets.UTF_8));
    }

    private static ObjectNode object(String apiVersion, String kind, String name, String component) {
        ObjectNode o = YAML.createObjectNode().put("apiVersion", apiVersion).put("kind", kind);
        o.putObject("metadata").put("name", name).putObject("labels").put("app.kubernetes.io/name", "gated")
                .put("app.kubernetes.io/component", component);
        return o;
    }

    /** As docker/k8s-job.yaml: the image's non-root user. */
    private static ObjectNode securityContext() {
        return YAML.createObjectNode().put("runAsNonRoot", true).put("runAsUser", 10001).put("runAsGroup", 10001)
                .put("fsGroup", 10001);
    }

    /** The study volume at /study and a writable /tmp, on a read-only root filesystem. */
    private static void mounts(ObjectNode container, ObjectNode podSpec, String pvc) {
        ObjectNode sc = container.putObject("securityContext").put("readOnlyRootFilesystem", true)
                .put("allowPrivilegeEscalation", false);
        sc.putObject("capabilities").putArray("drop").add("ALL");
        ArrayNode m = container.putArray("volumeMounts");
        m.addObject().put("name", "study").put("mountPath", MOUNT);
        m.addObject().put("name", "tmp").put("mountPath", "/tmp");
        ArrayNode v = podSpec.putArray("volumes");
        v.addObject().put("name", "study").putObject("persistentVolumeClaim").put("claimName", pvc);
        v.addObject().put("name", "tmp").putObject("emptyDir").put("sizeLimit", "1Gi");
    }

    private static void exitCodes(ObjectNode rule, int... codes) {
        ArrayNode values = rule.putObject("onExitCodes").put("containerName", "gated").put("operator", "In")
                .putArray("values");
        for (int code : codes) {
            values.add(code);
        }
    }

    /** A path written in the job file: relative to the job's folder, or it is not on the volume. */
    private static Path fromJob(Path jobFile, Path p, String key) {
        if (p.isAbsolute()) {
            throw new IllegalArgumentException("--kubernetes: the job's " + key + " " + p + " is absolute, so the "
                    + "pods would not find it on the volume; write it relative to the job file " + jobFile);
        }
        return jobFile.toAbsolutePath().getParent().resolve(p);
    }

    /** The path relative to the current directory, whose tree goes on the volume; it must be inside. */
    private static String inside(Path cwd, Path f, String what) {
        Path rel = cwd.relativize(f.toAbsolutePath().normalize());
        if (rel.startsWith("..") || rel.toString().isEmpty()) {
            throw new IllegalArgumentException("--kubernetes: " + what + " " + f + " is not inside the current "
                    + "directory " + cwd + ", whose tree goes on the volume; run gated tune --kubernetes in a folder "
                    + "that holds the study file, its job and data");
        }
        return rel.toString().replace('\\', '/');
    }

    /** A DNS-1123 label for the objects' names: lower case, digits and '-', at most 40 characters of the name. */
    static String dnsName(String s) {
        String n = s.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]+", "-");
        n = n.substring(0, Math.min(40, n.length())).replaceAll("^-+|-+$", "");
        return n.isEmpty() ? "study" : n;
    }

    private static String shellWord(String s) {
        return s.matches("[A-Za-z0-9_./+=-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }
}
