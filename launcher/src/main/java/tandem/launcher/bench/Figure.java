package tandem.launcher.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * One figure of the suite: its samples over repeated runs, the goal it is held to, and which way
 * is better.
 *
 * @param goal the goal in the figure's unit, or NaN when the figure is only reported
 * @param higherIsBetter whether a value above the goal meets it
 */
record Figure(String name, String unit, List<Double> samples, double goal, boolean higherIsBetter, String peer) {
  static Figure of(String name, String unit, List<Double> samples, double goal, boolean higherIsBetter, String peer) {
    return new Figure(name, unit, List.copyOf(samples), goal, higherIsBetter, peer);
  }

  double median() {
    List<Double> sorted = sorted();
    int n = sorted.size();
    return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
  }

  double min() {
    return sorted().get(0);
  }

  double max() {
    return sorted().get(samples.size() - 1);
  }

  boolean hasGoal() {
    return !Double.isNaN(goal);
  }

  boolean met() {
    return hasGoal() && (higherIsBetter ? median() >= goal : median() <= goal);
  }

  private List<Double> sorted() {
    List<Double> copy = new ArrayList<>(samples);
    Collections.sort(copy);
    return copy;
  }

  /** The p-th percentile (0..100) of some measurements, nearest rank. */
  static double percentile(List<Double> values, double p) {
    List<Double> copy = new ArrayList<>(values);
    Collections.sort(copy);
    int rank = (int) Math.ceil(p / 100.0 * copy.size());
    return copy.get(Math.max(0, Math.min(copy.size() - 1, rank - 1)));
  }
}
