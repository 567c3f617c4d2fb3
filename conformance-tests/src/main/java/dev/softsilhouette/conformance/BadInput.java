package dev.softsilhouette.conformance;

import java.util.Locale;

/** Helpers for the SPEC section 9 checks: a sentinel to fill outputs with, and message checks. */
public final class BadInput {
    private BadInput() {
    }

    /** What every output buffer holds before a call that must be rejected, and every lead and trail value. */
    public static final float SENTINEL = -1234.5f;

    /**
     * The exception's message mentions every fragment (case-insensitively) as a whole word: "row 1" is not found in
     * "row 12".
     */
    public static void requireMentions(Throwable e, String... fragments) {
        String message = e.getMessage() == null ? "" : e.getMessage();
        for (String fragment : fragments) {
            java.util.regex.Pattern word = java.util.regex.Pattern.compile("(?<![\\p{Alnum}_])"
                    + java.util.regex.Pattern.quote(fragment.toLowerCase(Locale.ROOT)) + "(?![\\p{Alnum}_])");
            if (!word.matcher(message.toLowerCase(Locale.ROOT)).find()) {
                throw new AssertionError("the message \"" + message + "\" does not mention \"" + fragment + "\"", e);
            }
        }
    }

    /** The lead and trail around a view still hold the sentinel. */
    public static void requireUntouchedOutside(String what, BufferKind.FloatStorage storage, int length) {
        float[] all = storage.everything();
        for (int i = 0; i < all.length; i++) {
            boolean inside = i >= BufferKind.LEAD && i < BufferKind.LEAD + length;
            if (!inside && Float.floatToRawIntBits(all[i]) != Float.floatToRawIntBits(SENTINEL)) {
                throw new AssertionError(what + ": value " + (i - BufferKind.LEAD) + " relative to the view, outside "
                        + "the " + length + " values the call may write, was changed to " + all[i]);
            }
        }
    }
}
