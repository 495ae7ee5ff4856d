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
 * channel (its metadata, API key, interceptors and `withDeadline`), with an empty request
 * (DescribeClusterRequest's only field, cluster_name, empty: the current cluster), and decodes the
 * answer's few fields by number, from go.temporal.io/server v1.32.1:
 *   proto/internal/temporal/server/api/adminservice/v1/request_response.proto  DescribeClusterResponse
 *   proto/internal/temporal/server/api/cluster/v1/message.proto  MembershipInfo, RingInfo, HostInfo
 */
import { Connection } from '@temporalio/client';

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

/** A protobuf field as it is on the wire: its number, and its value (a varint as a number, or a length-delimited field's bytes). */
interface WireField {
  field: number;
  varint?: number;
  bytes?: Uint8Array;
}

function readVarint(buffer: Uint8Array, at: number): [number, number] {
  let value = 0;
  let scale = 1;
  for (let i = at; i < buffer.length && i < at + 10; i += 1) {
    const byte = buffer[i]!;
    value += (byte & 0x7f) * scale;
    scale *= 128;
    if ((byte & 0x80) === 0) return [value, i + 1];
  }
  throw new Error('malformed protobuf: a varint runs past its end');
}

/** The fields of one protobuf message, in order (repeated fields appear once per value). */
export function wireFields(buffer: Uint8Array): WireField[] {
  const fields: WireField[] = [];
  let at = 0;
  while (at < buffer.length) {
    const [key, afterKey] = readVarint(buffer, at);
    const field = Math.floor(key / 8);
    const wireType = key % 8;
    at = afterKey;
    if (wireType === 0) {
      const [varint, next] = readVarint(buffer, at);
      fields.push({ field, varint });
      at = next;
    } else if (wireType === 2) {
      const [length, start] = readVarint(buffer, at);
      if (start + length > buffer.length) throw new Error('malformed protobuf: a field runs past its message');
      fields.push({ field, bytes: buffer.subarray(start, start + length) });
      at = start + length;
    } else if (wireType === 1) at += 8;
    else if (wireType === 5) at += 4;
    else throw new Error(`malformed protobuf: wire type ${wireType}`);
  }
  if (at > buffer.length) throw new Error('malformed protobuf: a fixed field runs past its message');
  return fields;
}

const text = (bytes: Uint8Array | undefined) => (bytes ? new TextDecoder().decode(bytes) : '');

function hostIdentity(hostInfo: Uint8Array | undefined): string {
  // HostInfo { string identity = 1; }
  return text(hostInfo && wireFields(hostInfo).find((f) => f.field === 1)?.bytes);
}

function ring(bytes: Uint8Array): MembershipRing {
  // RingInfo { string role = 1; int32 member_count = 2; repeated HostInfo members = 3; }
  const fields = wireFields(bytes);
  return {
    role: text(fields.find((f) => f.field === 1)?.bytes),
    memberCount: fields.find((f) => f.field === 2)?.varint ?? 0,
    members: fields.filter((f) => f.field === 3).map((f) => hostIdentity(f.bytes)),
  };
}

/** Pure: DescribeClusterResponse's bytes → what the bridge reports of them. */
export function decodeDescribeCluster(bytes: Uint8Array): DescribedCluster {
  const fields = wireFields(bytes);
  const string = (n: number) => text(fields.find((f) => f.field === n)?.bytes);
  // MembershipInfo { HostInfo current_host = 1; repeated string reachable_members = 2; repeated RingInfo rings = 3; }
  const membership = fields.find((f) => f.field === 3)?.bytes;
  const membershipFields = membership ? wireFields(membership) : [];
  const currentHost = hostIdentity(membershipFields.find((f) => f.field === 1)?.bytes);
  return {
    serverVersion: string(2),
    clusterName: string(5),
    historyShardCount: fields.find((f) => f.field === 6)?.varint ?? 0,
    persistenceStore: string(7),
    visibilityStore: string(8),
    ...(currentHost ? { currentHost } : {}),
    rings: membershipFields.filter((f) => f.field === 3).map((f) => ring(f.bytes!)),
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
  return text(wireFields(await callOnce(connection, WORKFLOW_SERVICE, 'GetSystemInfo', deadline)).find((f) => f.field === 1)?.bytes);
}

/**
 * AdminService.DescribeCluster on `connection`, one attempt within `deadline`. Fails like any SDK
 * call: a gRPC ServiceError with its `code` (12 UNIMPLEMENTED, 7 PERMISSION_DENIED when a server
 * does not offer or allow it).
 */
export async function describeTemporalCluster(connection: Connection, deadline: number): Promise<DescribedCluster> {
  return decodeDescribeCluster(await callOnce(connection, ADMIN_SERVICE, 'DescribeCluster', deadline));
}
