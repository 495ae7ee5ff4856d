/**
 * crm.deal.contact.add / crm.deal.contact.items.get (research §5.3). A deal's contacts are kept
 * in the hidden CONTACT_IDS list, primary first; CONTACT_ID (deprecated) mirrors the primary.
 */
import type { Handler } from './context';
import { applyDerived, touch } from './crm-rules';
import { intval, isObject, isTruthyFlag, pick, positiveId } from './params';
import { crmError } from './rest-error';
import type { Rec } from './types';

function dealOf(records: Map<number, Rec>, params: Record<string, unknown>): Rec {
  const id = positiveId(params.id ?? params.ID);
  if (id === 0) throw crmError("The parameter 'ownerEntityID' is invalid or not defined.");
  const deal = records.get(id);
  if (!deal) throw crmError('Not found.');
  return deal;
}

const contactIds = (deal: Rec): number[] => (Array.isArray(deal.CONTACT_IDS) ? (deal.CONTACT_IDS as number[]) : []);

/** true when bound now, false when the contact was already bound (nothing changes then). */
const contactAdd: Handler = (ctx, params) => {
  const deals = ctx.portal.records.deal;
  const deal = dealOf(deals, params);
  const fields = pick(params, 'fields');
  if (!isObject(fields)) throw crmError("The parameter 'fields' must be array.");
  const contactId = intval(fields.CONTACT_ID);
  // Existence of the contact is not checked: the binding layer only validates the id's form.
  if (contactId <= 0) throw crmError("The parameter 'fields' is not valid.");
  const ids = contactIds(deal);
  if (ids.includes(contactId)) return { result: false };
  const next = structuredClone(deal);
  next.CONTACT_IDS = isTruthyFlag(fields.IS_PRIMARY) ? [contactId, ...ids] : [...ids, contactId];
  const rules = { portal: ctx.portal, userId: ctx.userId, now: ctx.now };
  touch(next, rules);
  applyDerived('deal', next, deal, rules);
  deals.set(Number(deal.ID), next);
  return { result: true };
};

const contactItemsGet: Handler = (ctx, params) => {
  const deal = dealOf(ctx.portal.records.deal, params);
  const result = contactIds(deal).map((contactId, index) => ({
    CONTACT_ID: contactId,
    SORT: (index + 1) * 10,
    ROLE_ID: 0,
    IS_PRIMARY: index === 0 ? 'Y' : 'N',
  }));
  return { result };
};

export const dealContactMethods: Record<string, Handler> = {
  'crm.deal.contact.add': contactAdd,
  'crm.deal.contact.items.get': contactItemsGet,
};
