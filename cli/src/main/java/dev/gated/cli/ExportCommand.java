package dev.gated.cli;

import dev.gated.engine.train.ModelFiles;
import dev.gated.engine.train.RunFolder;
import dev.gated.engine.backend.Shape;
import dev.gated.engine.checkpoint.Checkpoint;
import dev.gated.engine.checkpoint.CheckpointException;
import dev.gated.engine.checkpoint.CheckpointFiles;
import dev.gated.engine.checkpoint.CheckpointStore;
import dev.gated.engine.io.ElementType;
import dev.gated.engine.io.HostTensor;
import dev.gated.engine.io.TensorFormatException;
import dev.gated.engine.io.SafeTensors;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** Writes a checkpoint's model as a PyTorch-loadable safetensors file or as an ONNX model. */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
        versionProvider = Gated.Version.class,
        description = {"Export a run's trained model.",
                "safetensors: for PyTorch, only the model's tensors, named and shaped exactly "
                + "as the state_dict of a PyTorch module with an nn.LSTM or nn.GRU called 'rnn' and an nn.Linear "
                + "called 'head', in state_dict order, as float32; the optimizer state is left out.",
                "onnx: an ONNX model (opset 17, the standard LSTM/GRU operators) that ONNX Runtime runs with the "
                + "outputs of 'gated predict': input standardisation, the network, the head, a classifier's "
                + "probabilities and a forecast's decoding to the data's units are graph nodes; its inputs and "
                + "outputs are printed and described in docs/EXPORT.md. A model the graph cannot express (a "
                + "translation, a recursive forecast, an option the exporter does not know) is refused, naming "
                + "the option.",
                "",
                "The file is written atomically; an existing file is replaced only with --overwrite.",
                ""})
final class ExportCommand implements Callable<Integer> {
    /** Output formats; the constants are spelt as typed on the command line. */
    enum Format {
        safetensors, onnx
    }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "RUN", description = "A run folder (runs/NAME) or a checkpoint file "
            + "(onnx: a run folder or the job file that trained it).")
    Path run;

    @Option(names = "--format", required = true, paramLabel = "FORMAT",
            description = "Output format: ${COMPLETION-CANDIDATES}.")
    Format format;

    @Option(names = "--checkpoint", paramLabel = "best|last|model|FILE",
            description = {"Which checkpoint of the run folder: best, last (the newest usable one), or a checkpoint "
                    + "file (a bare name is also looked up in RUN/checkpoints/).",
                    "Default: best if the run has one, else last.",
                    "onnx: the weights 'gated predict' would use: best, last, model (model.safetensors) or a file; "
                    + "default model.safetensors if present, else the newest checkpoint."})
    String checkpoint;

    @Option(names = "--output", paramLabel = "FILE",
            description = "Where to write (default: export/model.safetensors or export/model.onnx in the run folder; "
                    + "for a checkpoint file, in the run folder its checkpoints/ folder belongs to).")
    Path output;

    @Option(names = "--overwrite", description = "Replace the output file if it exists.")
    boolean overwrite;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (format == Format.onnx) {
            return OnnxExportCommand.export(run, checkpoint, output, overwrite, out);
        }
        CheckpointStore.Loaded source = select(err);
        Path target = output != null ? output : runFolder().resolve("export").resolve("model.safetensors");
        Checkpoint c = source.checkpoint();

        InspectCommand.Layout layout = InspectCommand.Layout.of(c.modelTensors(), c.config(), Map.of());
        if (!layout.known() || !layout.problems.isEmpty()) {
            throw new TensorFormatException("cannot export " + source.file() + ": its model tensors do not form "
                    + "an RNN + linear head that PyTorch can load" + (layout.known() ? " (" + layout.torchModules()
                    + ")" : "") + ": " + String.join("; ", layout.problems));
        }
        boolean converted = false;
        Map<String, HostTensor> tensors = new LinkedHashMap<>();
        for (Map.Entry<String, Shape> e : layout.expected.entrySet()) {
            HostTensor t = c.modelTensors().get(e.getKey());
            // A BatchNorm's num_batches_tracked is an int64 count in PyTorch too: it goes out as it is.
            if (e.getKey().endsWith(".num_batches_tracked") && t.type() == ElementType.I64) {
                tensors.put(e.getKey(), t);
                continue;
            }
            if (!t.type().isFloating()) {
                throw new TensorFormatException("cannot export " + source.file() + ": tensor '" + e.getKey()
                        + "' is " + t.type() + "; model tensors must be floating point");
            }
            if (t.type() != ElementType.F32) {
                converted = true;
                t = HostTensor.ofFloats(t.shape(), t.toFloatArray());
            }
            tensors.put(e.getKey(), t);
        }

        checkTarget(target, source.file(), overwrite);
        Map<String, String> metadata = new LinkedHashMap<>();
        metadata.put("format", ModelFiles.FORMAT);
        metadata.put("exported_from", source.file().getFileName().toString());
        metadata.put("step", Long.toString(c.state().step()));
        metadata.put("epoch", Integer.toString(c.state().epoch()));
        metadata.put("cell", layout.cell.toString());
        metadata.put("input_size", Integer.toString(layout.inputSize));
        metadata.put("hidden_size", Integer.toString(layout.hiddenSize));
        metadata.put("num_layers", Integer.toString(layout.layers));
        metadata.put("bidirectional", Boolean.toString(layout.bidirectional));
        metadata.put("output_size", Integer.toString(layout.outputSize));
        metadata.put("gated_version", Gated.version());
        c.metrics().forEach((k, v) -> metadata.put(CheckpointFiles.METRIC_PREFIX + k, v));
        // What turns data into inputs and outputs back into answers (a forecast's scaling, differencing, ...), so an
        // exported model decodes as the run did; model.safetensors carries the same two entries.
        metadata.put(ModelFiles.CONFIG, c.config());
        Path preprocessing = runFolder().resolve(RunFolder.PREPROCESSING);
        if (Files.isRegularFile(preprocessing)) {
            try {
                metadata.put(ModelFiles.PREPROCESSING, Files.readString(preprocessing));
            } catch (IOException e) {
                throw new IllegalStateException("cannot read " + preprocessing + ": " + e.getMessage(), e);
            }
        }
        try {
            Path parent = target.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            SafeTensors.write(target, tensors, metadata); // atomic: temporary file, fsync, rename
        } catch (IOException e) {
            throw new IllegalStateException("cannot write " + target + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage()), e);
        }

        out.printf(Locale.ROOT, "exported %s (step %d) to %s%n", source.file(), c.state().step(), target);
        out.printf(Locale.ROOT, "%d tensors, %,d parameters, float32%s: %s%n", tensors.size(), layout.parameters,
                converted ? " (converted from float64)" : "", layout.torchModules());
        out.println("load it in PyTorch, into a module with those two attributes:");
        out.println("    from safetensors.torch import load_file");
        out.println("    state_dict = load_file(" + pythonString(target.toString()) + ")");
        out.println("    model.load_state_dict(state_dict)");
        return Gated.OK;
    }

    /** The run folder: RUN itself, or for a checkpoint file the folder its {@code checkpoints/} folder is in. */
    private Path runFolder() {
        if (Files.isDirectory(run)) {
            return run;
        }
        // Keep a relative RUN relative, so that the paths printed are the ones the user typed.
        Path dir = run.getParent() != null ? run.getParent() : run.toAbsolutePath().getParent();
        Path name = dir.toAbsolutePath().getFileName();
        if (name != null && name.toString().equals(CheckpointStore.DIRECTORY)) {
            Path up = dir.getParent() != null ? dir.getParent() : dir.toAbsolutePath().getParent();
            if (up != null) {
                return up;
            }
        }
        return dir;
    }

    private CheckpointStore.Loaded select(PrintWriter err) {
        if (Files.isRegularFile(run)) {
            if (checkpoint != null) {
                throw new IllegalArgumentException("--checkpoint chooses a checkpoint of a run folder, but " + run
                        + " is already a checkpoint file; leave --checkpoint out");
            }
            return new CheckpointStore.Loaded(run, CheckpointFiles.read(run));
        }
        if (!Files.isDirectory(run)) {
            throw new IllegalArgumentException(run + ": no such run folder or checkpoint file");
        }
        CheckpointStore store = new CheckpointStore(run);
        if (checkpoint == null) {
            Optional<CheckpointStore.Loaded> best;
            try {
                best = store.best();
            } catch (CheckpointException e) {
                throw new CheckpointException(e.getMessage() + " (pass --checkpoint last to export the newest "
                        + "usable checkpoint instead)", e);
            }
            return best.isPresent() ? best.get() : latest(store, err);
        }
        return switch (checkpoint) {
            case "best" -> store.best().orElseThrow(() -> new IllegalArgumentException("run " + run
                    + " has no best checkpoint (" + store.fileFor(CheckpointStore.Kind.BEST, 0) + " does not exist)"));
            case "last" -> latest(store, err);
            default -> {
                Path file = Path.of(checkpoint);
                Path inRun = store.directory().resolve(checkpoint);
                if (!Files.exists(file) && !file.isAbsolute() && Files.exists(inRun)) {
                    file = inRun;
                }
                yield new CheckpointStore.Loaded(file, CheckpointFiles.read(file));
            }
        };
    }

    private CheckpointStore.Loaded latest(CheckpointStore store, PrintWriter err) {
        CheckpointStore.Latest latest = store.latest();
        String cmd = spec.qualifiedName();
        for (CheckpointStore.Skipped s : latest.skipped()) {
            err.println(cmd + ": warning: skipped " + s.file() + ": " + s.reason());
        }
        return latest.found().orElseThrow(() -> new IllegalArgumentException("run " + run
                + " has no usable checkpoint in " + store.directory()
                + (latest.skipped().isEmpty() ? "" : " (every one found is corrupt; see the warnings above)")));
    }

    /** Refuses a folder, the source itself, or an existing file without --overwrite. */
    static void checkTarget(Path target, Path source, boolean overwrite) {
        if (Files.isDirectory(target)) {
            throw new IllegalArgumentException("the output " + target + " is a folder; --output takes a file name");
        }
        if (!Files.exists(target)) {
            return;
        }
        try {
            if (Files.isSameFile(target, source)) {
                throw new IllegalArgumentException("the output " + target + " is the checkpoint being exported; "
                        + "choose another --output");
            }
        } catch (IOException e) {
            // cannot tell: the checks below still apply
        }
        if (!overwrite) {
            throw new IllegalStateException(target + " already exists; pass --overwrite to replace it");
        }
    }

    /** A Python string literal for {@code s}. */
    static String pythonString(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char ch : s.toCharArray()) {
            switch (ch) {
                case '\\' -> b.append("\\\\");
                case '"' -> b.append("\\\"");
                case '\n' -> b.append("\\n");
                case '\r' -> b.append("\\r");
                case '\t' -> b.append("\\t");
                default -> b.append(ch);
            }
        }
        return b.append('"').toString();
    }
}
