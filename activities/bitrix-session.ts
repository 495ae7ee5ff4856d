// Moved to integration/bitrix-sessions.ts (issue 19). tools/bench/routing-server.ts still imports
// this path and is being changed on another branch: delete this file once it imports the new one.
export { createBitrixSessions, type BitrixSession } from '../integration/bitrix-sessions';
