package tandem.node.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.typesafe.config.Config;
import org.apache.pekko.actor.typed.ActorRef;
import tandem.node.NodeSettings;
import tandem.node.owner.JobManager;
import tandem.node.owner.JobProtocol;

/**
 * Reads a submission the journal kept (the request {@code POST /jobs} takes, see
 * {@code journal.Submission}) into the command that submits it again, checked as a new request is.
 */
public final class SubmissionReader {
  private final SubmitLimits limits;

  public SubmissionReader(NodeSettings settings, Config config) {
    this.limits = SubmitLimits.create(settings, config);
  }

  /** @throws tandem.protocol.job.BadInputException when it no longer passes (a limit lowered since) */
  public JobManager.Command read(JsonNode submission, ActorRef<JobProtocol.SubmitReply> replyTo) {
    return SubmitRequest.of(submission, limits).command(replyTo);
  }
}
