export { ConfusionMatrix } from './confusion';
export { metricsFromConfusion } from './report';
export { predictedLabels } from './labels';
