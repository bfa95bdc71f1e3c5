package tandem.node.jobs.builtin;

/** Trial division, the same workload the peer benchmarks measure. */
final class Primes {
  private Primes() {}

  static boolean isPrime(long n) {
    if (n < 2) {
      return false;
    }
    if (n % 2 == 0) {
      return n == 2;
    }
    for (long i = 3; i * i <= n; i += 2) {
      if (n % i == 0) {
        return false;
      }
    }
    return true;
  }

  /** How many primes lie in [from, to); checks for interruption so a cancelled job stops. */
  static long count(long from, long to) throws InterruptedException {
    long count = 0;
    for (long n = from; n < to; n++) {
      if ((n & 0xFFFF) == 0 && Thread.interrupted()) {
        throw new InterruptedException("interrupted at " + n);
      }
      if (isPrime(n)) {
        count++;
      }
    }
    return count;
  }
}
