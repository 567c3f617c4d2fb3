/**
 * The Soft Silhouette loss inside Deep Java Library training: {@link dev.softsilhouette.djl.SoftSilhouetteDjlLoss}
 * is a DJL {@code Loss} over NDArrays whose autograd gradient is the API's.
 */
// DJL 0.36 has no module descriptor: its jar names itself ai.djl.api (Automatic-Module-Name), and our public
// types extend and return its types, so the requirement is transitive.
@SuppressWarnings("requires-transitive-automatic")
module dev.softsilhouette.djl {
    requires transitive dev.softsilhouette.api;
    requires transitive ai.djl.api;

    exports dev.softsilhouette.djl;
}
