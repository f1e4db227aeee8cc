package dev.gated.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gated.engine.config.JobConfig;
import dev.gated.engine.config.JobFiles;
import dev.gated.engine.data.words.TokenizerOptions;
import dev.gated.engine.io.AtomicFiles;
import dev.gated.engine.train.RunFolder;
import dev.gated.engine.train.TrainingListener;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;

/**
 * {@code environment.json}: the facts of the process that trained a run that neither {@code job.yaml} nor the
 * checkpoints hold: the Gated and Java versions, the operating system, the backend chosen and why, the CPU threads,
 * and every file the job reads (data, tokenizer, pre-trained vectors, initial weights) with its size and SHA-256,
 * so a report can say which data a run saw. Written when training starts (a resumed run writes it again: the file
 * describes the latest process; {@code resumed_from} says so).
 */
final class RunEnvironment {
    static final String FILE = RunFolder.ENVIRONMENT;
    /** A folder given as data: at most this many of its files are hashed (a run does not wait on a huge tree). */
    static final int MAX_FOLDER_FILES = 1000;
    private static final ObjectMapper JSON = new ObjectMapper();

    private RunEnvironment() {
    }

    /**
     * A listener that writes {@code environment.json} on {@link TrainingListener#onStart} and passes every event on
     * to {@code next} (after the file, so the run's start line follows it); a file that cannot be written is a
     * warning to {@code next}, never a failed run.
     */
    static TrainingListener recording(TrainingListener next) {
        TrainingListener recorder = new TrainingListener() {
            @Override
            public void onStart(Start start) {
                try {
                    write(start);
                } catch (IOException | RuntimeException e) {
                    next.onWarning(FILE + " not written: " + Gated.describe(e));
                }
            }
        };
        return TrainingListener.both(recorder, next);
    }

    /** Writes the run folder's {@code environment.json} from the start event and the recorded {@code job.yaml}. */
    static Path write(TrainingListener.Start start) throws IOException {
        Path runDir = start.runDir();
        JobConfig job = JobFiles.loadRecorded(runDir.resolve(RunFolder.JOB));
        ObjectNode root = JSON.createObjectNode();
        root.put("gated_version", Gated.version());
        root.put("java_version", System.getProperty("java.version"));
        root.put("java_vendor", System.getProperty("java.vendor"));
        root.put("java_vm", System.getProperty("java.vm.name") + " " + System.getProperty("java.vm.version"));
        root.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        root.put("arch", System.getProperty("os.arch"));
        root.put("available_processors", Runtime.getRuntime().availableProcessors());
        String threads = System.getProperty("gated.cpu.threads", System.getenv("GATED_CPU_THREADS"));
        if (threads == null || threads.isBlank()) {
            root.putNull("cpu_threads_setting");
        } else {
            root.put("cpu_threads_setting", threads.strip());
        }
        root.put("device_setting", job.training().device().toString().toLowerCase(java.util.Locale.ROOT));
        root.put("backend", start.backend());
        root.put("backend_reason", start.backendReason());
        root.put("seed", job.training().seed());
        root.put("parameters", start.parameters());
        root.put("started", Instant.now().toString());
        if (start.resumedFrom() == null) {
            root.putNull("resumed_from");
        } else {
            root.put("resumed_from", start.resumedFrom().toString());
        }
        ArrayNode files = root.putArray("data_files");
        for (Map.Entry<String, Path> e : inputs(job).entrySet()) {
            for (Path f : expand(e.getValue())) {
                ObjectNode n = files.addObject();
                n.put("role", e.getKey());
                n.put("path", f.toString());
                if (Files.isRegularFile(f)) {
                    n.put("bytes", Files.size(f));
                    n.put("sha256", sha256(f));
                } else {
                    n.putNull("bytes");
                    n.putNull("sha256");
                }
            }
        }
        Path out = runDir.resolve(FILE);
        AtomicFiles.write(out, JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(root));
        return out;
    }

    /** The files a job reads, by the job-file key that names them (paths are absolute in a recorded job). */
    static Map<String, Path> inputs(JobConfig job) {
        Map<String, Path> in = new LinkedHashMap<>();
        in.put("data.path", job.data().path());
        Optional<TokenizerOptions> tok = job.data().words().map(w -> w.tokenizer())
                .or(() -> job.data().parallel().map(p -> p.tokenizer()));
        tok.flatMap(TokenizerOptions::huggingface).ifPresent(h -> in.put("data.tokenizer.huggingface", h.file()));
        job.model().embedding().flatMap(e -> e.pretrained()).ifPresent(p -> in.put("model.embedding.pretrained", p));
        job.model().initFrom().ifPresent(p -> in.put("model.init_from", p));
        return in;
    }

    /** A file as itself; a folder as its files in name order (at most {@value #MAX_FOLDER_FILES}). */
    private static List<Path> expand(Path p) throws IOException {
        if (!Files.isDirectory(p)) {
            return List.of(p);
        }
        try (Stream<Path> s = Files.walk(p)) {
            return new ArrayList<>(s.filter(Files::isRegularFile).sorted().limit(MAX_FOLDER_FILES).toList());
        }
    }

    static String sha256(Path file) throws IOException {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is not available", e); // every Java platform has it
        }
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), md)) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
