package tandem.protocol.job;

import java.util.List;

/**
 * A unit of work Tandem can run. Implement {@link CpuJob} for work that keeps a core busy (it runs
 * in a worker process) or {@link IoJob} for work that mostly waits (it runs on a node's I/O
 * dispatcher and never holds a thread while waiting), or {@link BlockingJob} for waiting written as
 * blocking code (it runs on a node, on a virtual thread where the JVM has them). List the class in {@code
 * META-INF/services/tandem.protocol.job.Job} so {@link java.util.ServiceLoader} finds it.
 *
 * <p>Inputs and results are plain values (JSON-like trees, where bytes are a {@code BinaryNode}), so
 * jobs never register anything with Kryo.
 */
public sealed interface Job permits CpuJob, IoJob {

  /** The name users submit it by, e.g. {@code primes}. */
  String name();

  /** Whether it runs in a worker process or on a node's I/O dispatcher. */
  JobKind kind();

  /** One line for {@code tandem catalog} and error messages. */
  String description();

  /** The parameters it takes; anything else is refused before the job is accepted. */
  List<Param> params();

  /**
   * Checks that need more than one parameter (e.g. {@code from < to}); called before the job is
   * accepted, after each parameter was checked against its {@link Param}.
   *
   * @throws BadInputException with a one-line reason that says what to change
   */
  default void validate(JobInput input) {}
}
