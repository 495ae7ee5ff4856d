/**
 * Where the integration tests find Temporal and Kafka: tools/testkit/run-tests.ts starts them and puts
 * their addresses in the environment. A test started any other way fails with a hint instead
 * of hanging on a connection to a port nobody listens on.
 */
export interface StackEnv {
  temporalAddress: string;
  kafkaBrokers: string[];
}

export function stackEnv(): StackEnv {
  const temporalAddress = process.env.TEMPORAL_ADDRESS;
  const kafkaBrokers = process.env.KAFKA_BROKERS?.split(',').map((b) => b.trim()).filter(Boolean) ?? [];
  if (!temporalAddress || kafkaBrokers.length === 0) {
    throw new Error(
      'TEMPORAL_ADDRESS and KAFKA_BROKERS are not set: run integration tests through the runner, ' +
        'e.g. `npx tsx tools/testkit/run-tests.ts test/integration/<file>.test.ts` (or `npm test`), ' +
        'or set both to running services.',
    );
  }
  return { temporalAddress, kafkaBrokers };
}
