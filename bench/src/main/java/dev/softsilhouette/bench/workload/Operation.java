package dev.softsilhouette.bench.workload;

/** What one benchmark invocation does; the name is the JMH benchmark method's name. */
public enum Operation {
    /** The scalar loss (tau as configured). */
    FORWARD("forward"),
    /** The scalar loss and its gradient in one pass: what a training step calls. */
    FORWARD_BACKWARD("forwardBackward"),
    /** The hard silhouette score (tau 0), for evaluation. */
    SCORE("score");

    private final String methodName;

    Operation(String methodName) {
        this.methodName = methodName;
    }

    /** The JMH benchmark method's name, also the name in reports. */
    public String methodName() {
        return methodName;
    }

    /** The operation whose benchmark method is {@code name} (case-insensitive). */
    public static Operation byMethodName(String name) {
        for (Operation op : values()) {
            if (op.methodName.equalsIgnoreCase(name)) {
                return op;
            }
        }
        throw new IllegalArgumentException("operation: '" + name + "' is not one of forward, forwardBackward, score");
    }
}
