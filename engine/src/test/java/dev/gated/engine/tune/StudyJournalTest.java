package dev.gated.engine.tune;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StudyJournalTest {
    @TempDir
    Path dir;

    private static ObjectNode claim(int n) {
        return StudyJournal.newRecord("claim").put("trial", n).put("worker", "w");
    }

    private static ObjectNode complete(int n, double v) {
        return StudyJournal.newRecord("complete").put("trial", n).put("value", v).put("seconds", 1.0);
    }

    private void append(StudyJournal j, ObjectNode r) {
        j.update(records -> new StudyJournal.Update<>(null, List.of(r)));
    }

    @Test
    void recordsReadBackInOrder() {
        StudyJournal j = new StudyJournal(dir);
        append(j, claim(0));
        append(j, complete(0, 2.5));
        List<ObjectNode> r = j.read();
        assertEquals(2, r.size());
        assertEquals("claim", r.get(0).path("type").asText());
        assertEquals(2.5, r.get(1).path("value").asDouble());
    }

    /** A writer killed at any byte of its record leaves the journal as it was before that record. */
    @Test
    void truncationAtEveryByteOfTheLastRecordLosesOnlyThatRecord() throws Exception {
        StudyJournal j = new StudyJournal(dir);
        append(j, claim(0));
        append(j, complete(0, 2.5));
        append(j, claim(1));
        byte[] full = Files.readAllBytes(j.file());
        int lastStart = full.length - StudyJournal.line(claim(1)).getBytes(StandardCharsets.UTF_8).length;
        for (int cut = lastStart; cut < full.length; cut++) {
            Files.write(j.file(), Arrays.copyOf(full, cut));
            StudyState s = StudyState.replay(j.read());
            assertEquals(1, s.count(), "cut at byte " + cut);
            assertEquals(TrialState.COMPLETE, s.trial(0).orElseThrow().state());
            // The next append cuts the torn tail off and lands on a clean line.
            append(j, claim(7));
            List<ObjectNode> after = j.read();
            assertEquals(3, after.size(), "cut at byte " + cut);
            assertEquals(7, after.get(2).path("trial").asInt());
        }
        Files.write(j.file(), full);
        assertEquals(2, StudyState.replay(j.read()).count());
    }

    @Test
    void damageBeforeTheLastRecordIsReportedWithTheLine() throws Exception {
        StudyJournal j = new StudyJournal(dir);
        append(j, claim(0));
        append(j, complete(0, 2.5));
        append(j, claim(1));
        String text = Files.readString(j.file()).replace("2.5", "3.5");
        Files.writeString(j.file(), text);
        StudyJournal.CorruptJournalException e = assertThrows(StudyJournal.CorruptJournalException.class, j::read);
        assertTrue(e.getMessage().contains("journal.jsonl:2:"), e.getMessage());
    }

    @Test
    void concurrentUpdatesNeverInterleaveOrLoseRecords() throws Exception {
        StudyJournal j = new StudyJournal(dir);
        ExecutorService pool = Executors.newFixedThreadPool(4);
        List<Future<Integer>> claims = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            // Each task claims "the next trial number" as workers do: read, decide, append, under the lock.
            claims.add(pool.submit(() -> j.update(records -> {
                int n = StudyState.replay(records).count();
                return new StudyJournal.Update<>(n, List.of(claim(n)));
            })));
        }
        Set<Integer> seen = new HashSet<>();
        for (Future<Integer> f : claims) {
            assertTrue(seen.add(f.get()), "a trial number was claimed twice");
        }
        pool.shutdown();
        assertEquals(40, StudyState.replay(j.read()).count());
    }

    @Test
    void aTrialEndsOnceEvenIfTwoEndsAreWritten() {
        StudyJournal j = new StudyJournal(dir);
        append(j, claim(0));
        append(j, complete(0, 2.5));
        append(j, complete(0, 9.0));
        append(j, StudyJournal.newRecord("failed").put("trial", 0).put("reason", "x"));
        StudyState s = StudyState.replay(j.read());
        assertEquals(TrialState.COMPLETE, s.trial(0).orElseThrow().state());
        assertEquals(2.5, s.trial(0).orElseThrow().view().value());
    }
}
