package tandem.protocol;

/**
 * Marks a message that crosses a process boundary. Only these are bound to the Kryo serializer
 * (see reference.conf); every concrete one is registered once in
 * {@link tandem.protocol.serialization.Registrations}.
 */
public interface WireMessage {}
