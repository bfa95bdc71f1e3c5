package tandem.node.http;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;

class RouteLabelTest {
  @Test
  @DisplayName("a member's log is one label whether its address arrives encoded, decoded or as a pid")
  void memberLogIsOneTemplate() {
    assertEquals("/members/{member}/log", RouteLabel.of("/members/4242/log"));
    assertEquals("/members/{member}/log", RouteLabel.of("/members/pekko%3A%2F%2Ftandem%40127.0.0.1%3A2551/log"));
    assertEquals("/members/{member}/log", RouteLabel.of("/members/pekko://tandem@127.0.0.1:2551/log"));
    assertEquals("/members", RouteLabel.of("/members"));
    assertEquals("other", RouteLabel.of("/members/4242"));
    assertEquals("/jobs/{id}/result", RouteLabel.of("/jobs/ab-1/result"));
  }
}
