// The session's open project, for the handlers that work on one: a call before project.open is
// `not_found` in the same words everywhere.
import { DomainError } from '../contract/domain-error';
import { openStore, type ProjectStore } from '../dataset/store/store';
import type { HandlerContext } from './context';

export function projectDirOf(ctx: HandlerContext): string {
  const dir = ctx.session.projectDir;
  if (!dir) throw new DomainError({ code: 'not_found', message: 'no project is open (project.open first)' });
  return dir;
}

/** The open project's store. A project folder named on the command line may not exist yet: the first use creates it. */
export function projectStoreOf(ctx: HandlerContext): ProjectStore {
  return openStore(projectDirOf(ctx), { create: true });
}
