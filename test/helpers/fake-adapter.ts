/**
 * An in-memory Adapter for tests that need no HTTP: capabilities are configurable per account,
 * every call is recorded, and each method answers with a scripted value, a thrown error or a
 * function of its arguments. Unscripted methods without a sensible default throw, so a test
 * never passes because of an answer it did not ask for.
 */
import {
  OPERATIONS,
  type Adapter,
  type AdapterFactory,
  type Capabilities,
  type Operation,
} from '../../src/core/adapter.js';

export type AdapterMethod = Exclude<keyof Adapter, 'provider' | 'accountId' | 'capabilities'>;
type Args<M extends AdapterMethod> = Parameters<Adapter[M]>;
type Result<M extends AdapterMethod> = Awaited<ReturnType<Adapter[M]>>;

/** A value to resolve with, an error to throw, or a function computing either. */
export type Scripted<M extends AdapterMethod> = Result<M> | Error | ((...args: Args<M>) => Result<M> | Promise<Result<M>>);
export type Script = { [M in AdapterMethod]?: Scripted<M> };

export interface FakeAccountOptions {
  /** Defaults to every operation. */
  operations?: Iterable<Operation>;
  fields?: Capabilities['fields'];
  script?: Script;
}

export interface FakeCall {
  method: AdapterMethod;
  args: unknown[];
}

export interface FakeAdapter extends Adapter {
  readonly calls: FakeCall[];
  /** Replaceable between calls. */
  script: Script;
}

/** Answers used when a method is not scripted: enough for a create to succeed and a poll to stay pending. */
const DEFAULTS: Script = {
  createVideo: () => ({ upstreamId: 'up_video_1', status: 'pending', payload: {} }),
  getVideo: () => ({ detail: { status: 'pending' }, payload: {} }),
  deleteVideo: () => undefined,
  createTranslation: (req) => ({
    items: req.output_languages.map((outputLanguage, i) => ({ upstreamId: `up_translation_${i + 1}`, outputLanguage })),
    payload: {},
  }),
  getTranslation: () => ({ detail: { status: 'pending' }, payload: {} }),
  close: () => undefined,
};

export function createFakeAdapter(accountId: string, provider: string, opts: FakeAccountOptions = {}): FakeAdapter {
  const calls: FakeCall[] = [];
  const capabilities: Capabilities = {
    operations: new Set(opts.operations ?? OPERATIONS),
    ...(opts.fields ? { fields: opts.fields } : {}),
  };

  const answer = <M extends AdapterMethod>(method: M) =>
    async (...args: Args<M>): Promise<Result<M>> => {
      calls.push({ method, args });
      // Widened to unknown: TypeScript cannot narrow a union indexed by a generic method name.
      const scripted: unknown = fake.script[method] ?? DEFAULTS[method];
      if (scripted === undefined) throw new Error(`FakeAdapter(${accountId}): ${method} was not scripted`);
      if (scripted instanceof Error) throw scripted;
      if (typeof scripted === 'function') return (scripted as (...a: Args<M>) => Result<M> | Promise<Result<M>>)(...args);
      return scripted as Result<M>;
    };

  const fake: FakeAdapter = {
    provider,
    accountId,
    capabilities,
    calls,
    script: { ...opts.script },
    createVideo: answer('createVideo'),
    getVideo: answer('getVideo'),
    deleteVideo: answer('deleteVideo'),
    createTranslation: answer('createTranslation'),
    getTranslation: answer('getTranslation'),
    listTranslationLanguages: answer('listTranslationLanguages'),
    uploadAsset: answer('uploadAsset'),
    listAvatarGroups: answer('listAvatarGroups'),
    getAvatarGroup: answer('getAvatarGroup'),
    listAvatarLooks: answer('listAvatarLooks'),
    getAvatarLook: answer('getAvatarLook'),
    createAvatar: answer('createAvatar'),
    listVoices: answer('listVoices'),
    getVoice: answer('getVoice'),
    getUser: answer('getUser'),
    close: answer('close'),
  };
  return fake;
}

export interface FakeProvider {
  /** Register under any provider name in `factories`. */
  factory: AdapterFactory;
  /** The adapters built so far, by account id. */
  adapters: Map<string, FakeAdapter>;
  /** The adapter of one account; throws if the factory has not built it. */
  adapter(accountId: string): FakeAdapter;
  /** Every call to every adapter of this provider except close(). */
  calls(): FakeCall[];
}

/** A factory whose adapters take their capabilities and script from `perAccount[account.id]`. */
export function fakeProvider(perAccount: Record<string, FakeAccountOptions> = {}): FakeProvider {
  const adapters = new Map<string, FakeAdapter>();
  return {
    factory: (account) => {
      const adapter = createFakeAdapter(account.id, account.provider, perAccount[account.id]);
      adapters.set(account.id, adapter);
      return adapter;
    },
    adapters,
    adapter(accountId) {
      const a = adapters.get(accountId);
      if (!a) throw new Error(`no fake adapter was built for account "${accountId}"`);
      return a;
    },
    calls: () => [...adapters.values()].flatMap((a) => a.calls.filter((c) => c.method !== 'close')),
  };
}
