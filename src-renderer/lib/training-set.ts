// What the training-set star says: the rule (split train and done or reviewed) or the user's
// choice over it, in words a tooltip can show.
import type { ImageItem } from '@contract/project';

export function followsRule(item: Pick<ImageItem, 'split' | 'status'>): boolean {
  return item.split === 'train' && (item.status === 'done' || item.status === 'reviewed');
}

export function trainingReason(item: Pick<ImageItem, 'split' | 'status' | 'inTraining' | 'trainingOverride'>): string {
  if (item.trainingOverride !== null) return item.inTraining ? 'In the training set (added by hand)' : 'Not in the training set (left out by hand)';
  if (item.inTraining) return `In the training set (split train, ${item.status})`;
  if (item.split !== 'train') return `Not in the training set (split ${item.split})`;
  return `Not in the training set yet (${item.status}: done or reviewed train images are)`;
}
