// `models.bundled`: the bundled models (fast default, accurate) as the studio lists them.
import type { Handlers } from '../router';
import { describeBundledModels } from '../../engine/index';

export const modelHandlers: Pick<Handlers, 'models.bundled'> = {
  'models.bundled': () => describeBundledModels(),
};
