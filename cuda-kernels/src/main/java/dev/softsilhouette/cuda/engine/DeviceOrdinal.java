package dev.softsilhouette.cuda.engine;

/** Which GPU both backends use: system property {@value #PROPERTY}, a device ordinal, default 0. */
public final class DeviceOrdinal {
    public static final String PROPERTY = "silhouette.cuda.device";

    private DeviceOrdinal() {
    }

    /** The configured ordinal; a value that is not a non-negative integer is an error naming the property. */
    public static int configured() {
        return parse(System.getProperty(PROPERTY));
    }

    /**
     * Why {@code ordinal} cannot be used when the driver sees {@code count} devices (none visible, or the ordinal
     * beyond them), in words that say what to do; null when it can.
     */
    public static String refusal(int ordinal, int count) {
        if (count < 1) {
            return "the CUDA driver reports no device: check nvidia-smi and CUDA_VISIBLE_DEVICES";
        }
        if (ordinal >= count) {
            return PROPERTY + "=" + ordinal + " but " + count + " device(s) are visible: use 0.." + (count - 1);
        }
        return null;
    }

    static int parse(String value) {
        if (value == null || value.isBlank()) {
            return 0;
        }
        try {
            int ordinal = Integer.parseInt(value.trim());
            if (ordinal < 0) {
                throw new IllegalArgumentException(PROPERTY + ": negative: " + value);
            }
            return ordinal;
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(PROPERTY + ": not a device ordinal: " + value, e);
        }
    }
}
