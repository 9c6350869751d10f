// Frozen BatchNorm statistics for fine-tuning: every BatchNormalization layer of a model is made
// to run in inference mode even in a training forward pass, so it normalises with its moving
// mean and variance (learnt from thousands of images) and never updates them, while its scale
// and offset still train. Done on the layer instances of one model (the registry's layer class
// is shared by every model in the process and stays as it is).
import { tf } from '../tf';

type Call = (inputs: tf.Tensor | tf.Tensor[], kwargs: Record<string, unknown>) => tf.Tensor | tf.Tensor[];

export function batchNormLayers(layers: tf.layers.Layer[]): tf.layers.Layer[] {
  return layers.flatMap((layer) => {
    const nested = (layer as unknown as { layers?: tf.layers.Layer[] }).layers;
    if (Array.isArray(nested)) return batchNormLayers(nested);
    return layer.getClassName() === 'BatchNormalization' ? [layer] : [];
  });
}

/** Makes the model's BatchNorm layers use (and keep) their moving statistics in training; returns how many. */
export function freezeBatchNormStatistics(model: tf.LayersModel): number {
  const layers = batchNormLayers(model.layers);
  for (const layer of layers) {
    const own = layer as unknown as { call: Call; facetFrozen?: boolean };
    if (own.facetFrozen) continue;
    const original = own.call.bind(layer);
    own.call = (inputs, kwargs) => original(inputs, { ...kwargs, training: false });
    own.facetFrozen = true;
  }
  return layers.length;
}
