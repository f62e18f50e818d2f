import { Type, type Static } from '@sinclair/typebox';
import { Opt, Nullable, single } from './common.js';

const CreditPool = Type.Object({ remaining: Opt(Type.Integer()), resets_at: Opt(Type.String()) });

export const UserInfo = Type.Object(
  {
    username: Type.String(),
    email: Nullable(Type.String()),
    first_name: Nullable(Type.String()),
    last_name: Nullable(Type.String()),
    billing_type: Opt(Type.String({ description: 'wallet | subscription | usage_based' })),
    wallet: Opt(
      Type.Object({
        currency: Type.String({ description: 'usd | credits' }),
        remaining_balance: Opt(Type.Number()),
        auto_reload: Opt(
          Type.Object({
            enabled: Type.Boolean(),
            threshold_usd: Opt(Type.Number()),
            amount_usd: Opt(Type.Number()),
          }),
        ),
      }),
    ),
    subscription: Opt(
      Type.Object({
        plan: Type.String(),
        credits: Type.Object({ premium_credits: Opt(CreditPool), add_on_credits: Opt(CreditPool) }),
      }),
    ),
    usage_based: Opt(
      Type.Object({ spending_current_usd: Opt(Type.Number()), spending_cap_usd: Opt(Type.Number()) }),
    ),
  },
  { title: 'UserInfoResponse' },
);
export type UserInfo = Static<typeof UserInfo>;
export const UserInfoResponse = single(UserInfo);
