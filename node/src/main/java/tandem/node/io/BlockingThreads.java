package tandem.node.io;

import com.typesafe.config.Config;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadFactory;
import org.apache.pekko.actor.typed.ActorSystem;
import org.apache.pekko.actor.typed.DispatcherSelector;

/**
 * Where blocking calls of I/O jobs run: a virtual thread of its own per call when this JVM has
 * them (JDK 21 or later), else the bounded {@code tandem.blocking-io-dispatcher}. The code stays
 * at the Java 17 language level and finds {@code Thread.ofVirtual()} at run time, the way
 * libraries that support both do; on a 17 the lookup fails once and the pool is used.
 */
public final class BlockingThreads {
  /** Made once per JVM: null when there are no virtual threads. */
  private static final ThreadFactory VIRTUAL = virtualThreadFactory();

  private BlockingThreads() {}

  /** Virtual threads when the JVM has them, else the system's blocking-io-dispatcher. */
  public static Executor executor(ActorSystem<?> system) {
    if (VIRTUAL != null) {
      return task -> VIRTUAL.newThread(task).start();
    }
    return system.dispatchers().lookup(DispatcherSelector.fromConfig("tandem.blocking-io-dispatcher"));
  }

  /** Whether this JVM runs blocking calls on virtual threads. */
  public static boolean virtual() {
    return VIRTUAL != null;
  }

  /** What {@code tandem catalog} says about this JVM's blocking threads, e.g. "a virtual thread each (JDK 25)". */
  public static String describe(Config config) {
    int jdk = Runtime.version().feature();
    if (VIRTUAL != null) {
      return "a virtual thread each (JDK " + jdk + ")";
    }
    int size = config.getInt("tandem.blocking-io-dispatcher.thread-pool-executor.fixed-pool-size");
    return "a pool of " + size + " platform threads (JDK " + jdk + "; on JDK 21 or later a virtual thread each)";
  }

  private static ThreadFactory virtualThreadFactory() {
    try {
      MethodHandles.Lookup lookup = MethodHandles.publicLookup();
      Class<?> builder = Class.forName("java.lang.Thread$Builder");
      Class<?> ofVirtual = Class.forName("java.lang.Thread$Builder$OfVirtual");
      MethodHandle start = lookup.findStatic(Thread.class, "ofVirtual", MethodType.methodType(ofVirtual));
      MethodHandle named = lookup.findVirtual(ofVirtual, "name", MethodType.methodType(ofVirtual, String.class, long.class));
      MethodHandle factory = lookup.findVirtual(builder, "factory", MethodType.methodType(ThreadFactory.class));
      // Named so a job's ranOn.thread and a thread dump say where it ran.
      Object named0 = named.invoke(start.invoke(), "tandem-virtual-", 0L);
      return (ThreadFactory) factory.invoke(named0);
    } catch (ClassNotFoundException | NoSuchMethodException | IllegalAccessException e) {
      return null; // JDK 17-20: no virtual threads
    } catch (Throwable e) {
      throw new IllegalStateException("cannot make virtual threads on JDK " + Runtime.version() + ": " + e, e);
    }
  }
}
