package tandem.node;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class HttpTokenTest {

  @Test
  @DisplayName("no token is fine on loopback, refused on an address other machines reach; a token must be 16+ characters without spaces")
  void tokenRules() {
    assertNull(HttpToken.read("", "127.0.0.1"));
    assertNull(HttpToken.read("  ", "localhost"));
    assertNull(HttpToken.read(null, "::1"));
    IllegalArgumentException open = assertThrows(IllegalArgumentException.class, () -> HttpToken.read("", "0.0.0.0"));
    assertTrue(open.getMessage().contains("set tandem.http.token"), open.getMessage());
    assertEquals("0123456789abcdef", HttpToken.read(" 0123456789abcdef ", "0.0.0.0"));
    assertThrows(IllegalArgumentException.class, () -> HttpToken.read("short", "127.0.0.1"));
    assertThrows(IllegalArgumentException.class, () -> HttpToken.read("0123456789 abcdef", "127.0.0.1"));
  }
}
