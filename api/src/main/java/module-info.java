/**
 * Soft Silhouette Loss: the public contract ({@code dev.softsilhouette}), the backend SPI
 * ({@code dev.softsilhouette.spi}) and the float64 {@code reference} backend.
 */
module dev.softsilhouette.api {

    exports dev.softsilhouette;
    exports dev.softsilhouette.spi;

    uses dev.softsilhouette.spi.BackendProvider;

    provides dev.softsilhouette.spi.BackendProvider
            with dev.softsilhouette.reference.ReferenceBackendProvider;
}
