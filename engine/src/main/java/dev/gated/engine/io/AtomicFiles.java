package dev.gated.engine.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.SecureRandom;

/**
 * Writes a file so that a reader sees either the old file or the complete new one: the bytes go to a temporary
 * file in the same directory, are forced to the device, and the temporary file is atomically moved onto the target.
 */
public final class AtomicFiles {
    /** Test hook: runs after the bytes are written and forced, before the move. */
    interface BeforeMove {
        void run(Path temp) throws IOException;
    }

    private static final SecureRandom RANDOM = new SecureRandom();

    private AtomicFiles() {
    }

    /** Writes {@code bytes} to {@code target} atomically; on failure the target is left as it was. */
    public static void write(Path target, byte[] bytes) throws IOException {
        write(target, new ByteBuffer[] {ByteBuffer.wrap(bytes)}, null);
    }

    static void write(Path target, ByteBuffer[] content, BeforeMove beforeMove) throws IOException {
        Path absolute = target.toAbsolutePath();
        Path dir = absolute.getParent();
        if (Files.isDirectory(absolute)) {
            throw new IOException("cannot write " + target + ": it is a directory");
        }
        // Created like any new file (mode 0666 minus the umask), not with createTempFile's owner-only mode.
        Path temp = null;
        FileChannel channel = null;
        for (int attempt = 0; channel == null; attempt++) {
            temp = dir.resolve("." + absolute.getFileName() + "." + Long.toHexString(RANDOM.nextLong()) + ".tmp");
            try {
                channel = FileChannel.open(temp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
            } catch (FileAlreadyExistsException e) {
                if (attempt >= 10) {
                    throw new IOException("cannot write " + target + ": cannot create a temporary file in " + dir, e);
                }
            } catch (IOException e) {
                throw new IOException("cannot write " + target + ": cannot create a temporary file in " + dir + ": "
                        + describe(e), e);
            }
        }
        try {
            try (FileChannel ch = channel) {
                for (ByteBuffer b : content) {
                    while (b.hasRemaining()) {
                        ch.write(b);
                    }
                }
                ch.force(true);
            }
            if (beforeMove != null) {
                beforeMove.run(temp);
            }
            Files.move(temp, absolute, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException | RuntimeException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            IOException wrapped = new IOException("cannot write " + target + " (left unchanged): " + describe(e), e);
            throw wrapped;
        }
    }

    private static String describe(Exception e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null ? "" : ": " + m);
    }
}
