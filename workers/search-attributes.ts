import { isGrpcServiceError } from '@temporalio/client';
import type { temporal } from '@temporalio/proto';
import { bridgeSearchAttributes } from '../workflows/contract/search-attributes';
import { withShortConnection } from '../platform/short-temporal-connection';

/**
 * The custom search attributes a Temporal server must have for the bridge (B4), as the workflows'
 * contract defines them (workflows/contract/search-attributes.ts): all Keyword.
 */
export const searchAttributeNames: readonly string[] = bridgeSearchAttributes.map((key) => key.name);

/** IndexedValueType.INDEXED_VALUE_TYPE_KEYWORD on the wire (the proto package is a dev dependency: types only here). */
export const KEYWORD: temporal.api.enums.v1.IndexedValueType = 2;
/** gRPC status ALREADY_EXISTS: a concurrent starter registered the attribute first. */
const GRPC_ALREADY_EXISTS = 6;

/**
 * Registers any missing call search attributes (as Keyword) on a server, e.g. one given by
 * TEMPORAL_ADDRESS. Idempotent, and tolerant of a concurrent registration. Returns the names it added.
 */
export async function ensureSearchAttributes(
  address: string,
  options: { namespace?: string; names?: readonly string[] } = {},
): Promise<string[]> {
  const namespace = options.namespace ?? 'default';
  const names = options.names ?? searchAttributeNames;
  return withShortConnection(address, 10_000, async (connection) => {
    const existing = (await connection.operatorService.listSearchAttributes({ namespace })).customAttributes ?? {};
    for (const name of names) {
      const type = existing[name];
      if (type !== undefined && type !== null && type !== KEYWORD) {
        throw new Error(`search attribute ${name} exists on ${address} with indexed value type ${type}, expected Keyword (${KEYWORD})`);
      }
    }
    const missing = names.filter((name) => existing[name] === undefined);
    if (missing.length === 0) return [];
    try {
      await connection.operatorService.addSearchAttributes({
        namespace,
        searchAttributes: Object.fromEntries(missing.map((name) => [name, KEYWORD])),
      });
    } catch (error) {
      if (!(isGrpcServiceError(error) && error.code === GRPC_ALREADY_EXISTS)) throw error;
    }
    return missing;
  });
}
