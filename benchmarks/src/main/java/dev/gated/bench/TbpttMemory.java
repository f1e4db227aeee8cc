package dev.gated.bench;

import dev.gated.engine.train.RunFolder;
import dev.gated.engine.train.TrainingJob;
import dev.gated.engine.train.TrainingListener;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.zip.GZIPInputStream;

/**
 * Memory of truncated-BPTT training against the text's length (docs/TEXT.md, "Long texts: truncated BPTT"): trains
 * the first N characters of a text with {@code training.tbptt} (fixed K1, K2, streams and model) through
 * {@link TrainingJob}, the code {@code gated train} runs, for a fixed number of steps, and prints one tab-separated
 * line: characters, steps, heap used after a full GC once the data and model are loaded (before step 1), the largest
 * heap used after a full GC at every 10th step, their difference (what training itself holds), and the process's
 * peak resident set (VmHWM). Run one length per JVM (benchmarks/tbptt-memory.sh does) so that the figures do not
 * mix. With a fifth argument W the same model trains ordinary windows of W characters instead (data.window W,
 * no tbptt): backpropagation through W steps, for the contrast.
 *
 * <p>Usage: {@code TbpttMemory TEXT[.gz] CHARS STEPS OUT_DIR [W]}
 */
public final class TbpttMemory {
    private TbpttMemory() {
    }

    public static void main(String[] args) throws IOException {
        if (args.length != 4 && args.length != 5) {
            System.err.println("usage: TbpttMemory TEXT[.gz] CHARS STEPS OUT_DIR [W]");
            System.exit(2);
        }
        Path source = Path.of(args[0]);
        int chars = Integer.parseInt(args[1]);
        long steps = Long.parseLong(args[2]);
        Path out = Files.createDirectories(Path.of(args[3]));
        String window = args.length == 5 ? args[4] : null;
        String all;
        try (InputStream in = source.toString().endsWith(".gz") ? new GZIPInputStream(Files.newInputStream(source))
                : Files.newInputStream(source)) {
            all = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        if (all.codePointCount(0, all.length()) < chars) {
            throw new IllegalArgumentException(source + " has fewer than " + chars + " characters");
        }
        Path text = out.resolve("text-" + chars + ".txt");
        Files.writeString(text, all.substring(0, all.offsetByCodePoints(0, chars)));
        all = null;
        String name = chars + (window == null ? "" : "-w" + window);
        Path job = Files.writeString(out.resolve("job-" + name + ".yaml"), String.join("\n",
                "data:", "  kind: text", "  path: " + text.toAbsolutePath(), "  split: [0.9, 0.05, 0.05]",
                window == null ? "" : "  window: " + window,
                "model:", "  cell: lstm", "  hidden: 128",
                "task:", "  kind: language_model",
                "training:", "  optimizer: adam", "  learning_rate: 0.005", "  batch_size: 32", "  epochs: 2",
                "  clip_grad_norm: 1.0", "  device: cpu", window == null ? "  tbptt: {forward: 100, backward: 50}" : "",
                "output:", "  dir: " + out.resolve("runs").toAbsolutePath(), "  plots: false", ""));
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long[] loaded = {0};
        long[] peak = {0};
        long[] done = {0};
        TrainingJob.run(new TrainingJob.Options(job, List.of("output.name=mem-" + name), RunFolder.Resume.NEVER,
                true), new TrainingListener() {
                    @Override
                    public void onStart(Start s) {
                        loaded[0] = heapAfterGc(memory);
                    }

                    @Override
                    public void onStep(Step s) {
                        done[0] = s.step();
                        if (s.step() % 10 == 0) {
                            peak[0] = Math.max(peak[0], heapAfterGc(memory));
                        }
                    }
                }, () -> done[0] >= steps);
        System.out.printf(Locale.ROOT, "%s\t%d\t%d\t%.1f\t%.1f\t%.1f\t%.1f%n", window == null ? "tbptt 100/50" : "window " + window, chars, done[0], mib(loaded[0]),
                mib(peak[0]), mib(peak[0] - loaded[0]), peakRssKib() / 1024.0);
    }

    private static long heapAfterGc(MemoryMXBean memory) {
        System.gc();
        return memory.getHeapMemoryUsage().getUsed();
    }

    private static double mib(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }

    /** VmHWM of this process in KiB (Linux), or -1. */
    private static long peakRssKib() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | NumberFormatException e) {
            return -1;
        }
        return -1;
    }
}
