package dev.gated.engine.data.timeseries;

/**
 * Bad content in a data file (a CSV here): the message names the file, the 1-based line, the 1-based column and
 * its header name where there is one, what was expected and what was found, so it can be shown to the user as is.
 *
 * <p>Unchecked, and an {@link IllegalArgumentException}, so a caller that validates user input can catch both.
 * (Not to be confused with the checked {@code java.util.zip.DataFormatException}.)
 */
public class DataFormatException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    public DataFormatException(String message) {
        super(message);
    }

    public DataFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
