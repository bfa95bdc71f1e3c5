package tandem.protocol.job;

/**
 * One parameter a job takes.
 *
 * @param min the smallest allowed value of an integer parameter, or null
 * @param max the largest allowed value of an integer parameter, or null
 */
public record Param(String name, ParamType type, boolean required, Long min, Long max, String help) {

  public static Param integer(String name, long min, long max, String help) {
    return new Param(name, ParamType.INTEGER, true, min, max, help);
  }

  public static Param optionalInteger(String name, long min, long max, String help) {
    return new Param(name, ParamType.INTEGER, false, min, max, help);
  }

  public static Param string(String name, String help) {
    return new Param(name, ParamType.STRING, true, null, null, help);
  }

  public static Param optionalString(String name, String help) {
    return new Param(name, ParamType.STRING, false, null, null, help);
  }

  public static Param optionalBoolean(String name, String help) {
    return new Param(name, ParamType.BOOLEAN, false, null, null, help);
  }

  /** How {@code tandem catalog} shows it: {@code n=<integer 0..10^12>}. */
  public String usage() {
    StringBuilder s = new StringBuilder(name).append("=<").append(type.label());
    if (min != null && max != null) {
      s.append(' ').append(min).append("..").append(max);
    }
    s.append('>');
    return required ? s.toString() : "[" + s + "]";
  }
}
