package dev.softsilhouette.cli;

/**
 * Bad usage or bad input: the command line, a file or a value the user gave is wrong. The CLI prints the message as
 * one line, without a stack trace, and exits with status 2.
 */
public final class UsageException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public UsageException(String message) {
        super(message, null, false, false);
    }
}
