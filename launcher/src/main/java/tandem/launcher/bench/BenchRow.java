package tandem.launcher.bench;

/**
 * One measured run of the exercise.
 *
 * @param workload {@code cpu} or {@code io}
 * @param mode {@code serial}, {@code threads} or {@code processes}
 * @param where what ran it, in words
 * @param ranOn the role that ran it as the node reported it ({@code node}, {@code worker}), or "-"
 * @param speedup serial wall time over this one's
 * @param usage what the processes involved used, unknown when they are not on this machine
 * @param clusterCpuSeconds the CPU time of the node and every worker meanwhile, so rows compare
 *     like with like (idle workers spend CPU during a serial run too); NaN when not on this machine
 */
record BenchRow(String workload, String mode, String where, String ranOn, double wallSeconds, double speedup,
    ProcessSampler.Usage usage, double clusterCpuSeconds) {}
