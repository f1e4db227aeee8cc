package dev.gated.engine.checkpoint;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The checkpoints of one run, in the run folder's {@value #DIRECTORY}/ directory:
 * <ul>
 *   <li>{@code step-000001234.safetensors}: taken after step 1234 (at least 9 digits, zero-padded); only the newest
 *       {@code keepSteps} of these are kept;</li>
 *   <li>{@value #LAST_FILE}: the most recent checkpoint, overwritten each time;</li>
 *   <li>{@value #BEST_FILE}: the best one by whatever the caller decides (e.g. lowest validation loss).</li>
 * </ul>
 * Every file is written atomically (see {@link CheckpointFiles#write}), so a failed or interrupted save leaves the
 * previous file of that name as it was; older step files are deleted only after the new one is safely written.
 * Other files in the directory (including temporary files left behind by a killed process) are ignored.
 */
public final class CheckpointStore {
    /** The name of the store's directory inside a run folder. */
    public static final String DIRECTORY = "checkpoints";
    public static final String LAST_FILE = "last.safetensors";
    public static final String BEST_FILE = "best.safetensors";
    /** How many step files are kept unless told otherwise. */
    public static final int DEFAULT_KEEP_STEPS = 3;

    private static final Pattern STEP_FILE = Pattern.compile("step-([0-9]{9,19})\\.safetensors");

    /** Which file a checkpoint is saved as. */
    public enum Kind {
        /** A numbered file per step, rotated to keep the newest ones. */
        STEP,
        /** {@value CheckpointStore#LAST_FILE}. */
        LAST,
        /** {@value CheckpointStore#BEST_FILE}. */
        BEST
    }

    /** Writes a checkpoint file; a seam for tests that simulate a failing disk. */
    interface Writer {
        void write(Path file, Checkpoint checkpoint) throws IOException;
    }

    /** A checkpoint and the file it was read from. */
    public record Loaded(Path file, Checkpoint checkpoint) {
    }

    /** A checkpoint file that was passed over because it is unusable, and why. */
    public record Skipped(Path file, String reason) {
    }

    /** The result of a save: the file written, and the old step files removed by rotation. */
    public record Saved(Path file, List<Path> removed, List<String> warnings) {
        public Saved {
            removed = List.copyOf(removed);
            warnings = List.copyOf(warnings);
        }
    }

    /**
     * The result of {@link #latest()}: the checkpoint to resume from, if any, and the corrupt or unreadable
     * files passed over on the way, newest first.
     */
    public record Latest(Optional<Loaded> found, List<Skipped> skipped) {
        public Latest {
            skipped = List.copyOf(skipped);
        }

        /** One line for the user: which file is used and which were skipped, with the reasons. */
        public String report() {
            StringBuilder m = new StringBuilder();
            if (found.isPresent()) {
                m.append("resuming from ").append(found.get().file()).append(" (step ")
                        .append(found.get().checkpoint().state().step()).append(')');
            } else {
                m.append("no usable checkpoint");
            }
            for (Skipped s : skipped) {
                m.append("\n  skipped ").append(s.file()).append(": ").append(s.reason());
            }
            return m.toString();
        }
    }

    private final Path directory;
    private final int keepSteps;
    private final Writer writer;

    /** A store in {@code runDir/checkpoints} keeping the newest {@value #DEFAULT_KEEP_STEPS} step files. */
    public CheckpointStore(Path runDir) {
        this(runDir, DEFAULT_KEEP_STEPS);
    }

    /** A store in {@code runDir/checkpoints} keeping the newest {@code keepSteps} ({@code >= 1}) step files. */
    public CheckpointStore(Path runDir, int keepSteps) {
        this(runDir, keepSteps, CheckpointFiles::write);
    }

    CheckpointStore(Path runDir, int keepSteps, Writer writer) {
        if (runDir == null) {
            throw new IllegalArgumentException("runDir: required, got null");
        }
        if (keepSteps < 1) {
            throw new IllegalArgumentException("keepSteps: expected >= 1, got " + keepSteps);
        }
        this.directory = runDir.resolve(DIRECTORY);
        this.keepSteps = keepSteps;
        this.writer = writer;
    }

    /** The {@value #DIRECTORY} directory (created by the first save). */
    public Path directory() {
        return directory;
    }

    public int keepSteps() {
        return keepSteps;
    }

    /** The file a checkpoint of this kind, taken after {@code step}, is saved as. */
    public Path fileFor(Kind kind, long step) {
        return switch (kind) {
            case STEP -> directory.resolve(String.format("step-%09d.safetensors", step));
            case LAST -> directory.resolve(LAST_FILE);
            case BEST -> directory.resolve(BEST_FILE);
        };
    }

    /**
     * Saves the checkpoint as the given kind, atomically; for {@link Kind#STEP}, then deletes all but the newest
     * {@code keepSteps} step files. A failure to delete an old step file does not fail the save; it is reported in
     * {@link Saved#warnings()}.
     *
     * @throws IOException naming the file and the cause when the checkpoint cannot be written; the previous file
     *                     of that name, and every other checkpoint, is then left as it was
     */
    public Saved save(Checkpoint checkpoint, Kind kind) throws IOException {
        if (checkpoint == null || kind == null) {
            throw new IllegalArgumentException("save: checkpoint and kind are required");
        }
        Path file = fileFor(kind, checkpoint.state().step());
        try {
            Files.createDirectories(directory);
        } catch (IOException e) {
            throw new IOException("cannot save checkpoint " + file + ": cannot create the directory " + directory
                    + ": " + describe(e), e);
        }
        try {
            writer.write(file, checkpoint);
        } catch (IOException | RuntimeException e) {
            throw new IOException("cannot save checkpoint " + file + " (the previous checkpoints are unchanged): "
                    + describe(e), e);
        }
        if (kind != Kind.STEP) {
            return new Saved(file, List.of(), List.of());
        }
        List<Path> removed = new ArrayList<>();
        List<String> warnings = new ArrayList<>();
        List<StepFile> steps;
        try {
            steps = stepFilesNewestFirst();
        } catch (IOException e) {
            warnings.add("cannot list " + directory + " to remove old step checkpoints: " + describe(e));
            return new Saved(file, removed, warnings);
        }
        for (StepFile old : steps.subList(Math.min(keepSteps, steps.size()), steps.size())) {
            if (old.file.equals(file)) {
                continue; // never delete what was just written (only possible if its step is not the newest)
            }
            try {
                Files.deleteIfExists(old.file);
                removed.add(old.file);
            } catch (IOException e) {
                warnings.add("cannot remove old checkpoint " + old.file + ": " + describe(e));
            }
        }
        return new Saved(file, removed, warnings);
    }

    /** The step files present, oldest first. */
    public List<Path> stepFiles() throws IOException {
        List<StepFile> steps = stepFilesNewestFirst();
        Collections.reverse(steps);
        return steps.stream().map(StepFile::file).toList();
    }

    /**
     * The newest valid checkpoint, for {@code --resume}: {@value #LAST_FILE} if it is valid (unless a valid step
     * file is newer, which happens when a run stopped between writing a step file and {@code last}), else the
     * newest valid step file. Corrupt or unreadable files are passed over and reported in
     * {@link Latest#skipped()}; a step file whose name disagrees with the step it holds counts as corrupt.
     */
    public Latest latest() {
        List<Skipped> skipped = new ArrayList<>();
        Loaded last = null;
        Path lastFile = directory.resolve(LAST_FILE);
        if (Files.exists(lastFile)) {
            try {
                last = new Loaded(lastFile, CheckpointFiles.read(lastFile));
            } catch (CheckpointException e) {
                skipped.add(new Skipped(lastFile, e.getMessage()));
            }
        }
        List<StepFile> steps;
        try {
            steps = Files.isDirectory(directory) ? stepFilesNewestFirst() : List.of();
        } catch (IOException e) {
            skipped.add(new Skipped(directory, "cannot list the step checkpoints: " + describe(e)));
            steps = List.of();
        }
        for (StepFile s : steps) {
            if (last != null && s.step <= last.checkpoint().state().step()) {
                break; // last is at least as new as every remaining step file
            }
            Checkpoint c;
            try {
                c = CheckpointFiles.read(s.file);
            } catch (CheckpointException e) {
                skipped.add(new Skipped(s.file, e.getMessage()));
                continue;
            }
            if (c.state().step() != s.step) {
                skipped.add(new Skipped(s.file, "the file name says step " + s.step + " but the checkpoint holds step "
                        + c.state().step()));
                continue;
            }
            return new Latest(Optional.of(new Loaded(s.file, c)), skipped);
        }
        return new Latest(Optional.ofNullable(last), skipped);
    }

    /**
     * The {@value #BEST_FILE} checkpoint, or empty when there is none.
     *
     * @throws CheckpointException when the file exists but is not a valid checkpoint
     */
    public Optional<Loaded> best() {
        Path file = directory.resolve(BEST_FILE);
        if (!Files.exists(file)) {
            return Optional.empty();
        }
        return Optional.of(new Loaded(file, CheckpointFiles.read(file)));
    }

    private record StepFile(Path file, long step) {
    }

    private List<StepFile> stepFilesNewestFirst() throws IOException {
        List<StepFile> out = new ArrayList<>();
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(directory)) {
            for (Path p : ds) {
                Matcher m = STEP_FILE.matcher(p.getFileName().toString());
                if (m.matches() && Files.isRegularFile(p)) {
                    try {
                        out.add(new StepFile(p, Long.parseLong(m.group(1))));
                    } catch (NumberFormatException e) {
                        // more than Long.MAX_VALUE: not a file this store wrote
                    }
                }
            }
        }
        out.sort(Comparator.comparingLong(StepFile::step).reversed());
        return out;
    }

    private static String describe(Exception e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
