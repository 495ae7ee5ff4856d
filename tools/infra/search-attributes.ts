import { bridgeSearchAttributes } from '../../workflows/contract/search-attributes';

/**
 * The custom search attributes a Temporal server must have for the bridge (B4), as the workflows'
 * contract defines them (workflows/contract/search-attributes.ts): all Keyword, so the dev stack
 * registers each name as Keyword.
 */
export const searchAttributeNames: readonly string[] = bridgeSearchAttributes.map((key) => key.name);
