// The engine worker that serves the editor's predictions (`masks.predict`), started on first use.
// Its own worker, not the training one: a worker runs its jobs one at a time, and a prediction
// must not wait behind a training run's job.
import { EngineHost, workerEntry } from '../engine/index';
import { segmentPhotoJob, type SegmentPhotoOutput } from './photo-job';

const here = import.meta.url;
let host: Promise<EngineHost> | null = null;

function predictionHost(): Promise<EngineHost> {
  host ??= EngineHost.start({}, workerEntry(new URL('./worker-entry.ts', here), 'segment-worker')).catch((error: unknown) => {
    host = null;
    throw error;
  });
  return host;
}

/** Segments one photo (whole-photo mode) with the model in `modelDir`, in the prediction worker. */
export async function segmentPhotoOffThread(photoFile: string, modelDir: string): Promise<SegmentPhotoOutput> {
  const h = await predictionHost();
  return h.run(segmentPhotoJob, { photoFile, modelDir });
}

/** Stops the prediction worker (tests, shutdown); the next prediction starts a new one. */
export async function closePredictionHost(): Promise<void> {
  const h = host;
  host = null;
  if (h) await (await h.catch(() => null))?.close();
}
