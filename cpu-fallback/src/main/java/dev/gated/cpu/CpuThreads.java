package dev.gated.cpu;

import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.ForkJoinTask;
import java.util.function.IntConsumer;
import java.util.ArrayList;
import java.util.List;

/**
 * Runs {@code tasks} independent pieces of work on a fixed pool. Callers split work into pieces whose
 * boundaries do not depend on the number of threads, so results are identical for any thread count.
 */
final class CpuThreads implements AutoCloseable {
    /** Runs everything on the calling thread. */
    static final CpuThreads SERIAL = new CpuThreads(1);

    private final int threads;
    private final ForkJoinPool pool;

    CpuThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads: expected >= 1, got " + threads);
        }
        this.threads = threads;
        this.pool = threads == 1 ? null : new ForkJoinPool(threads);
    }

    int threads() {
        return threads;
    }

    /** Runs body.accept(i) for i in [0, tasks); returns when all are done. */
    void parallelFor(int tasks, IntConsumer body) {
        if (pool == null || tasks <= 1) {
            for (int i = 0; i < tasks; i++) {
                body.accept(i);
            }
            return;
        }
        List<ForkJoinTask<?>> futures = new ArrayList<>(tasks);
        for (int i = 0; i < tasks; i++) {
            final int task = i;
            futures.add(pool.submit(() -> body.accept(task)));
        }
        for (ForkJoinTask<?> f : futures) {
            f.join();
        }
    }

    @Override
    public void close() {
        if (pool != null) {
            pool.shutdownNow();
        }
    }
}
