/**
 * Temporal's cluster membership, which no public API gives: the Workflow, Operator and health
 * services of the TS SDK say whether the frontend answers (GetSystemInfo, GetClusterInfo) but not
 * whether history, matching and the worker service are members of the cluster. The server's
 * AdminService.DescribeCluster does (`tdbg` asks it): the membership rings the frontend sees (one
 * per service, with its hosts), the server version, the history-shard count and the stores. It is
 * served by the frontend on its gRPC port, reads the membership from memory and the cluster's
 * metadata row from the database, so it is cheap.
 *
 * The SDK ships no AdminService types, so this sends the call through the connection's own gRPC
 * channel (its metadata, API key and `withDeadline`), with an empty request
 * (DescribeClusterRequest's only field, cluster_name, empty: the current cluster), and decodes the
 * answer's few fields by number (protobufjs), from go.temporal.io/server v1.32.1:
 *   proto/internal/temporal/server/api/adminservice/v1/request_response.proto  DescribeClusterResponse
 *   proto/internal/temporal/server/api/cluster/v1/message.proto  MembershipInfo, RingInfo, HostInfo
 */
import { Connection } from '@temporalio/client';
import protobuf from 'protobufjs';

export interface MembershipRing {
  role: string;
  memberCount: number;
  members: string[];
}

/** What AdminService.DescribeCluster says. */
export interface DescribedCluster {
  serverVersion: string;
  clusterName: string;
  historyShardCount: number;
  persistenceStore: string;
  visibilityStore: string;
  /** The frontend host that answered. */
  currentHost?: string;
  rings: MembershipRing[];
}

const ADMIN_SERVICE = 'temporal.server.api.adminservice.v1.AdminService';

/**
 * The few fields the bridge reads, declared by their numbers in server v1.32.1's proto files
 * (protobufjs decodes them and skips every other field; the SDK's protobufjs copy is private to it).
 */
const schema = protobuf.Root.fromJSON({
  nested: {
    HostInfo: { fields: { identity: { type: 'string', id: 1 } } },
    RingInfo: { fields: { role: { type: 'string', id: 1 }, memberCount: { type: 'int32', id: 2 }, members: { rule: 'repeated', type: 'HostInfo', id: 3 } } },
    MembershipInfo: { fields: { currentHost: { type: 'HostInfo', id: 1 }, rings: { rule: 'repeated', type: 'RingInfo', id: 3 } } },
    DescribeClusterResponse: {
      fields: {
        serverVersion: { type: 'string', id: 2 },
        membershipInfo: { type: 'MembershipInfo', id: 3 },
        clusterName: { type: 'string', id: 5 },
        historyShardCount: { type: 'int32', id: 6 },
        persistenceStore: { type: 'string', id: 7 },
        visibilityStore: { type: 'string', id: 8 },
      },
    },
    GetSystemInfoResponse: { fields: { serverVersion: { type: 'string', id: 1 } } },
  },
});

interface DescribeClusterWire {
  serverVersion?: string; clusterName?: string; historyShardCount?: number; persistenceStore?: string; visibilityStore?: string;
  membershipInfo?: { currentHost?: { identity?: string }; rings?: Array<{ role?: string; memberCount?: number; members?: Array<{ identity?: string }> }> };
}

function decode<T>(type: string, bytes: Uint8Array): T {
  const message = schema.lookupType(type);
  return message.toObject(message.decode(bytes), { defaults: false }) as T;
}

/** Pure: DescribeClusterResponse's bytes → what the bridge reports of them. */
export function decodeDescribeCluster(bytes: Uint8Array): DescribedCluster {
  const wire = decode<DescribeClusterWire>('DescribeClusterResponse', bytes);
  const currentHost = wire.membershipInfo?.currentHost?.identity;
  return {
    serverVersion: wire.serverVersion ?? '',
    clusterName: wire.clusterName ?? '',
    historyShardCount: wire.historyShardCount ?? 0,
    persistenceStore: wire.persistenceStore ?? '',
    visibilityStore: wire.visibilityStore ?? '',
    ...(currentHost ? { currentHost } : {}),
    rings: (wire.membershipInfo?.rings ?? []).map((r) => ({
      role: r.role ?? '', memberCount: r.memberCount ?? 0, members: (r.members ?? []).map((m) => m.identity ?? ''),
    })),
  };
}

type RpcImpl = (method: { name: string }, request: Uint8Array, callback: (error: Error | null, response?: Uint8Array) => void) => unknown;

const WORKFLOW_SERVICE = 'temporal.api.workflowservice.v1.WorkflowService';

/**
 * The SDK's own RPC plumbing (a protected static) on the connection's channel, with its metadata
 * and API key, but **without its interceptors**: a health read is one attempt within its
 * deadline. The SDK's retry interceptor would retry an UNAVAILABLE frontend on timers that
 * outlive the read (and fire on a connection closed meanwhile).
 */
class SingleAttemptRpc extends Connection {
  static of(connection: Connection, serviceName: string): RpcImpl {
    return this.generateRPCImplementation({
      serviceName,
      // The connection's channel and call context: protected and private in the SDK's types, read here on purpose.
      client: connection['client'],
      callContextStorage: connection.callContextStorage,
      staticMetadata: connection.options.metadata,
      apiKeyFnRef: connection['apiKeyFnRef'],
    }) as unknown as RpcImpl;
  }
}

/** One unary call with an empty request, answered or failed by `deadline` (ms since the epoch) at the latest. */
function callOnce(connection: Connection, serviceName: string, method: string, deadline: number): Promise<Uint8Array> {
  const rpc = SingleAttemptRpc.of(connection, serviceName);
  return connection.withDeadline(deadline, () => new Promise<Uint8Array>((resolve, reject) => {
    // A Buffer, as protobufjs gives the SDK's own calls: grpc-js copies the request with Buffer's copy().
    rpc({ name: method }, Buffer.alloc(0), (error, response) => (error ? reject(error) : resolve(response ?? new Uint8Array(0))));
  }));
}

/**
 * WorkflowService.GetSystemInfo, one attempt: the frontend answers (it reads nothing from the
 * database). Returns the server's version (GetSystemInfoResponse { string server_version = 1; … }).
 */
export async function frontendServerVersion(connection: Connection, deadline: number): Promise<string> {
  return decode<{ serverVersion?: string }>('GetSystemInfoResponse', await callOnce(connection, WORKFLOW_SERVICE, 'GetSystemInfo', deadline)).serverVersion ?? '';
}

/**
 * AdminService.DescribeCluster on `connection`, one attempt within `deadline`. Fails like any SDK
 * call: a gRPC ServiceError with its `code` (12 UNIMPLEMENTED, 7 PERMISSION_DENIED when a server
 * does not offer or allow it).
 */
export async function describeTemporalCluster(connection: Connection, deadline: number): Promise<DescribedCluster> {
  return decodeDescribeCluster(await callOnce(connection, ADMIN_SERVICE, 'DescribeCluster', deadline));
}
