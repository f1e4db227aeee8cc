package dev.gated.engine.tune;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Locale;
import java.util.Optional;

/**
 * A running trial is leased: its worker holds an OS lock on {@code leases/trial-NNNN.lock} for as long as it
 * trains it. The kernel drops the lock when the worker's process ends in any way (kill -9, OOM, a lost pod's
 * container), so "the lock can be taken" means "nobody is running this trial": a RUNNING trial whose lock is free
 * was interrupted and may be picked up again. No heartbeats, no clocks. Locks are taken only while holding the
 * journal's lock, so two workers cannot take the same lease.
 */
final class Leases {
    static final String DIR = "leases";

    private Leases() {
    }

    /** A held lease; closing it releases the trial. */
    record Lease(int trial, FileChannel channel, FileLock lock) implements AutoCloseable {
        @Override
        public void close() {
            try {
                channel.close(); // releases the lock
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }

    static Path file(Path studyDir, int trial) {
        return studyDir.resolve(DIR).resolve(String.format(Locale.ROOT, "trial-%04d.lock", trial));
    }

    /** The lease of {@code trial} if nobody holds it (another process, or another worker of this JVM). */
    static Optional<Lease> tryTake(Path studyDir, int trial) {
        Path f = file(studyDir, trial);
        try {
            Files.createDirectories(f.getParent());
            FileChannel ch = FileChannel.open(f, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            try {
                FileLock lock = ch.tryLock();
                if (lock != null) {
                    return Optional.of(new Lease(trial, ch, lock));
                }
            } catch (OverlappingFileLockException e) {
                // held by this JVM (another worker thread)
            }
            ch.close();
            return Optional.empty();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lock " + f + ": " + e.getMessage(), e);
        }
    }
}
