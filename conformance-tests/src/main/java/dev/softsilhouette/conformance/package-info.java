/** The conformance kit (TCK). */
package dev.softsilhouette.conformance;
