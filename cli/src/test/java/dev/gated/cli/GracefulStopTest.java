package dev.gated.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import sun.misc.Signal;

/** Raises SIGINT in this JVM while the handler is installed (the end-to-end SIGTERM tests run a real process). */
class GracefulStopTest {
    @Test
    void firstSignalRequestsAStopSecondHaltsAndCloseRestoresTheHandler() throws Exception {
        StringWriter err = new StringWriter();
        AtomicInteger halts = new AtomicInteger();
        try (GracefulStop stop = GracefulStop.install(new PrintWriter(err, true), halts::incrementAndGet)) {
            assertFalse(stop.getAsBoolean());
            assertNull(stop.signalName());
            Signal.raise(new Signal("INT"));
            awaitTrue(stop::getAsBoolean);
            assertEquals("SIGINT", stop.signalName());
            assertEquals(0, halts.get(), "the first signal only asks for a stop");
            Signal.raise(new Signal("INT"));
            awaitTrue(() -> halts.get() == 1);
        }
        assertTrue(err.toString().contains("received SIGINT: stopping after the current step"), err.toString());
        assertTrue(err.toString().contains("received SIGINT again: stopping now (exit 75)"), err.toString());

        // After close() a new instance starts afresh, so the previous one's handler is no longer installed.
        AtomicInteger halts2 = new AtomicInteger();
        try (GracefulStop again = GracefulStop.install(new PrintWriter(new StringWriter()), halts2::incrementAndGet)) {
            Signal.raise(new Signal("INT"));
            awaitTrue(again::getAsBoolean);
            assertEquals(1, halts.get(), "the closed instance got nothing");
            assertEquals(0, halts2.get());
        }
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("timed out waiting for the signal handler");
            }
            Thread.sleep(5);
        }
    }
}
