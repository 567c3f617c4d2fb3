package dev.softsilhouette.cli;

/** The help texts. */
final class Help {
    private Help() {
    }

    static final String MAIN = """
            silhouette: soft silhouette loss and silhouette score from the command line

            Usage: silhouette COMMAND [OPTIONS]

            Commands:
              demo       train a small embedding network with and without the soft silhouette loss
              score      hard silhouette score of labelled embeddings (equals scikit-learn's)
              loss       soft silhouette loss (and its gradient) of labelled embeddings
              supcon     supervised contrastive loss (and its gradient) of labelled embeddings
              backends   every backend found, available or not, and the one 'auto' picks

              silhouette COMMAND --help   options of one command
              silhouette COMMAND --verbose  also the library's log on stderr (and, for backends, every reason
                                            in full)
              silhouette --version        the version

            Inputs: embeddings as .npy (float32/float64, 2-D, C order) or .csv (one row per line);
                    labels as .npy (int32/int64/uint8, 1-D) or .csv (one integer per line).
            Backend: --backend NAME or list (cuda,cpu-vector), else -Dsilhouette.backend / $SILHOUETTE_BACKEND,
                     else auto.
            Exit status: 0 success, 2 bad usage or input, 1 other failure.
            """;

    static final String BACKENDS = """
            Usage: silhouette backends [--json] [--verbose]

            Lists every backend found on the class path with its priority, whether it is available (with its
            device or SIMD details) or why not (the first cause), and the backend 'auto' picks on this machine.

              --json      one JSON object on stdout (reasons in full)
              --verbose   every reason in full, with every place searched
            """;

    static final String SCORE = """
            Usage: silhouette score --embeddings FILE --labels FILE [options]

            The hard silhouette score (mean silhouette coefficient), as sklearn.metrics.silhouette_score.

              --embeddings FILE    .npy (float32/float64, shape (n, d)) or .csv (n lines of d numbers)
              --labels FILE        .npy (int32/int64/uint8, shape (n,)) or .csv (n integers, one per line)
              --metric M           euclidean (default), sqeuclidean or cosine
              --backend NAME       a backend name or comma-separated preference list (default: auto)
              --samples-out FILE   write the n per-sample silhouettes as float32 .npy
              --repeat R           run R times after one warm-up; report the median seconds
              --block-rows B       stream: memory-map the .npy and score it B rows at a time (memory O(n*k));
                                   default when the embeddings .npy is larger than a quarter of the heap, with
                                   B = 65536 (sqeuclidean, cosine) or 2048 (euclidean, every pair of blocks)
              --json               one JSON object on stdout
            """;

    static final String LOSS = """
            Usage: silhouette loss --embeddings FILE --labels FILE [options]

            The soft silhouette loss L = reduce(1 - s_i) with a softmin of temperature tau over competing classes.

              --embeddings FILE    .npy (float32/float64, shape (n, d)) or .csv (n lines of d numbers)
              --labels FILE        .npy (int32/int64/uint8, shape (n,)) or .csv (n integers, one per line)
              --metric M           euclidean (default), sqeuclidean or cosine
              --tau T              temperature >= 0 (default 0.1; 0 is the hard minimum)
              --reduction R        mean (default) or sum
              --backend NAME       a backend name or comma-separated preference list (default: auto)
              --grad-out FILE      write dL/dX as float32 .npy, shape (n, d)
              --repeat R           run R times after one warm-up; report the median seconds
              --json               one JSON object on stdout
            """;

    static final String SUPCON = """
            Usage: silhouette supcon --embeddings FILE --labels FILE [options]

            The supervised contrastive loss (Khosla et al., 2020; SPEC section 11) on the normalised rows: every
            other row of the anchor's class is a positive; an anchor without a positive contributes 0 (and counts
            in the mean).

              --embeddings FILE        .npy (float32/float64, shape (n, d)) or .csv (n lines of d numbers)
              --labels FILE            .npy (int32/int64/uint8, shape (n,)) or .csv (n integers, one per line)
              --temperature T          T > 0 (default 0.07)
              --base-temperature T     T_b > 0 (default 0.07); the loss is scaled by T / T_b
              --reduction R            mean (default) or sum
              --backend NAME           a backend with SupCon (cpu-vector, reference) or a list (default: auto)
              --grad-out FILE          write dL/dX as float32 .npy, shape (n, d)
              --repeat R               run R times after one warm-up; report the median seconds
              --json                   one JSON object on stdout
            """;

    static final String DEMO = """
            Usage: silhouette demo [options]

            Trains a small embedding network (MLP, Adam) twice per seed: cross-entropy alone, and cross-entropy
            plus lambda times the soft silhouette loss of each mini-batch's embeddings. Reports held-out top-1
            accuracy (mean and spread over seeds), the hard silhouette score of the test embeddings, time per
            epoch and the backend, and writes a PNG with PCA views of both models' test embeddings and the
            training curves.

              --dataset NAME       digits (default; bundled, 1797 8x8 images) or fashion-mnist (70000 28x28
                                   images from Debian's dataset-fashion-mnist package)
              --data-dir DIR       directory with the Fashion-MNIST IDX files (*-ubyte or *-ubyte.gz)
              --epochs E           training epochs (digits 50, fashion-mnist 4)
              --seeds S            number of seeds, 1..S (digits 10, fashion-mnist 2)
              --lambda L           weight of the soft silhouette loss (default 1.0)
              --batch-size B       mini-batch size (digits 128, fashion-mnist 256)
              --learning-rate LR   Adam step size (default 0.001)
              --hidden H           hidden units (digits 128, fashion-mnist 256)
              --embedding-dim E    embedding dimensions (default 32)
              --train-limit N      use only the first N training rows (stratified split order)
              --tau T              soft silhouette temperature (default 0.1)
              --metric M           euclidean (default), sqeuclidean or cosine
              --backend NAME       a backend name or preference list (default: auto)
              --plot FILE          PNG to write (default silhouette-demo.png; silhouette-compare.png)
              --json               one JSON object with the results on stdout

            --compare trains four models per seed instead: cross-entropy (CE), CE + SupCon, CE + soft
            silhouette (cosine, weight lambda, tau T), CE + SupCon + soft silhouette (one hybrid call), and writes
            a Markdown table (held-out accuracy and test cosine silhouette, mean +- sd; time per epoch) with
            paired per-seed verdicts (95% t interval, sign test; none below 5 seeds) and a PNG.
              --supcon-weight W        weight of SupCon (default 1.0)
              --supcon-temperature T   SupCon's T (default 0.07; T_b 0.07)
              --table FILE             Markdown file to write (default silhouette-compare.md)
            """;
}
