/**
 * Chooses the account that serves a request: the client's accounts in priority order, filtered by
 * what each adapter can do (operation and every field present). A pin (`X-Gateway-Account`)
 * skips the choice but not the checks.
 */
import type { ClientConfig } from '../config/schema.js';
import { unsupportedFields, type Adapter, type CheckedInputs, type Operation, type VideoRequest } from './adapter.js';
import type { AccountSet } from './accounts.js';
import { GatewayError } from './errors.js';
import { legacyOnlyFields } from '../api/legacy/fidelity.js';

export interface RouteRequest<K extends Operation> {
  client: ClientConfig;
  op: K;
  input?: K extends keyof CheckedInputs ? CheckedInputs[K] : undefined;
  /** Account id from X-Gateway-Account. */
  pin?: string | undefined;
  /** Account that owns a resource the request references (asset, look); it must serve the request. */
  affinity?: { accountId: string; param: string } | undefined;
}

/** Why an account cannot serve a request; `param` is null when no field is to blame (the operation). */
interface Ineligible {
  param: string | null;
  reason: string;
}

export class Router {
  constructor(private readonly accounts: AccountSet) {}

  /** Every eligible adapter in preference order (first is the one to use). */
  candidates<K extends Operation>(req: RouteRequest<K>): Adapter[] {
    const { client, op, pin, affinity } = req;
    if (pin !== undefined) {
      this.checkPin(client, pin);
      if (affinity && affinity.accountId !== pin) {
        throw new GatewayError(
          'provider_capability_unsupported',
          `'${affinity.param}' belongs to account "${affinity.accountId}", but the request is pinned to "${pin}".`,
          { param: affinity.param },
        );
      }
      const adapter = this.accounts.get(pin);
      if (!adapter) throw new GatewayError('forbidden', `Account "${pin}" is not available to this client.`, { param: 'X-Gateway-Account' });
      const why = this.ineligibility(adapter, req);
      if (why) {
        // Without a field to blame, the pin itself is what the client has to change.
        throw new GatewayError('provider_capability_unsupported', `Account "${pin}" (${adapter.provider}) ${describe(why)}.`, {
          param: why.param ?? 'X-Gateway-Account',
        });
      }
      return [adapter];
    }

    const ids = affinity ? client.accounts.filter((a) => a === affinity.accountId) : client.accounts;
    const eligible: Adapter[] = [];
    const reasons: string[] = [];
    // The field to name: the first one any account could not honour.
    let firstParam: string | null = null;
    for (const id of ids) {
      const adapter = this.accounts.get(id);
      if (!adapter) continue;
      const why = this.ineligibility(adapter, req);
      if (why) {
        firstParam ??= why.param;
        reasons.push(why.param ? `account "${id}" ${describe(why)}` : `account "${id}": ${why.reason.replace(/\.$/, '')}`);
      } else {
        eligible.push(adapter);
      }
    }
    if (eligible.length === 0) {
      const detail = affinity && ids.length === 0 ? `. '${affinity.param}' belongs to an account this client cannot use.` : reasons.length ? `: ${reasons.join('; ')}.` : '.';
      throw new GatewayError('no_eligible_account', `None of this client's accounts can serve this request${detail}`, {
        param: firstParam ?? affinity?.param ?? null,
      });
    }
    return eligible;
  }

  /** The preferred eligible adapter (candidates() throws when there is none). */
  pick<K extends Operation>(req: RouteRequest<K>): Adapter {
    return this.candidates(req)[0]!;
  }

  /**
   * A pin must name one of the client's accounts on every request, also where it cannot change
   * anything (reads of an existing job, lists): a client told "forbidden" once is told so always.
   */
  checkPin(client: ClientConfig, pin: string | undefined): void {
    if (pin !== undefined && !client.accounts.includes(pin)) {
      throw new GatewayError('forbidden', `Account "${pin}" is not available to this client.`, { param: 'X-Gateway-Account' });
    }
  }

  /** The adapter a stored job belongs to; reads always go back to the account that made the job. */
  forJob(accountId: string): Adapter {
    const adapter = this.accounts.get(accountId);
    if (!adapter) {
      throw new GatewayError('upstream_error', `The account that made this job ("${accountId}") is no longer configured.`, { status: 503 });
    }
    return adapter;
  }

  private ineligibility<K extends Operation>(adapter: Adapter, req: RouteRequest<K>): Ineligible | null {
    if (!adapter.capabilities.operations.has(req.op)) {
      return { param: null, reason: `${adapter.provider} does not support ${req.op}` };
    }
    if (req.op === 'video.create' && !adapter.capabilities.multiScene) {
      const scenes = (req.input as VideoRequest | undefined)?.legacy?.video_inputs.length ?? 1;
      if (scenes > 1) return { param: 'video_inputs', reason: `${adapter.provider} renders one scene per video; this request has ${scenes}` };
    }
    if (req.op === 'video.create' && !adapter.capabilities.legacyV2Body) {
      const legacy = (req.input as VideoRequest | undefined)?.legacy;
      const [first] = legacy ? legacyOnlyFields(legacy) : [];
      if (first) return first;
    }
    if (req.input !== undefined && isChecked(req.op)) {
      const [first] = unsupportedFields(adapter.capabilities, req.op, req.input as unknown as never);
      if (first) return first;
    }
    return null;
  }
}

const describe = (why: Ineligible): string =>
  `${why.param ? `cannot honour '${why.param}'` : 'cannot serve this request'} (${why.reason.replace(/\.$/, '')})`;

const CHECKED = new Set<string>(['video.create', 'translation.create', 'avatar.create']);
const isChecked = (op: Operation): op is keyof CheckedInputs => CHECKED.has(op);
