package dev.softsilhouette.spi;

import java.lang.foreign.MemorySegment;

/**
 * An optional capability on top of {@link SilhouetteBackend}: the supervised contrastive loss of SPEC section 11, and
 * the hybrid auxiliary objective {@code alpha * SupCon + beta * soft silhouette (COSINE)}. A backend that implements
 * it is used for {@code SupConLoss} and {@code HybridLoss}; one that does not is skipped by {@code auto} and refused
 * by name (the API says which backends have it). Same rules as {@link SilhouetteBackend}: validated, prepared
 * batches; concurrent calls; outputs overwritten, written only once the computation succeeded; sums in a fixed order.
 */
public interface SupConBackend extends SilhouetteBackend {

    /** T > 0 and T_b > 0 of SPEC section 11 (validated above the SPI). */
    record SupConTemperatures(double temperature, double baseTemperature) {
        /** {@code T / T_b}, the factor in front of every {@code l_i}. */
        public double scale() {
            return temperature / baseTemperature;
        }
    }

    /**
     * The hybrid's terms, already multiplied by the reduction's row weight: the objective is
     * {@code sum_i (supConWeight * l_i + silhouetteWeight * (1 - s_i))}, {@code s_i} the soft silhouette of SPEC
     * section 3 under {@code COSINE} at temperature {@code silhouetteTau}.
     */
    record HybridTerms(SupConTemperatures temperatures, double supConWeight, double silhouetteTau,
                       double silhouetteWeight) {
    }

    /**
     * Computes every anchor's {@code l_i} and {@code G = d/dX sum_i w_i l_i}, with {@code w_i = weight * rowWeights[i]}
     * (or {@code weight} when {@code rowWeights} is null); the gradient flows through the row normalisation.
     *
     * @param lossesOut   N float32 values in the caller's row order, or null
     * @param gradientOut N*D float32 values, row-major, caller's order, overwritten; or null for the forward only
     * @return {@code sum_i l_i}
     */
    double supConAndGradient(PreparedBatch batch, SupConTemperatures temperatures, double weight,
                             MemorySegment rowWeights, MemorySegment lossesOut, MemorySegment gradientOut);

    /**
     * The hybrid objective and its gradient in one call.
     *
     * @param gradientOut N*D float32 values, overwritten with the objective's gradient; or null for the value only
     * @return {@code sum_i (supConWeight * l_i + silhouetteWeight * (1 - s_i))}
     */
    double hybridAndGradient(PreparedBatch batch, HybridTerms terms, MemorySegment gradientOut);
}
