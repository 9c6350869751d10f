// What the segmentation pipeline needs from a model: a small interface, so the pipeline does not
// care which network or backend is behind it. Face detection is the engine's (FaceDetector).

/** A segmentation model at its own square input size. */
export interface ProbabilityModel {
  readonly inputSize: number;
  readonly numClasses: number;
  /**
   * RGB bytes of one `inputSize`x`inputSize` image (row-major, 3 per pixel) → class
   * probabilities, HWC float32, `inputSize`*`inputSize`*`numClasses`.
   */
  predict(rgb: Uint8Array): Promise<Float32Array>;
  /** The same for several images in one model call (cheaper per image than one call each). */
  predictBatch(rgbs: Uint8Array[]): Promise<Float32Array[]>;
  dispose(): void;
}
