// All handlers, merged by domain. The `satisfies` makes a missing method a compile error.
import type { Handlers } from '../router';
import { appHandlers } from './app';

export const handlers = {
  ...appHandlers,
} satisfies Handlers;
