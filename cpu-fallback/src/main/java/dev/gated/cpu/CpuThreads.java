package dev.gated.cpu;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * Runs {@code tasks} independent pieces of work on a fixed set of threads. Callers split work into pieces whose
 * boundaries do not depend on the number of threads, so results are identical for any thread count.
 *
 * <p>The calling thread takes part: it claims tasks like the {@code threads - 1} helper threads do, and once no
 * task is left to claim it waits only for the tasks other threads are still running. A thread never runs a task
 * of another {@code parallelFor} while it waits, so per-thread scratch buffers are never re-entered. Calls may
 * come from several threads at once, and a task may itself call {@code parallelFor} (on this or another
 * instance) without risk of deadlock: every claimed task is being run by a live thread, and unclaimed tasks are
 * run by the caller if no helper is free.
 */
final class CpuThreads implements AutoCloseable {
    /** Runs everything on the calling thread. */
    static final CpuThreads SERIAL = new CpuThreads(1);

    /** How long an idle helper (or a waiting caller) spins before it parks, in nanoseconds. */
    private static final long SPIN_NANOS = 50_000;

    private static final AtomicInteger POOL_IDS = new AtomicInteger();

    private final int threads;
    private final Worker[] workers;
    private final ConcurrentLinkedQueue<Job> queue = new ConcurrentLinkedQueue<>();
    private volatile boolean closed;

    CpuThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads: expected >= 1, got " + threads);
        }
        this.threads = threads;
        this.workers = new Worker[threads - 1];
        int id = threads == 1 ? 0 : POOL_IDS.incrementAndGet();
        for (int i = 0; i < workers.length; i++) {
            workers[i] = new Worker("gated-cpu-" + id + "-" + (i + 1));
            workers[i].start();
        }
    }

    int threads() {
        return threads;
    }

    /** Runs body.accept(i) for i in [0, tasks); returns when all are done. The first failure is rethrown. */
    void parallelFor(int tasks, IntConsumer body) {
        if (tasks <= 0) {
            return;
        }
        if (workers.length == 0 || tasks == 1 || closed) {
            for (int i = 0; i < tasks; i++) {
                body.accept(i);
            }
            return;
        }
        Job job = new Job(tasks, body);
        queue.add(job);
        int wake = Math.min(tasks - 1, workers.length);
        for (Worker w : workers) {
            if (wake == 0) {
                break;
            }
            if (w.sleeping) {
                LockSupport.unpark(w);
                wake--;
            }
        }
        job.work();
        queue.remove(job);
        job.awaitDone();
        Throwable error = job.error.get();
        if (error != null) {
            if (error instanceof RuntimeException re) {
                throw re;
            }
            if (error instanceof Error e) {
                throw e;
            }
            throw new IllegalStateException(error);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Worker w : workers) {
            LockSupport.unpark(w);
        }
    }

    /** One parallelFor call: tasks are claimed with a counter; the caller waits for the finished count. */
    private static final class Job {
        final int tasks;
        final IntConsumer body;
        final AtomicInteger next = new AtomicInteger();
        final AtomicInteger done = new AtomicInteger();
        final AtomicReference<Throwable> error = new AtomicReference<>();
        final Thread owner = Thread.currentThread();
        volatile boolean ownerParked;

        Job(int tasks, IntConsumer body) {
            this.tasks = tasks;
            this.body = body;
        }

        boolean hasUnclaimed() {
            return next.get() < tasks;
        }

        /** Claims and runs tasks until none is left to claim. */
        void work() {
            int finished = 0;
            int i;
            while ((i = next.getAndIncrement()) < tasks) {
                try {
                    if (error.get() == null) {
                        body.accept(i);
                    }
                } catch (Throwable t) {
                    error.compareAndSet(null, t);
                }
                finished++;
            }
            if (finished > 0 && done.addAndGet(finished) == tasks && ownerParked) {
                LockSupport.unpark(owner);
            }
        }

        void awaitDone() {
            if (done.get() == tasks) {
                return;
            }
            long spinUntil = System.nanoTime() + SPIN_NANOS;
            while (done.get() != tasks) {
                if (System.nanoTime() < spinUntil) {
                    Thread.onSpinWait();
                } else {
                    ownerParked = true;
                    if (done.get() != tasks) {
                        LockSupport.park(this);
                    }
                }
            }
        }
    }

    private final class Worker extends Thread {
        volatile boolean sleeping;

        Worker(String name) {
            super(name);
            setDaemon(true);
        }

        @Override
        public void run() {
            long idleSince = System.nanoTime();
            while (!closed) {
                Job job = nextJob();
                if (job != null) {
                    job.work();
                    idleSince = System.nanoTime();
                } else if (System.nanoTime() - idleSince < SPIN_NANOS) {
                    Thread.onSpinWait();
                } else {
                    sleeping = true;
                    if (queue.isEmpty() && !closed) {
                        LockSupport.park(this);
                    }
                    sleeping = false;
                    idleSince = System.nanoTime();
                }
            }
        }

        /** The oldest job with unclaimed tasks, dropping finished ones; peek, not an iterator: it runs while spinning. */
        private Job nextJob() {
            Job j;
            while ((j = queue.peek()) != null) {
                if (j.hasUnclaimed()) {
                    return j;
                }
                queue.remove(j);
            }
            return null;
        }
    }
}
