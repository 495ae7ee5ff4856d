/** The Bitrix24 REST client (incoming webhook) and the CRM helpers built on it. */
export * from './webhook-url';
export * from './errors';
export * from './rate-limiter';
export { toBitrixQuery, batchCommand, type QueryParams } from './query';
export { MAX_BATCH_COMMANDS, type BatchCommand, type BatchResult } from './batch';
export type { BitrixEnvelope } from './transport';
export { PAGE_SIZE, type ListOptions } from './list';
export { createBitrixClient, type BitrixClient, type BitrixClientOptions } from './client';
export * from './phone';
export * from './crm';
