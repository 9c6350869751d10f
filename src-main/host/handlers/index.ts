// All handlers, merged by domain. The `satisfies` makes a missing method a compile error.
import type { Handlers } from '../router';
import { appHandlers } from './app';
import { projectHandlers } from './project';
import { galleryHandlers } from './gallery';
import { projectFileHandlers } from './project-files';
import { predictHandlers } from './predict';
import { segmentHandlers } from './segment';
import { trainingHandlers } from './training';
import { engineHandlers } from './engine';
import { proposalHandlers } from './proposals';
import { modelHandlers } from './models';

export const handlers = {
  ...appHandlers,
  ...projectHandlers,
  ...galleryHandlers,
  ...projectFileHandlers,
  ...predictHandlers,
  ...segmentHandlers,
  ...trainingHandlers,
  ...engineHandlers,
  ...proposalHandlers,
  ...modelHandlers,
} satisfies Handlers;
