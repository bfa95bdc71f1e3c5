package tandem.launcher.local;

import java.util.List;

/** What {@code tandem up} remembers in {@code .tandem/cluster.json}. */
public record ClusterState(List<NodeEntry> nodes, int workersPerNode) {}
