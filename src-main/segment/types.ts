// What the segmentation pipeline needs from a model and a face detector: small interfaces, so
// the pipeline does not care which network, backend or detector is behind them.

/** A segmentation model at its own square input size. */
export interface ProbabilityModel {
  readonly inputSize: number;
  readonly numClasses: number;
  /**
   * RGB bytes of one `inputSize`x`inputSize` image (row-major, 3 per pixel) → class
   * probabilities, HWC float32, `inputSize`*`inputSize`*`numClasses`.
   */
  predict(rgb: Uint8Array): Promise<Float32Array>;
  dispose(): void;
}

/** A face in photo pixels. */
export interface FaceBox {
  x: number;
  y: number;
  w: number;
  h: number;
  score: number;
}

export interface FaceDetector {
  /** Faces in an RGB photo (`data` is width*height*3 bytes). */
  detect(photo: { data: Uint8Array; width: number; height: number }): Promise<FaceBox[]>;
  dispose(): void;
}
