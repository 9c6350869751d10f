// Learning-rate schedule and early stopping, as plain serialisable state so a resumed run picks
// up exactly where it stopped. Plateau and early stopping follow Keras's ReduceLROnPlateau
// (min_delta 1e-4, cooldown 0) and EarlyStopping (min_delta 0) on the validation loss.
import type { RunConfig } from '../../contract/training';

export interface ScheduleState {
  lr: number;
  plateauBest: number | null;
  plateauWait: number;
  stopBest: number | null;
  stopWait: number;
}

export type ScheduleConfig = Pick<RunConfig, 'lr' | 'schedule' | 'plateauPatience' | 'plateauFactor' | 'minLr' | 'earlyStopPatience' | 'epochs'>;

export function initialSchedule(cfg: ScheduleConfig): ScheduleState {
  return { lr: cfg.lr, plateauBest: null, plateauWait: 0, stopBest: null, stopWait: 0 };
}

/** The learning rate for `epoch` (1-based). Cosine decays from lr to minLr over the planned epochs. */
export function lrForEpoch(cfg: ScheduleConfig, state: ScheduleState, epoch: number): number {
  if (cfg.schedule === 'cosine') {
    const t = Math.min(1, (epoch - 1) / Math.max(1, cfg.epochs));
    return cfg.minLr + 0.5 * (cfg.lr - cfg.minLr) * (1 + Math.cos(Math.PI * t));
  }
  return state.lr;
}

/** Updates the state after an epoch whose monitored (validation) loss was `monitored`. */
export function afterEpoch(cfg: ScheduleConfig, state: ScheduleState, monitored: number): { state: ScheduleState; stop: boolean } {
  const next = { ...state };
  if (cfg.schedule === 'plateau') {
    if (next.plateauBest === null || monitored < next.plateauBest - 1e-4) {
      next.plateauBest = monitored;
      next.plateauWait = 0;
    } else if (++next.plateauWait >= cfg.plateauPatience) {
      next.lr = Math.max(next.lr * cfg.plateauFactor, cfg.minLr);
      next.plateauWait = 0;
    }
  }
  let stop = false;
  if (cfg.earlyStopPatience > 0) {
    if (next.stopBest === null || monitored < next.stopBest) {
      next.stopBest = monitored;
      next.stopWait = 0;
    } else if (++next.stopWait >= cfg.earlyStopPatience) {
      stop = true;
    }
  }
  return { state: next, stop };
}
