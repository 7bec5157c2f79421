package io.accolade.bench;

import java.util.SplittableRandom;

/**
 * Zipf-like choice of one of {@code n} items (rank k has weight 1/k^s), spread over the id space by a fixed
 * permutation so that the hot items are not all neighbours (nor all clones of one template user).
 */
final class Zipf {
    private final double[] cdf;
    private final int n;
    private final long mult;

    Zipf(int n, double s) {
        this.n = n;
        this.cdf = new double[n];
        double sum = 0;
        for (int k = 0; k < n; k++) {
            sum += 1.0 / Math.pow(k + 1, s);
            cdf[k] = sum;
        }
        for (int k = 0; k < n; k++) {
            cdf[k] /= sum;
        }
        long m = 2_654_435_761L % n;
        while (m <= 1 || gcd(m, n) != 1) {
            m++;
        }
        this.mult = m;
    }

    /** An item index in [0, n). */
    int next(SplittableRandom r) {
        double u = r.nextDouble();
        int lo = 0;
        int hi = n - 1;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (cdf[mid] < u) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return (int) ((lo * mult + 7) % n);
    }

    /** Share of draws that go to the hottest item. */
    double topShare() {
        return cdf[0];
    }

    private static long gcd(long a, long b) {
        return b == 0 ? a : gcd(b, a % b);
    }
}
