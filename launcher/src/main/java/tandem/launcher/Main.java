package tandem.launcher;

import tandem.launcher.cli.Tandem;

/** The entry point of every Tandem process: the CLI, a node, a worker. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.exit(Tandem.run(args));
  }
}
