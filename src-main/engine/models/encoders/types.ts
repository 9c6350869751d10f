// What an encoder gives a decoder: feature maps picked by Keras layer name, as the Keras edition
// of segmentation_models taps skip connections (backbones_factory.py).
import type { SymbolicTensor } from '../layers/blocks';

export interface EncoderFeatures {
  /** The deepest tap (stride 8 or 16). */
  high: SymbolicTensor;
  /** A shallow tap (stride 4) for decoders with one skip connection. */
  low: SymbolicTensor;
}

export interface EncoderDef {
  /** Keras layer names of the taps, for the record and for tests. */
  highTap: string;
  lowTap: string;
  build(input: SymbolicTensor): EncoderFeatures;
}
