package dev.softsilhouette.conformance;

import dev.softsilhouette.conformance.fakes.DefectiveProvider;

/**
 * The accuracy properties on each defective backend. Not picked up by Surefire (no matching name, nested classes):
 * {@link KitCatchesABrokenBackendTest} runs them and requires each backend to fail at least one property.
 */
abstract class DefectiveConformance implements AccuracyContract {

    static final class FlippedGradientSign extends DefectiveConformance {
        @Override
        public String backendName() {
            return DefectiveProvider.FlippedGradientSign.NAME;
        }
    }

    static final class DroppedPairTerm extends DefectiveConformance {
        @Override
        public String backendName() {
            return DefectiveProvider.DroppedPairTerm.NAME;
        }
    }

    static final class WrongTemperature extends DefectiveConformance {
        @Override
        public String backendName() {
            return DefectiveProvider.WrongTemperature.NAME;
        }
    }

    static final class OwnMeanOverClassSize extends DefectiveConformance {
        @Override
        public String backendName() {
            return DefectiveProvider.OwnMeanOverClassSize.NAME;
        }
    }

    static final class ExpandedClassStatistics extends DefectiveConformance {
        @Override
        public String backendName() {
            return DefectiveProvider.ExpandedClassStatistics.NAME;
        }
    }

    /** The block decomposition's properties on the backends whose block operations are defective. */
    abstract static class Blocks implements BlockDecompositionContract {
    }

    static final class OneWayTile extends Blocks {
        @Override
        public String backendName() {
            return DefectiveProvider.OneWayTile.NAME;
        }
    }

    static final class UnshiftedSquaredNorms extends Blocks {
        @Override
        public String backendName() {
            return DefectiveProvider.UnshiftedSquaredNorms.NAME;
        }
    }
}
