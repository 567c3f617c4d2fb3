package dev.softsilhouette.cuda.engine;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The parameter kinds of one {@code extern "C"} kernel, read from the CUDA C source itself, so that every launch's
 * arguments are checked against the code that was compiled (a mismatch would otherwise be silent memory
 * corruption on the device). {@link KernelArguments#launch} checks every launch of both bindings with it.
 *
 * @param kernel     the kernel's name
 * @param parameters the kind of each parameter, in order
 */
public record KernelSignature(String kernel, List<Kind> parameters) {

    /** What cuLaunchKernel must be given for a parameter: a device address, a 32-bit int or a double. */
    public enum Kind {
        POINTER, INT, DOUBLE
    }

    private static final Pattern KERNEL = Pattern.compile(
            "extern\\s+\"C\"\\s+__global__\\s+void\\s+(?:__launch_bounds__\\s*\\([^)]*\\)\\s*)?(\\w+)\\s*\\(([^)]*)\\)");

    public KernelSignature {
        parameters = List.copyOf(parameters);
    }

    /** Every {@code extern "C" __global__} kernel of {@code source}, by name. */
    public static Map<String, KernelSignature> parse(String source) {
        Map<String, KernelSignature> kernels = new LinkedHashMap<>();
        Matcher m = KERNEL.matcher(source);
        while (m.find()) {
            List<Kind> kinds = new ArrayList<>();
            for (String parameter : m.group(2).split(",")) {
                String p = parameter.replaceAll("/\\*.*?\\*/", "").trim();
                if (p.isEmpty()) {
                    continue;
                }
                if (p.contains("*")) {
                    kinds.add(Kind.POINTER);
                } else if (p.startsWith("double ")) {
                    kinds.add(Kind.DOUBLE);
                } else if (p.startsWith("int ")) {
                    kinds.add(Kind.INT);
                } else {
                    throw new IllegalArgumentException("kernel " + m.group(1) + ": unsupported parameter '" + p + "'");
                }
            }
            kernels.put(m.group(1), new KernelSignature(m.group(1), kinds));
        }
        return kernels;
    }

    /** Throws unless {@code given} (the first {@code count} entries) matches this signature. */
    public void check(Kind[] given, int count) {
        boolean ok = count == parameters.size();
        for (int i = 0; ok && i < count; i++) {
            ok = given[i] == parameters.get(i);
        }
        if (!ok) {
            throw new IllegalStateException("kernel " + kernel + " takes " + parameters + " but was given "
                    + java.util.Arrays.asList(given).subList(0, count));
        }
    }
}
