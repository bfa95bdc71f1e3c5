package tandem.protocol.job;

import java.util.Locale;

/** The JSON types a parameter may have. */
public enum ParamType {
  INTEGER,
  NUMBER,
  STRING,
  BOOLEAN;

  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }
}
