/**
 * The conformance kit (TCK): jqwik property contracts every backend runs against the float64 {@code reference}
 * backend. {@link dev.softsilhouette.conformance.SoftSilhouetteContract} combines them; a test class implements it
 * and names the backend under test.
 */
package dev.softsilhouette.conformance;
