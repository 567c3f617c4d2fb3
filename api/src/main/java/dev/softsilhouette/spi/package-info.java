/**
 * The backend SPI. A backend is found through {@link java.util.ServiceLoader} as a {@link
 * dev.softsilhouette.spi.BackendProvider}; the API layer validates every argument and prepares the labels
 * ({@link dev.softsilhouette.spi.PreparedBatch}) before a {@link dev.softsilhouette.spi.SilhouetteBackend} sees
 * a call, so a backend holds math and memory only.
 */
package dev.softsilhouette.spi;
