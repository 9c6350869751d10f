// `masks.predict`: the editor's "Predict" proposal. No model can run in the studio yet, so this
// says so with a clear not_found; the engine work replaces it with a real inference call.
import { ApiError } from '../errors';
import type { Handlers } from '../router';

export const predictHandlers: Pick<Handlers, 'masks.predict'> = {
  async 'masks.predict'(input) {
    throw new ApiError({
      code: 'not_found',
      message: `no model is available yet to predict image ${input.id}: train one or install the default model first`,
    });
  },
};
