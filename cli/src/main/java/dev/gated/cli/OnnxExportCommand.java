package dev.gated.cli;

import dev.gated.engine.backend.Backend;
import dev.gated.engine.backend.Backends;
import dev.gated.engine.backend.DeviceMode;
import dev.gated.engine.export.OnnxExport;
import dev.gated.engine.io.AtomicFiles;
import dev.gated.engine.model.SequenceModel;
import dev.gated.engine.train.TrainedRun;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/** {@code gated export RUN --format onnx}: the run's model, with the weights predict uses, as an ONNX model. */
final class OnnxExportCommand {
    private OnnxExportCommand() {
    }

    static int export(Path runOrJob, String checkpoint, Path output, boolean overwrite, PrintWriter out) {
        if (Files.isRegularFile(runOrJob) && runOrJob.getFileName().toString().endsWith(".safetensors")) {
            throw new IllegalArgumentException(runOrJob + ": --format onnx needs the run folder (its job.yaml and "
                    + "preprocessing.json say what the graph must compute); pass the run folder and --checkpoint "
                    + runOrJob);
        }
        TrainedRun run = TrainedRun.open(runOrJob);
        TrainedRun.Weights weights = run.weights(checkpoint);
        Path target = output != null ? output : run.runDir().resolve("export").resolve("model.onnx");
        ExportCommand.checkTarget(target, weights.file(), overwrite);
        OnnxExport.Exported exported;
        // The graph holds the weights as float32, read from a model on the CPU, whatever the job's device.
        try (Backend backend = Backends.select(DeviceMode.CPU).backend();
             SequenceModel model = run.model(backend, weights)) {
            Map<String, String> metadata = new LinkedHashMap<>();
            metadata.put("exported_from", weights.file().toString());
            metadata.put("gated_version", Gated.version());
            exported = OnnxExport.ofRun(run, model, Gated.version(), metadata);
        }
        try {
            Path parent = target.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            AtomicFiles.write(target, exported.bytes());
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + target + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
        }
        out.printf(Locale.ROOT, "exported %s to %s (ONNX opset 17, %,d bytes)%n", weights.file(), target,
                exported.bytes().length);
        exported.signature().forEach(line -> out.println("  " + line));
        out.println("run it with ONNX Runtime (docs/EXPORT.md):");
        out.println("    import onnxruntime as ort");
        out.println("    session = ort.InferenceSession(" + ExportCommand.pythonString(target.toString()) + ")");
        StringBuilder feed = new StringBuilder();
        for (String line : exported.signature()) {
            if (line.startsWith("input ")) {
                String name = line.substring("input ".length()).trim();
                name = name.substring(0, name.indexOf(':'));
                feed.append(feed.length() == 0 ? "" : ", ").append('"').append(name).append("\": ").append(name);
            }
        }
        out.println("    outputs = session.run(None, {" + feed + "})");
        return Gated.OK;
    }
}
