package dev.gated.engine.checkpoint;

import static dev.gated.engine.checkpoint.CheckpointTestData.checkpoint;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.gated.engine.checkpoint.CheckpointStore.Kind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CheckpointStoreTest {
    @TempDir
    Path run;

    @Test
    void fileNames() {
        CheckpointStore store = new CheckpointStore(run);
        assertEquals(run.resolve("checkpoints/step-000001234.safetensors"), store.fileFor(Kind.STEP, 1234));
        assertEquals(run.resolve("checkpoints/step-1234567890.safetensors"), store.fileFor(Kind.STEP, 1234567890L));
        assertEquals(run.resolve("checkpoints/last.safetensors"), store.fileFor(Kind.LAST, 5));
        assertEquals(run.resolve("checkpoints/best.safetensors"), store.fileFor(Kind.BEST, 5));
        assertEquals(3, store.keepSteps());
        assertThrows(IllegalArgumentException.class, () -> new CheckpointStore(run, 0));
    }

    @Test
    void saveAndLoadEachKind() throws IOException {
        CheckpointStore store = new CheckpointStore(run);
        assertTrue(store.latest().found().isEmpty());
        assertTrue(store.best().isEmpty());

        Path step = store.save(checkpoint(10), Kind.STEP).file();
        Path last = store.save(checkpoint(10), Kind.LAST).file();
        Path best = store.save(checkpoint(8), Kind.BEST).file();
        assertEquals(run.resolve("checkpoints/step-000000010.safetensors"), step);
        assertTrue(Files.isRegularFile(step) && Files.isRegularFile(last) && Files.isRegularFile(best));

        CheckpointStore.Latest latest = store.latest();
        assertEquals(last, latest.found().orElseThrow().file());
        assertEquals(checkpoint(10), latest.found().orElseThrow().checkpoint());
        assertTrue(latest.skipped().isEmpty());
        assertEquals("resuming from " + last + " (step 10)", latest.report());
        assertEquals(checkpoint(8), store.best().orElseThrow().checkpoint());
    }

    @Test
    void rotationKeepsTheNewestK() throws IOException {
        CheckpointStore store = new CheckpointStore(run, 2);
        store.save(checkpoint(1), Kind.BEST);
        store.save(checkpoint(1), Kind.STEP);
        store.save(checkpoint(2), Kind.STEP);
        CheckpointStore.Saved s = store.save(checkpoint(30), Kind.STEP);
        assertEquals(List.of(store.fileFor(Kind.STEP, 1)), s.removed());
        s = store.save(checkpoint(1000000000L), Kind.STEP);
        assertEquals(List.of(store.fileFor(Kind.STEP, 2)), s.removed());
        assertTrue(s.warnings().isEmpty());
        assertEquals(List.of(store.fileFor(Kind.STEP, 30), store.fileFor(Kind.STEP, 1000000000L)), store.stepFiles());
        assertTrue(Files.exists(store.fileFor(Kind.BEST, 0)), "rotation leaves best alone");
    }

    @Test
    void rotationDefaultKeepsThree() throws IOException {
        CheckpointStore store = new CheckpointStore(run);
        for (long step = 100; step <= 600; step += 100) {
            store.save(checkpoint(step), Kind.STEP);
        }
        assertEquals(List.of(store.fileFor(Kind.STEP, 400), store.fileFor(Kind.STEP, 500),
                store.fileFor(Kind.STEP, 600)), store.stepFiles());
    }

    @Test
    void failedSaveKeepsThePreviousLastIntact() throws IOException {
        new CheckpointStore(run).save(checkpoint(10), Kind.LAST);
        Path last = run.resolve("checkpoints/last.safetensors");
        byte[] before = Files.readAllBytes(last);

        CheckpointStore failing = new CheckpointStore(run, 3, (file, c) -> {
            throw new IOException("No space left on device");
        });
        IOException e = assertThrows(IOException.class, () -> failing.save(checkpoint(20), Kind.LAST));
        assertEquals("cannot save checkpoint " + last + " (the previous checkpoints are unchanged): "
                + "IOException: No space left on device", e.getMessage());

        assertArrayEquals(before, Files.readAllBytes(last));
        assertEquals(checkpoint(10), new CheckpointStore(run).latest().found().orElseThrow().checkpoint());
    }

    @Test
    void failedStepSaveDeletesNothing() throws IOException {
        CheckpointStore store = new CheckpointStore(run, 2);
        store.save(checkpoint(1), Kind.STEP);
        store.save(checkpoint(2), Kind.STEP);
        // A directory where the new file should go: the real atomic write fails on it.
        Files.createDirectories(store.fileFor(Kind.STEP, 3));
        IOException e = assertThrows(IOException.class, () -> store.save(checkpoint(3), Kind.STEP));
        assertTrue(e.getMessage().startsWith("cannot save checkpoint " + store.fileFor(Kind.STEP, 3)), e.getMessage());
        assertTrue(e.getMessage().contains("it is a directory"), e.getMessage());
        assertEquals(List.of(store.fileFor(Kind.STEP, 1), store.fileFor(Kind.STEP, 2)), store.stepFiles());
        try (Stream<Path> files = Files.list(store.directory())) {
            assertFalse(files.anyMatch(p -> p.getFileName().toString().endsWith(".tmp")), "no temporary file left");
        }
    }

    @Test
    void unusableDirectoryIsReported() throws IOException {
        Files.writeString(run.resolve("checkpoints"), "not a directory");
        CheckpointStore store = new CheckpointStore(run);
        IOException e = assertThrows(IOException.class, () -> store.save(checkpoint(1), Kind.LAST));
        assertTrue(e.getMessage().startsWith("cannot save checkpoint " + store.fileFor(Kind.LAST, 1)
                + ": cannot create the directory " + store.directory()), e.getMessage());
    }

    @Test
    void latestSkipsACorruptLastAndFallsBackToTheNewestValidStepFile() throws IOException {
        CheckpointStore store = new CheckpointStore(run, 5);
        store.save(checkpoint(10), Kind.STEP);
        store.save(checkpoint(20), Kind.STEP);
        store.save(checkpoint(30), Kind.STEP);
        store.save(checkpoint(30), Kind.LAST);
        Path last = store.fileFor(Kind.LAST, 30);
        Path step30 = store.fileFor(Kind.STEP, 30);
        flipLastByte(last);
        byte[] bytes = Files.readAllBytes(step30);
        Files.write(step30, Arrays.copyOf(bytes, bytes.length / 2));

        CheckpointStore.Latest latest = store.latest();
        assertEquals(store.fileFor(Kind.STEP, 20), latest.found().orElseThrow().file());
        assertEquals(checkpoint(20), latest.found().orElseThrow().checkpoint());
        assertEquals(List.of(last, step30), latest.skipped().stream().map(CheckpointStore.Skipped::file).toList());
        assertTrue(latest.skipped().get(0).reason().contains("checksum mismatch"), latest.skipped().get(0).reason());
        assertTrue(latest.skipped().get(1).reason().contains("not a valid safetensors file"),
                latest.skipped().get(1).reason());
        String report = latest.report();
        assertTrue(report.startsWith("resuming from " + store.fileFor(Kind.STEP, 20) + " (step 20)\n  skipped "
                + last + ": checkpoint " + last + ": checksum mismatch"), report);
        assertTrue(report.contains("\n  skipped " + step30 + ": checkpoint " + step30 + ": not a valid safetensors"),
                report);
    }

    @Test
    void latestPrefersAStepFileNewerThanLast() throws IOException {
        CheckpointStore store = new CheckpointStore(run);
        store.save(checkpoint(10), Kind.LAST);
        store.save(checkpoint(20), Kind.STEP); // the run died before writing last
        CheckpointStore.Latest latest = store.latest();
        assertEquals(store.fileFor(Kind.STEP, 20), latest.found().orElseThrow().file());
        assertTrue(latest.skipped().isEmpty());
    }

    @Test
    void latestUsesLastWhenNewerStepFilesAreCorrupt() throws IOException {
        CheckpointStore store = new CheckpointStore(run);
        store.save(checkpoint(5), Kind.STEP);
        store.save(checkpoint(10), Kind.LAST);
        store.save(checkpoint(20), Kind.STEP);
        flipLastByte(store.fileFor(Kind.STEP, 20));
        CheckpointStore.Latest latest = store.latest();
        assertEquals(store.fileFor(Kind.LAST, 0), latest.found().orElseThrow().file());
        assertEquals(List.of(store.fileFor(Kind.STEP, 20)),
                latest.skipped().stream().map(CheckpointStore.Skipped::file).toList());
    }

    @Test
    void latestTreatsAMisnamedStepFileAsCorrupt() throws IOException {
        CheckpointStore store = new CheckpointStore(run);
        store.save(checkpoint(7), Kind.STEP);
        store.save(checkpoint(8), Kind.STEP);
        Files.move(store.fileFor(Kind.STEP, 8), store.fileFor(Kind.STEP, 9));
        CheckpointStore.Latest latest = store.latest();
        assertEquals(store.fileFor(Kind.STEP, 7), latest.found().orElseThrow().file());
        assertEquals("the file name says step 9 but the checkpoint holds step 8", latest.skipped().get(0).reason());
    }

    @Test
    void latestWithNothingUsable() throws IOException {
        CheckpointStore store = new CheckpointStore(run);
        store.save(checkpoint(10), Kind.LAST);
        flipLastByte(store.fileFor(Kind.LAST, 0));
        Files.writeString(store.directory().resolve(".last.safetensors.0123.tmp"), "left by kill -9");
        Files.writeString(store.directory().resolve("notes.txt"), "ignored");
        CheckpointStore.Latest latest = store.latest();
        assertTrue(latest.found().isEmpty());
        assertEquals(1, latest.skipped().size());
        assertTrue(latest.report().startsWith("no usable checkpoint\n  skipped "), latest.report());
    }

    @Test
    void corruptBestIsAnError() throws IOException {
        CheckpointStore store = new CheckpointStore(run);
        store.save(checkpoint(3).withMetrics(Map.of("val_loss", "0.5")), Kind.BEST);
        assertEquals(Map.of("val_loss", "0.5"), store.best().orElseThrow().checkpoint().metrics());
        flipLastByte(store.fileFor(Kind.BEST, 0));
        CheckpointException e = assertThrows(CheckpointException.class, store::best);
        assertTrue(e.getMessage().contains(store.fileFor(Kind.BEST, 0) + ": checksum mismatch"), e.getMessage());
    }

    private static void flipLastByte(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        bytes[bytes.length - 1] ^= 0x40;
        Files.write(file, bytes);
    }
}
