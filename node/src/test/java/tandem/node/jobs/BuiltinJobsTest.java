package tandem.node.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.BinaryNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.api.Test;
import tandem.protocol.api.Json;
import tandem.protocol.job.BadInputException;
import tandem.protocol.job.CpuJob;
import tandem.protocol.job.JobInput;
import tandem.protocol.job.Job;
import tandem.protocol.job.JobKind;
import tandem.protocol.job.Param;
import tandem.protocol.job.ParamType;

class BuiltinJobsTest {
  private final JobCatalog catalog = JobCatalog.load();

  private JsonNode run(String job, String params) throws Exception {
    CpuJob cpu = (CpuJob) catalog.find(job).orElseThrow();
    return cpu.compute(JobInput.checked(cpu, (ObjectNode) Json.read(params)));
  }

  private void refused(String job, String params, String expected) {
    var spec = catalog.find(job).orElseThrow();
    BadInputException e = assertThrows(BadInputException.class,
        () -> JobInput.checked(spec, (ObjectNode) Json.read(params)));
    assertTrue(e.getMessage().contains(expected), e.getMessage());
  }

  @Test
  @DisplayName("the catalog finds every built-in with the right kind")
  void catalogHasTheBuiltins() {
    Set<String> cpu = catalog.all().stream().filter(j -> j.kind() == JobKind.CPU).map(j -> j.name()).collect(Collectors.toSet());
    Set<String> io = catalog.all().stream().filter(j -> j.kind() == JobKind.IO).map(j -> j.name()).collect(Collectors.toSet());
    assertEquals(Set.of("primes", "square", "noop", "factorial", "sha256", "spin", "print", "wordcount", "payload", "hang", "crash", "hog"), cpu);
    assertTrue(catalog.withoutDiagnostics().find("hang").isEmpty(), "hang runs only with tandem.jobs.diagnostics = on");
    assertTrue(catalog.withoutDiagnostics().find("hog").isEmpty(), "hog runs only with tandem.jobs.diagnostics = on");
    assertTrue(catalog.withoutDiagnostics().find("primes").isPresent());
    assertEquals(Set.of("sleep", "sleep-blocking", "http-get", "read-file"), io);
  }

  @Test
  @DisplayName("primes counts below n and in a range, as trial division says")
  void primes() throws Exception {
    assertEquals(78498, run("primes", "{\"n\":1000000}").asLong());
    assertEquals(25, run("primes", "{\"n\":100}").asLong());
    assertEquals(0, run("primes", "{\"n\":0}").asLong());
    assertEquals(4, run("primes", "{\"from\":10,\"to\":20}").asLong());
    refused("primes", "{}", "either n=");
    refused("primes", "{\"n\":5,\"from\":1,\"to\":2}", "either n=");
    refused("primes", "{\"from\":1}", "both from= and to=");
    refused("primes", "{\"from\":9,\"to\":2}", "from <= to");
  }

  @Test
  @DisplayName("square, factorial, sha256 and spin compute known answers")
  void computeKnownAnswers() throws Exception {
    assertEquals(144, run("square", "{\"x\":12}").asLong());
    assertEquals(9, run("square", "{\"x\":-3}").asLong());
    assertEquals(-7, run("noop", "{\"x\":-7}").asLong());
    assertTrue(run("noop", "{}").isNull());
    JsonNode f = run("factorial", "{\"n\":10}");
    assertEquals(7, f.get("digits").asInt()); // 3628800
    assertEquals("cb7d3c1a0e9a2e2e4e0c5e5b3ba1a2b63f8c10ee85ae8e38ba3b4b7e1fa6fb6d".length(), f.get("sha256").asText().length());
    assertEquals(456574, run("factorial", "{\"n\":100000}").get("digits").asInt());
    assertEquals("3628800", run("factorial", "{\"n\":10,\"full\":true}").get("value").asText());
    // sha256("abc"), then sha256 of that digest
    assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", run("sha256", "{\"text\":\"abc\"}").asText());
    assertEquals(64, run("sha256", "{\"text\":\"abc\",\"rounds\":1000}").asText().length());
    assertEquals(run("sha256", "{\"text\":\"abc\"}"), run("sha256", "{\"input\":\"abc\"}"), "input hashes like text");
    assertEquals(1234, run("payload", "{\"bytes\":1234}").asText().length());
    long started = System.nanoTime();
    assertTrue(run("spin", "{\"ms\":50}").asLong() > 0);
    assertTrue(System.nanoTime() - started >= 50_000_000L);
  }

  private JsonNode run(String job, ObjectNode params) throws Exception {
    CpuJob cpu = (CpuJob) catalog.find(job).orElseThrow();
    return cpu.compute(JobInput.checked(cpu, params));
  }

  @Test
  @DisplayName("sha256 hashes bytes as they are and text as its UTF-8; wordcount reads bytes as UTF-8 and refuses binary data, saying what to do")
  void bytesInputs() throws Exception {
    byte[] binary = {(byte) 0xff, (byte) 0xfe, 0, 1};
    assertEquals(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(binary)),
        run("sha256", withInput(binary)).asText());
    assertEquals(run("sha256", "{\"text\":\"h\u00e9\"}"), run("sha256", withInput("h\u00e9".getBytes(StandardCharsets.UTF_8))),
        "text hashes as its UTF-8");
    JsonNode counted = run("wordcount", withInput("b\u00e9b b\u00e9b x".getBytes(StandardCharsets.UTF_8)));
    assertEquals("b\u00e9b", counted.get("top").get(0).get("word").asText());
    BadInputException e = assertThrows(BadInputException.class, () -> run("wordcount", withInput(binary)));
    assertEquals("wordcount counts words in UTF-8 text, but its input is 4 bytes of binary data (not UTF-8); "
        + "give it a text file, or a step that returns text", e.getMessage());
    BadInputException notNumber = assertThrows(BadInputException.class, () -> run("primes", (ObjectNode) Json.object().set("n", BinaryNode.valueOf(binary))));
    assertTrue(notNumber.getMessage().contains("not 4 bytes"), notNumber.getMessage());
  }

  private static ObjectNode withInput(byte[] bytes) {
    return (ObjectNode) Json.object().set("input", BinaryNode.valueOf(bytes));
  }

  @Test
  @DisplayName("wordcount finds the most frequent words, case folded, ties in alphabetical order")
  void wordcount() throws Exception {
    JsonNode r = run("wordcount", "{\"input\":\"The cat, the dog; THE end. Dog!\",\"top\":2}");
    assertEquals(7, r.get("words").asInt());
    assertEquals(4, r.get("distinct").asInt());
    assertEquals("the", r.get("top").get(0).get("word").asText());
    assertEquals(3, r.get("top").get(0).get("count").asInt());
    assertEquals("dog", r.get("top").get(1).get("word").asText());
    assertEquals(2, r.get("top").size());
  }

  @Test
  @DisplayName("unknown, missing, ill-typed and out-of-range parameters are refused with a reason")
  void refusesBadParameters() {
    refused("square", "{}", "needs x=<integer>");
    refused("square", "{\"x\":\"twelve\"}", "must be a whole number");
    refused("square", "{\"x\":1.5}", "must be a whole number");
    refused("square", "{\"x\":12,\"y\":1}", "has no parameter 'y'");
    refused("spin", "{\"ms\":-1}", "from 0 to 86400000");
    refused("sha256", "{\"text\":\"a\",\"rounds\":0}", "from 1 to 100000000");
    refused("sha256", "{\"rounds\":2}", "exactly one of them");
    refused("sha256", "{\"text\":\"a\",\"input\":\"b\"}", "exactly one of them");
    refused("sha256", "{\"text\":{\"a\":1}}", "plain value");
    refused("http-get", "{\"url\":\"ftp://x\"}", "http://");
    refused("read-file", "{\"path\":\"/etc/passwd\"}", "relative path");
    refused("read-file", "{\"path\":\"a/../../b\"}", "relative path");
  }

  @Test
  @DisplayName("every whole-number parameter of every built-in has bounds, and values at the ends of JSON are refused by name")
  void refusesExtremeNumbers() {
    String[] extremes = {"9223372036854775807", "-9223372036854775808", "9223372036854775808", "-9223372036854775809",
        "1e308", "-1e308", "1.5", "-0.0", "1E2", "\"NaN\"", "\"Infinity\"", "true", "[1]"};
    for (Job job : catalog.all()) {
      for (Param p : job.params()) {
        if (p.type() != ParamType.INTEGER || job.name().equals("noop")) {
          continue; // noop gives x back and takes any long
        }
        assertTrue(p.min() != null && p.max() != null && p.max() < Long.MAX_VALUE, job.name() + " " + p.name() + " needs bounds");
        for (String v : extremes) {
          ObjectNode params = Json.object();
          job.params().stream().filter(other -> other.required() && other != p).forEach(other ->
              params.set(other.name(), other.type() == ParamType.INTEGER ? Json.NODES.numberNode(other.min()) : Json.NODES.textNode("a")));
          params.set(p.name(), Json.read(v));
          var e = assertThrows(BadInputException.class, () -> JobInput.checked(job, params), job.name() + " " + p.name() + "=" + v);
          assertTrue(e.getMessage().contains("parameter " + p.name() + " of job '" + job.name() + "' must be")
              && e.getMessage().contains("from " + p.min() + " to " + p.max()), e.getMessage());
        }
      }
    }
    refused("payload", "{\"bytes\":100000001}", "from 0 to 100000000");
    refused("primes", "{\"n\":10000000001}", "from 0 to 10000000000");
  }

  @Test
  @DisplayName("a refused value is shown cut short, however long it is")
  void showsLongValuesShort() {
    refused("square", "{\"x\":\"" + "9".repeat(100_000) + "\"}", "... (100002 characters)");
  }

  @Test
  @DisplayName("a long CPU job stops when its thread is interrupted")
  void interruptStopsLongJobs() throws Exception {
    Thread.currentThread().interrupt();
    assertThrows(InterruptedException.class, () -> run("spin", "{\"ms\":60000}"));
    Thread.interrupted();
  }
}
