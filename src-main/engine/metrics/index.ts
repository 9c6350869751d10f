export { ConfusionMatrix } from './confusion';
export { metricsFromConfusion } from './report';
export { predictedLabels } from './labels';
export { confidenceMask, confidentDispute, maskDispute, CONFIDENT, type Dispute, type MapWindow } from './dispute';
